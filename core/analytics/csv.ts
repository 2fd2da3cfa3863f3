import type { FileStore } from '../files/file-store.ts';
import type { ReplyFile } from '../reply.ts';
import type { Table } from './report.ts';

/**
 * RFC 4180 CSV with a header row. A text cell that a spreadsheet would run as a formula
 * (starting with =, +, -, @, tab or carriage return: a course named "=HYPERLINK(...)") is
 * prefixed with an apostrophe; numbers are written as they are.
 */
export function toCsv(table: Pick<Table, 'columns' | 'rows'>): string {
  const cell = (value: string | number) => {
    if (typeof value === 'number') return String(value);
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
  };
  return [table.columns, ...table.rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** The table as a CSV file in the file store, ready to attach to a reply. */
export async function storeCsv(files: FileStore, name: string, table: Pick<Table, 'columns' | 'rows'>, maxBytes: number): Promise<ReplyFile> {
  const stored = await files.put(new TextEncoder().encode(toCsv(table)), { maxBytes });
  return { sha256: stored.sha256, name, kind: 'document', mime: 'text/csv', size: stored.size };
}
