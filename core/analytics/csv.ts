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
