import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { InteractionRow } from './offline-eval.ts';

const COLUMNS = ['user', 'item', 'ts', 'category'] as const;

const row = z.object({
  user: z.string().trim().min(1, 'user is empty'),
  item: z.string().trim().min(1, 'item is empty'),
  ts: z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'ts must be an integer (unix seconds or an ordinal)')
    .transform(Number)
    .refine(Number.isSafeInteger, 'ts is too large'),
  category: z.string().trim().max(200).default(''),
});

/**
 * An interactions file: a header naming `user,item,ts,category` (in any order; `category` may be
 * left out or empty), then one row per interaction. The first bad row is reported by its line
 * number; nothing is read from a file with one.
 */
export function parseInteractionsCsv(text: string): { rows: InteractionRow[] } | { error: string } {
  let records: string[][];
  try {
    records = parse(text, { skip_empty_lines: true, relax_column_count: true, bom: true, trim: true });
  } catch (error) {
    return { error: `not a CSV file: ${(error as Error).message}` };
  }
  const [header, ...body] = records;
  if (!header) return { error: 'the file is empty' };
  const names = header.map((name) => name.toLowerCase());
  const missing = COLUMNS.filter((column) => column !== 'category' && !names.includes(column));
  if (missing.length) return { error: `the header must name ${COLUMNS.join(',')}; missing: ${missing.join(', ')} (found: ${header.join(',')})` };
  if (!body.length) return { error: 'the file has a header but no rows' };
  const position = Object.fromEntries(COLUMNS.map((column) => [column, names.indexOf(column)]));
  const rows: InteractionRow[] = [];
  for (const [index, record] of body.entries()) {
    const parsed = row.safeParse(Object.fromEntries(COLUMNS.map((column) => [column, position[column]! >= 0 ? record[position[column]!] : undefined])));
    if (!parsed.success) return { error: `row ${index + 2}: ${parsed.error.issues.map((issue) => (issue.message.startsWith('Invalid input') ? `${String(issue.path[0])} is missing` : issue.message)).join('; ')}` };
    rows.push(parsed.data);
  }
  return { rows };
}
