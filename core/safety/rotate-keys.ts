import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.ts';
import { open, SealedValueError, seal, sealingKeyId } from './sealed-values.ts';

/** Every sealed column (see `sealedText` in the schema), as `table.column`. */
export const SEALED_COLUMNS = [
  'support_messages.body',
  'support_tickets.subject',
  'support_tickets.resolution',
  'support_tickets.transcript',
  'orders.provider_customer_id',
] as const;

export type RotationReport = { column: string; resealed: number; failed: number };

/**
 * Re-seals every value that is not under the current key (older keys, and plain values written
 * before the column was sealed), in batches of short transactions, while the product runs:
 * each row is written only if it still holds what was read, so a concurrent change wins.
 * Values that do not open are counted and left as they are (their failure is alerted).
 * Afterwards the old keys can be removed from DATA_ENCRYPTION_KEY.
 */
export async function rotateSealedValues(db: Database, options: { batch?: number } = {}): Promise<RotationReport[]> {
  const batch = options.batch ?? 500;
  const current = `lyc1:${sealingKeyId()}:%`;
  const reports: RotationReport[] = [];
  for (const name of SEALED_COLUMNS) {
    const [table, column] = name.split('.') as [string, string];
    const report = { column: name, resealed: 0, failed: 0 };
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = (await db.execute(sql`
        select id::text as id, ${sql.identifier(column)} as value from ${sql.identifier(table)}
        where id > ${after}::uuid and ${sql.identifier(column)} is not null and ${sql.identifier(column)} not like ${current}
        order by id limit ${batch}`)) as unknown as Array<{ id: string; value: string }>;
      if (!rows.length) break;
      for (const row of rows) {
        let plain: string;
        try {
          plain = open(name, row.value);
        } catch (error) {
          if (!(error instanceof SealedValueError)) throw error;
          report.failed++;
          continue;
        }
        const updated = await db.execute(sql`
          update ${sql.identifier(table)} set ${sql.identifier(column)} = ${seal(name, plain)}
          where id = ${row.id}::uuid and ${sql.identifier(column)} = ${row.value}`);
        report.resealed += (updated as unknown as { count: number }).count;
      }
      after = rows.at(-1)!.id;
    }
    reports.push(report);
  }
  return reports;
}

/** How many values of each sealed column are still plain or under another key (none after a rotation). */
export async function unsealedCounts(db: Database): Promise<Record<string, number>> {
  const current = `lyc1:${sealingKeyId()}:%`;
  const counts: Record<string, number> = {};
  for (const name of SEALED_COLUMNS) {
    const [table, column] = name.split('.') as [string, string];
    const [row] = (await db.execute(sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)} is not null and ${sql.identifier(column)} not like ${current}`)) as unknown as Array<{ n: number }>;
    counts[name] = row?.n ?? 0;
  }
  return counts;
}
