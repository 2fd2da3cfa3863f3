import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandDeps } from '../../../core/commands/index.ts';
import { auditLog, courses, ledgerEntries, lessons, orders, platformIdentities, productGrants, products } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand, handleMessage } from '../../../core/dispatch.ts';
import { encodeAction } from '../../../core/actions.ts';
import type { Caller } from '../../../core/members/actor.ts';
import { seedDemoActivity } from '../../../core/seed/demo-activity.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { defaultClassifier } from '../../../core/support/intents/default-classifier.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity } from '../../support/fixtures.ts';

const persona = (role: keyof typeof consolePersonas, spaceId = CONSOLE_SPACE_ID): Caller => ({ platform: 'console', userId: consolePersonas[role].userId, displayName: consolePersonas[role].displayName, locale: 'en', spaceId });

describe('/privacy export', () => {
  let database: TestDatabase;
  let deps: CommandDeps;
  let communityId: string;
  let otherSpace: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const now = new Date();
    communityId = (await seedDemoCommunity(database.db, now)).communityId;
    await seedDemoActivity(database.db, communityId, now);
    deps = commandDeps(database.db, { support: { classifier: defaultClassifier() } });
    await handleMessage(deps, persona('member'), 'My invoice address is 221B Baker Street, please update it');
    // Her purchase: the order /buy opens, paid (the ledger's entry), and a gift from a creator.
    expect((await handleCommand(deps, persona('member'), 'buy', { product: 'python-bootcamp' })).error).toBeUndefined();
    const [order] = await database.db.select().from(orders).where(eq(orders.communityId, communityId)).orderBy(desc(orders.createdAt)).limit(1);
    await database.db.insert(ledgerEntries).values({ communityId, orderId: order!.id, provider: order!.provider, kind: 'charge', amount: order!.amount, currency: order!.currency, providerRef: `pay_${order!.id}`, occurredAt: now });
    expect((await handleCommand(deps, persona('creator'), 'grant', { member: 'Mia', product: 'python-bootcamp', days: 30 })).error).toBeUndefined();
    const [owned] = await database.db.select({ id: courses.id, title: courses.title }).from(productGrants).innerJoin(products, eq(products.id, productGrants.productId)).innerJoin(courses, eq(courses.id, productGrants.courseId)).where(and(eq(products.communityId, communityId), eq(products.slug, 'python-bootcamp'))).limit(1);
    expect((await handleCommand(deps, persona('member'), 'rate', { course: owned!.title, score: 4, review: 'Clear and to the point' })).error).toBeUndefined();
    // She opens the course's first lesson, marks it done, comments on it, and asks for a person (a ticket).
    expect((await handleAction(deps, persona('member'), encodeAction({ type: 'lesson.open', courseId: owned!.id, position: 1 }))).error).toBeUndefined();
    const [lesson] = await database.db.select({ id: lessons.id }).from(lessons).where(and(eq(lessons.courseId, owned!.id), eq(lessons.position, 1)));
    expect((await handleAction(deps, persona('member'), encodeAction({ type: 'lesson.done', courseId: owned!.id, lessonId: lesson!.id }))).error).toBeUndefined();
    expect((await handleCommand(deps, persona('member'), 'comment', { action: 'add', lesson: lesson!.id, text: 'Where do I find the worksheet?' })).error).toBeUndefined();
    await handleMessage(deps, persona('member'), 'talk to a human please');
    // Mia is also a member of another community, with a conversation of her own there.
    otherSpace = (await createCommunity(database.db, { name: 'Elsewhere' })).spaceId;
    await handleMessage(deps, persona('member', otherSpace), 'Only Elsewhere may know this: 12 Grimmauld Place');
  });
  afterAll(() => database.drop());

  const exportOf = async (caller: Caller, options: Record<string, unknown> = {}) => {
    const outcome = await handleCommand(deps, caller, 'privacy', { action: 'export', ...options });
    expect(outcome.error).toBeUndefined();
    const file = outcome.reply.files?.[0];
    expect(file).toMatchObject({ mime: 'application/json', kind: 'document' });
    return { outcome, document: JSON.parse(new TextDecoder().decode(await deps.files.get(file!.sha256))) as { memberId: string; tables: Record<string, Array<Record<string, unknown>>> } };
  };

  it('gives the member every kind of row Lyceum holds about them here, opened, and nothing of another community', async () => {
    const { outcome, document } = await exportOf(persona('member'));
    expect(outcome.reply).toMatchObject({ ephemeral: true, confidential: true });
    const { tables } = document;
    for (const table of ['members', 'platform_identities', 'memberships', 'orders', 'entitlements', 'ledger_entries', 'enrollments', 'lesson_progress', 'lesson_comments', 'course_ratings', 'behaviour_events', 'support_conversations', 'support_messages', 'support_tickets']) {
      expect(tables[table]?.length ?? 0, table).toBeGreaterThan(0);
    }
    expect(tables.members![0]).toMatchObject({ id: document.memberId, display_name: 'Mia' });
    expect(tables.platform_identities![0]).toMatchObject({ platform: 'console', platform_user_id: consolePersonas.member.userId });
    const text = JSON.stringify(tables);
    expect(text).toContain('221B Baker Street');
    expect(text).toContain('Where do I find the worksheet?');
    expect(text).not.toContain('lyc1:');
    expect(text).not.toContain('Grimmauld');
    for (const [table, rows] of Object.entries(tables)) {
      for (const row of rows) if ('community_id' in row) expect(row.community_id, table).toBe(communityId);
    }
  });

  it('lets owners and creators export a member on request, audited; members may not, and nobody reaches another community\'s member', async () => {
    const [mia] = await database.db.select().from(platformIdentities).where(eq(platformIdentities.platformUserId, consolePersonas.member.userId));
    const { document } = await exportOf(persona('creator'), { member: 'Mia' });
    expect(document.memberId).toBe(mia!.memberId);
    const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, 'privacy.export'));
    expect(audits).toMatchObject([{ targetKind: 'member', targetId: mia!.memberId, communityId }]);
    expect((await handleCommand(deps, persona('staff'), 'privacy', { action: 'export', member: 'Mia' })).error).toMatchObject({ code: 'forbidden' });
    // The owner of Elsewhere is nobody here; a creator here cannot name a member who is only elsewhere.
    expect((await handleCommand(deps, persona('creator'), 'privacy', { action: 'export', member: 'Nobody Here' })).error).toMatchObject({ code: 'member_not_found' });
    expect((await handleCommand(deps, persona('creator'), 'privacy', { action: 'export', member: 'x'.repeat(101) })).error).toMatchObject({ code: 'invalid_input' });
  });
});
