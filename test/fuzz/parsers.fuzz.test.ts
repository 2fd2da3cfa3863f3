import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTextOptions } from '../../core/commands/text-options.ts';
import { commandNames } from '../../core/commands/index.ts';
import { decodeAction, encodeAction } from '../../core/actions.ts';
import { parseInteractionsCsv } from '../../core/recommend/interactions-csv.ts';
import { parseCourseMarkdown } from '../../core/studio/course-markdown.ts';
import { parseMarkdown } from '../../core/studio/markdown.ts';
import { fuzz } from './fuzz-report.ts';

/** Text parsers at the edge: any input ends in a value or a clear refusal, never a throw. */
describe('fuzz: parsers of external text', () => {
  it('typed command options (Telegram and the console)', () =>
    fuzz('typed options', fc.tuple(fc.constantFrom(...commandNames), fc.string({ unit: 'grapheme', maxLength: 300 })), ([name, text]) => {
      const options = parseTextOptions(name, text);
      for (const [key, value] of Object.entries(options)) expect(typeof key === 'string' && typeof value === 'string').toBe(true);
    }, 400));

  it('button payloads: random, truncated and re-encoded', () =>
    fuzz('button payloads (codec)', fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 64 })), (payload) => {
      const action = decodeAction(payload);
      // Whatever decodes is a valid action, and encodes back to something that decodes the same.
      if (action) expect(decodeAction(encodeAction(action))).toEqual(action);
    }, 1500));

  it('lesson Markdown', () =>
    fuzz('lesson markdown', fc.string({ unit: 'grapheme', maxLength: 600 }), (source) => {
      const { blocks, problems } = parseMarkdown(source);
      expect(Array.isArray(blocks) && Array.isArray(problems)).toBe(true);
      for (const problem of problems) expect(problem.line).toBeGreaterThanOrEqual(1);
    }, 500));

  it('course Markdown imports', () =>
    fuzz('course markdown import', fc.oneof(fc.string({ unit: 'grapheme', maxLength: 800 }), fc.array(fc.oneof(fc.constant('# Title'), fc.constant('## Lesson'), fc.constant('---'), fc.constant('tags: a, b'), fc.string({ maxLength: 40 })), { maxLength: 30 }).map((lines) => lines.join('\n'))), (text) => {
      const parsed = parseCourseMarkdown(text);
      if (!parsed.ok) expect(parsed.problem.detail.length).toBeGreaterThan(0);
    }, 500));

  it('eval input files (interactions CSV)', () =>
    fuzz('eval interactions csv', fc.oneof(fc.string({ maxLength: 400 }), fc.array(fc.tuple(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), fc.oneof(fc.integer().map(String), fc.string({ maxLength: 6 })), fc.string({ maxLength: 6 })), { maxLength: 20 }).map((rows) => ['user,item,ts,category', ...rows.map((row) => row.join(','))].join('\n'))), (text) => {
      const parsed = parseInteractionsCsv(text);
      if ('error' in parsed) expect(parsed.error.length).toBeGreaterThan(0);
      else for (const row of parsed.rows) expect(Number.isFinite(row.ts)).toBe(true);
    }, 500));
});
