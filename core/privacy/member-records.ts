import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { SEALED_COLUMNS } from '../safety/rotate-keys.ts';
import { open } from '../safety/sealed-values.ts';

type Row = Record<string, unknown>;
/** A column that names a member (`member_id`, `author_member_id`, ...), and whether its table is a community's. */
type MemberColumn = { table: string; column: string; scoped: boolean };

/**
 * Every column of the schema that names a member, read from the catalogue, so a table added
 * later is in the export (and the erasure) without anyone remembering to add it here.
 */
export async function memberColumns(db: Queryable): Promise<MemberColumn[]> {
  const rows = (await db.execute(sql`
    select c.table_name as table, c.column_name as column,
      exists (select 1 from information_schema.columns s where s.table_schema = 'public' and s.table_name = c.table_name and s.column_name = 'community_id') as scoped
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public' and c.column_name like '%member_id' and c.data_type = 'uuid'
    order by 1, 2`)) as unknown as MemberColumn[];
  return rows;
}

const sealedByTable = new Map<string, string[]>();
for (const name of SEALED_COLUMNS) {
  const [table, column] = name.split('.') as [string, string];
  sealedByTable.set(table, [...(sealedByTable.get(table) ?? []), column]);
}
/** Rows read with plain SQL carry sealed values as stored: opened here for the member to read. */
function opened(table: string, rows: Row[]): Row[] {
  const sealed = sealedByTable.get(table) ?? [];
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, sealed.includes(key) && typeof value === 'string' ? open(`${table}.${key}`, value) : value])));
}

async function select(db: Queryable, table: string, where: ReturnType<typeof sql>): Promise<Row[]> {
  return opened(table, (await db.execute(sql`select * from ${sql.identifier(table)} where ${where}`)) as unknown as Row[]);
}

/**
 * Everything Lyceum holds about one member in one community, by table: the member and their
 * platform identities, then every row of the community that names them (orders, entitlements,
 * progress, comments, tickets, events, ...), the messages of their support conversations (staff
 * replies included: they are part of the member's conversation) and the ledger of their orders.
 * Rows of other communities never appear.
 */
export async function memberRecords(db: Queryable, communityId: string, memberId: string): Promise<Record<string, Row[]>> {
  const records: Record<string, Row[]> = {
    members: await select(db, 'members', sql`id = ${memberId}::uuid`),
    platform_identities: await select(db, 'platform_identities', sql`member_id = ${memberId}::uuid`),
  };
  for (const { table, column, scoped } of await memberColumns(db)) {
    if (!scoped) continue;
    const rows = await select(db, table, sql`${sql.identifier(column)} = ${memberId}::uuid and community_id = ${communityId}::uuid`);
    const known = new Set((records[table] ?? []).map((row) => JSON.stringify(row)));
    const fresh = rows.filter((row) => !known.has(JSON.stringify(row)));
    if (fresh.length || records[table]) records[table] = [...(records[table] ?? []), ...fresh];
  }
  const conversations = sql`select id from support_conversations where member_id = ${memberId}::uuid and community_id = ${communityId}::uuid`;
  records.support_messages = await select(db, 'support_messages', sql`conversation_id in (${conversations}) order by seq`);
  const orders = sql`select id from orders where member_id = ${memberId}::uuid and community_id = ${communityId}::uuid`;
  records.ledger_entries = await select(db, 'ledger_entries', sql`order_id in (${orders}) and community_id = ${communityId}::uuid`);
  return Object.fromEntries(Object.entries(records).filter(([, rows]) => rows.length));
}
