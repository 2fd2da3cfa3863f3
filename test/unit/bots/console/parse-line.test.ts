import { describe, expect, it } from 'vitest';
import { parseConsoleLine } from '../../../../bots/console/parse-line.ts';

const keys = new Map([
  ['1', 'co|abc'],
  ['a', 'cp|2||'],
]);

describe('parseConsoleLine', () => {
  it('puts free text into the command’s main option and key:value into named ones', () => {
    expect(parseConsoleLine('/courses category:Data python pandas', keys)).toEqual({
      kind: 'command',
      name: 'courses',
      options: { category: 'Data', query: 'python pandas' },
    });
    expect(parseConsoleLine('/courses category:"Data Science" page:2', keys)).toEqual({
      kind: 'command',
      name: 'courses',
      options: { category: 'Data Science', page: '2' },
    });
    expect(parseConsoleLine('/course 增长黑客入门', keys)).toEqual({
      kind: 'command',
      name: 'course',
      options: { name: '增长黑客入门' },
    });
    expect(parseConsoleLine('/search 增长', keys)).toEqual({ kind: 'command', name: 'courses', options: { query: '增长' } });
  });

  it('turns a key from the last message into a button press', () => {
    expect(parseConsoleLine(' A ', keys)).toEqual({ kind: 'press', encoded: 'cp|2||' });
    expect(parseConsoleLine('9', keys)).toEqual({ kind: 'unknown-key', key: '9' });
  });

  it('recognises the console verbs and rejects unknown commands and roles', () => {
    expect(parseConsoleLine('/as creator', keys)).toEqual({ kind: 'persona', role: 'creator' });
    expect(parseConsoleLine('/lang zh-CN', keys)).toEqual({ kind: 'language', locale: 'zh' });
    expect(parseConsoleLine('/quit', keys)).toEqual({ kind: 'quit' });
    expect(parseConsoleLine('/as admin', keys)).toEqual({ kind: 'unknown-command', command: '/as' });
    expect(parseConsoleLine('/drop tables', keys)).toEqual({ kind: 'unknown-command', command: '/drop' });
    expect(parseConsoleLine('   ', keys)).toEqual({ kind: 'empty' });
  });
});
