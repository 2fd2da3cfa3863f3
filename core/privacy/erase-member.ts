import { sql } from 'drizzle-orm';
import type { Database, Queryable } from '../db/client.ts';
import { members } from '../db/schema/index.ts';
import { memberColumns } from './member-records.ts';

/**
 * What accounting must keep of a member's purchases: the rows stay (amounts, dates, payment
 * references), re-pointed at a "Deleted member" that names nobody. The customer id and checkout
 * link of an order identify the person and go.
 */
const KEPT_FOR_ACCOUNTING = ['orders', 'subscriptions', 'entitlements', 'coupon_redemptions', 'trials'];
/** Append-only by design (a trigger refuses changes); only a deleted member row nulls it, by its foreign key. */
const APPEND_ONLY = ['audit_log'];

export type Erasure = { erased: true; placeholderId: string } | { erased: false; reason: 'subscription_active' };

/**
 * Erases a member from one community, in one transaction: accounting rows move to a placeholder
 * member, every other row of the community that names them is deleted (or, where the column may
 * be empty, loses the name: an event still counts, a lesson's author is nobody), the membership
 * ends. Someone who belongs to no other community loses their identities and member row too;
 * otherwise those stay for the communities they are still in. Refused while a subscription could
 * still charge them: it must be cancelled first.
 */
export async function eraseMember(db: Database, communityId: string, memberId: string): Promise<Erasure> {
  return db.transaction(async (tx) => {
    const [charging] = (await tx.execute(sql`
      select 1 from subscriptions where community_id = ${communityId}::uuid and member_id = ${memberId}::uuid
      and status in ('trialing', 'active', 'past_due') limit 1`)) as unknown as unknown[];
    if (charging) return { erased: false, reason: 'subscription_active' };
    const [placeholder] = await tx.insert(members).values({ displayName: 'Deleted member' }).returning({ id: members.id });
    const placeholderId = placeholder!.id;
    await tx.execute(sql`update orders set provider_customer_id = null, checkout_url = null where community_id = ${communityId}::uuid and member_id = ${memberId}::uuid`);
    const columns = await memberColumns(tx);
    const nullable = await nullableColumns(tx);
    for (const { table, column, scoped } of columns) {
      if (!scoped || APPEND_ONLY.includes(table)) continue;
      const where = sql`${sql.identifier(column)} = ${memberId}::uuid and community_id = ${communityId}::uuid`;
      if (KEPT_FOR_ACCOUNTING.includes(table)) await tx.execute(sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = ${placeholderId}::uuid where ${where}`);
      else if (nullable.has(`${table}.${column}`)) await tx.execute(sql`update ${sql.identifier(table)} set ${sql.identifier(column)} = null where ${where}`);
      else await tx.execute(sql`delete from ${sql.identifier(table)} where ${where}`);
    }
    const [elsewhere] = (await tx.execute(sql`select 1 from memberships where member_id = ${memberId}::uuid limit 1`)) as unknown as unknown[];
    // The member row's own foreign keys clear what is left (identities, the audit log's actor).
    if (!elsewhere) await tx.execute(sql`delete from members where id = ${memberId}::uuid`);
    return { erased: true, placeholderId };
  });
}

async function nullableColumns(db: Queryable): Promise<Set<string>> {
  const rows = (await db.execute(sql`
    select table_name || '.' || column_name as name from information_schema.columns
    where table_schema = 'public' and column_name like '%member_id' and is_nullable = 'YES'`)) as unknown as Array<{ name: string }>;
  return new Set(rows.map((row) => row.name));
}
