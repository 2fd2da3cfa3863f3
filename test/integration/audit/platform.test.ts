import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../../../core/audit/record-audit.ts';
import { auditLog, members } from '../../../core/db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity } from '../../support/fixtures.ts';

/** Each audit row says which platform its actor acted from; the system's own acts say none. */
describe('the audit log platform', () => {
  let database: TestDatabase;
  let communityId: string;
  let actorId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await createCommunity(database.db)).id;
    actorId = (await database.db.insert(members).values({ displayName: 'Owner' }).returning())[0]!.id;
  });
  afterAll(() => database.drop());

  it('keeps the actor’s platform, and null for an act of the system', async () => {
    await recordAudit(database.db, { communityId, actorMemberId: actorId, platform: 'telegram', action: 'coupon.create' });
    await recordAudit(database.db, { communityId, action: 'space.migrated' });
    const rows = await database.db.select().from(auditLog).where(eq(auditLog.communityId, communityId)).orderBy(auditLog.id);
    expect(rows.map((row) => [row.action, row.actorKind, row.platform])).toEqual([['coupon.create', 'member', 'telegram'], ['space.migrated', 'system', null]]);
  });
});
