import { describe, expect, it } from 'vitest';
import { autocompleteBody, commandsBody, formErrors, messageBody, newMessageBody } from './validation.ts';

/** The 50035 `errors` tree for a body, under `data` as for an interaction callback. */
function errorsOf(schema: { safeParse(body: unknown): { success: boolean; error?: unknown } }, body: unknown): unknown {
  const parsed = schema.safeParse(body);
  return parsed.success ? undefined : formErrors(parsed.error as never, ['data']);
}
const row = (...components: unknown[]) => ({ type: 1, components });
const button = (custom_id: string, extra: object = {}) => ({ type: 2, style: 1, label: 'b', custom_id, ...extra });

describe('messageBody', () => {
  it('nests errors by path, as Discord does', () => {
    expect(errorsOf(messageBody, { components: [row(button('c'.repeat(101)))] })).toEqual({
      data: { components: { 0: { components: { 0: { custom_id: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }] } } } } } },
    });
  });

  it('accepts what Discord accepts', () => {
    const ok = {
      content: 'x'.repeat(2000),
      embeds: [{ title: 't', description: 'd', fields: [{ name: 'n', value: 'v', inline: true }], footer: { text: 'f' } }],
      components: [
        row(button('a'), { type: 2, style: 5, label: 'Docs', url: 'https://example.com' }),
        row({ type: 3, custom_id: 's', options: [{ label: 'A', value: 'a' }, { label: 'B', value: 'b' }], max_values: 2 }),
        row({ type: 6, custom_id: 'role' }),
      ],
      flags: 64,
    };
    expect(newMessageBody.safeParse(ok).success).toBe(true);
  });

  it.each([
    ['a link button with a custom_id', { components: [row({ type: 2, style: 5, label: 'x', url: 'https://a', custom_id: 'x' })] }],
    ['a button without custom_id', { components: [row({ type: 2, style: 1, label: 'x' })] }],
    ['an 81-character label', { components: [row(button('a', { label: 'l'.repeat(81) }))] }],
    ['six buttons in a row', { components: [row(...Array.from({ length: 6 }, (_, i) => button(`b${i}`)))] }],
    ['a select next to a button', { components: [row(button('a'), { type: 3, custom_id: 's', options: [{ label: 'A', value: 'a' }] })] }],
    ['max_values above the options offered', { components: [row({ type: 3, custom_id: 's', max_values: 2, options: [{ label: 'A', value: 'a' }] })] }],
    ['a 151-character placeholder', { components: [row({ type: 3, custom_id: 's', placeholder: 'p'.repeat(151), options: [{ label: 'A', value: 'a' }] })] }],
    ['eleven embeds', { embeds: Array.from({ length: 11 }, () => ({ title: 't' })) }],
    ['a 257-character embed title', { embeds: [{ title: 't'.repeat(257) }] }],
    ['26 embed fields', { embeds: [{ fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }] }],
    ['a 1025-character field value', { embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }] }],
    ['over 6000 characters across embeds', { embeds: [{ description: 'd'.repeat(4000) }, { description: 'd'.repeat(2001) }] }],
  ])('rejects %s', (_case, body) => {
    expect(errorsOf(messageBody, body)).toBeDefined();
  });
});

describe('commandsBody', () => {
  const valid = { name: 'courses', description: 'List courses', description_localizations: { 'zh-CN': '课程列表' }, options: [{ type: 3, name: 'query', description: 'q' }] };

  it('accepts a localized command and refuses more than 100', () => {
    expect(commandsBody.safeParse([valid]).success).toBe(true);
    expect(commandsBody.safeParse(Array.from({ length: 101 }, (_, i) => ({ ...valid, name: `c${i}` }))).success).toBe(false);
  });

  it.each([
    ['an uppercase name', [{ ...valid, name: 'Courses' }]],
    ['a 33-character name', [{ ...valid, name: 'c'.repeat(33) }]],
    ['a 101-character description', [{ ...valid, description: 'd'.repeat(101) }]],
    ['an unknown locale', [{ ...valid, name_localizations: { zh: '课程' } }]],
    ['a required option after an optional one', [{ ...valid, options: [{ type: 3, name: 'a', description: 'a' }, { type: 3, name: 'b', description: 'b', required: true }] }]],
    ['autocomplete with choices', [{ ...valid, options: [{ type: 3, name: 'a', description: 'a', autocomplete: true, choices: [{ name: 'x', value: 'x' }] }] }]],
    ['an integer choice on a string option', [{ ...valid, options: [{ type: 3, name: 'a', description: 'a', choices: [{ name: 'x', value: 1 }] }] }]],
    ['26 options', [{ ...valid, options: Array.from({ length: 26 }, (_, i) => ({ type: 3, name: `o${i}`, description: 'o' })) }]],
    ['two commands with one name', [valid, valid]],
  ])('rejects %s', (_case, body) => {
    expect(commandsBody.safeParse(body).success).toBe(false);
  });
});

describe('autocompleteBody', () => {
  it('takes up to 25 choices named 1-100 characters', () => {
    expect(autocompleteBody.safeParse({ choices: [{ name: 'n', value: 'v' }] }).success).toBe(true);
    expect(autocompleteBody.safeParse({ choices: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }).success).toBe(false);
    expect(autocompleteBody.safeParse({ choices: [{ name: 'n'.repeat(101), value: 'v' }] }).success).toBe(false);
  });
});
