import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../../core/audit/record-audit.ts';
import { auditLog, communities, members } from '../../../core/db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity } from '../../support/fixtures.ts';

/**
 * The audit log keeps what it was told: the application's role can add rows, never change or
 * remove them; each row says which platform its actor acted from.
 */
describe('the audit log', () => {
  let database: TestDatabase;
  let communityId: string;
  let actorId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await createCommunity(database.db)).id;
    actorId = (await database.db.insert(members).values({ displayName: 'Creator' }).returning())[0]!.id;
    await recordAudit(database.db, { communityId, actorMemberId: actorId, action: 'product.created', details: { price: 900 } });
  });
  afterAll(() => database.drop());

  const causeOf = async (statement: Promise<unknown>) => {
    const error = (await statement.then(() => undefined, (caught: unknown) => caught)) as { cause?: { code?: string; message?: string } } | undefined;
    return error?.cause;
  };

  it('refuses UPDATE, DELETE and TRUNCATE, and keeps the row as it was', async () => {
    expect(await causeOf(database.db.update(auditLog).set({ action: 'nothing.happened' }).where(eq(auditLog.communityId, communityId)))).toMatchObject({ code: '42501', message: 'audit_log is append-only: UPDATE is not allowed' });
    expect(await causeOf(database.db.delete(auditLog).where(eq(auditLog.communityId, communityId)))).toMatchObject({ code: '42501', message: 'audit_log is append-only: DELETE is not allowed' });
    expect(await causeOf(database.db.execute(sql`truncate audit_log`))).toMatchObject({ code: '42501', message: 'audit_log is append-only: TRUNCATE is not allowed' });
    const rows = await database.db.select().from(auditLog).where(eq(auditLog.communityId, communityId));
    expect(rows.map((row) => [row.action, row.details])).toEqual([['product.created', { price: 900 }]]);
  });

  it('still lets the keys do their part: an erased member’s id goes, a deleted community’s rows go', async () => {
    await database.db.delete(members).where(eq(members.id, actorId));
    const [row] = await database.db.select().from(auditLog).where(eq(auditLog.communityId, communityId));
    expect(row).toMatchObject({ action: 'product.created', actorMemberId: null });
    await database.db.delete(communities).where(eq(communities.id, communityId));
    expect(await database.db.select().from(auditLog).where(eq(auditLog.communityId, communityId))).toEqual([]);
  });

  it('keeps the actor’s platform, and null for an act of the system', async () => {
    const other = (await createCommunity(database.db)).id;
    const owner = (await database.db.insert(members).values({ displayName: 'Owner' }).returning())[0]!.id;
    await recordAudit(database.db, { communityId: other, actorMemberId: owner, platform: 'telegram', action: 'coupon.create' });
    await recordAudit(database.db, { communityId: other, action: 'space.migrated' });
    const rows = await database.db.select().from(auditLog).where(eq(auditLog.communityId, other)).orderBy(auditLog.id);
    expect(rows.map((row) => [row.action, row.actorKind, row.platform])).toEqual([['coupon.create', 'member', 'telegram'], ['space.migrated', 'system', null]]);
  });
});
