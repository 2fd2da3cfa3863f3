import { describe, expect, it } from 'vitest';
import { buildOptions, type OptionDefinition } from './command-options.ts';

const noTargets = () => {
  throw new Error('discord sim: no such target');
};
const command = (options: OptionDefinition[]) => ({ name: 'course', options });

describe('buildOptions', () => {
  it('types values from the registered definition', () => {
    const definitions = [
      { type: 3, name: 'text', required: true },
      { type: 4, name: 'count' },
      { type: 10, name: 'ratio' },
      { type: 5, name: 'flag' },
    ];
    expect(buildOptions(command(definitions), [], { text: 7, count: '3', ratio: 0.5, flag: 'false' }, noTargets)).toEqual([
      { name: 'text', type: 3, value: '7' },
      { name: 'count', type: 4, value: 3 },
      { name: 'ratio', type: 10, value: 0.5 },
      { name: 'flag', type: 5, value: false },
    ]);
  });

  it('refuses what the Discord client would not let a member submit', () => {
    const build = (definitions: OptionDefinition[], given: Record<string, string | number | boolean>) => () => buildOptions(command(definitions), [], given, noTargets);
    expect(build([{ type: 3, name: 'a', required: true }], {})).toThrow(/needs option "a"/);
    expect(build([{ type: 3, name: 'a' }], { b: 'x' })).toThrow(/no option "b"/);
    expect(build([{ type: 4, name: 'n' }], { n: 1.5 })).toThrow(/an integer/);
    expect(build([{ type: 4, name: 'n', max_value: 10 }], { n: 11 })).toThrow(/above 10/);
    expect(build([{ type: 3, name: 's', max_length: 3 }], { s: 'abcd' })).toThrow(/longer than 3/);
    expect(build([{ type: 3, name: 's', choices: [{ value: 'a' }] }], { s: 'b' })).toThrow(/one of its choices/);
    expect(build([{ type: 5, name: 'f' }], { f: 'yes' })).toThrow(/true or false/);
    expect(build([{ type: 6, name: 'who' }], { who: '123' })).toThrow(/no such target/);
  });

  it('keeps an attachment option\'s file through the resolver and sends its attachment id', () => {
    const kept: unknown[] = [];
    const keep = (type: number, value: unknown) => {
      kept.push([type, value]);
      return '1234567890123456789';
    };
    const file = { name: 'a.pdf', data: Buffer.from('%PDF') };
    expect(buildOptions(command([{ type: 11, name: 'file', required: true }]), [], { file }, keep)).toEqual([{ name: 'file', type: 11, value: '1234567890123456789' }]);
    expect(kept).toEqual([[11, file]]);
    expect(() => buildOptions(command([{ type: 11, name: 'file' }]), [], { file: 'a.pdf' }, keep)).toThrow(/takes a file/);
    expect(() => buildOptions(command([{ type: 3, name: 'text' }]), [], { text: file }, keep)).toThrow(/takes no file/);
  });

  it('nests subcommands and groups, and requires one to be chosen', () => {
    const definitions = [
      { type: 1, name: 'list', options: [{ type: 3, name: 'query' }] },
      { type: 2, name: 'admin', options: [{ type: 1, name: 'reset', options: [] }] },
    ];
    expect(buildOptions(command(definitions), ['list'], { query: 'ml' }, noTargets)).toEqual([
      { name: 'list', type: 1, options: [{ name: 'query', type: 3, value: 'ml' }] },
    ]);
    expect(buildOptions(command(definitions), ['admin', 'reset'], {}, noTargets)).toEqual([
      { name: 'admin', type: 2, options: [{ name: 'reset', type: 1, options: [] }] },
    ]);
    expect(() => buildOptions(command(definitions), [], {}, noTargets)).toThrow(/needs one of its subcommands/);
  });

  it('sends the focused option as raw partial input and lets required ones be missing', () => {
    const definitions = [
      { type: 3, name: 'name', required: true, autocomplete: true },
      { type: 4, name: 'page', required: true },
    ];
    expect(buildOptions(command(definitions), [], { name: 'mach' }, noTargets, 'name')).toEqual([{ name: 'name', type: 3, value: 'mach', focused: true }]);
  });
});
