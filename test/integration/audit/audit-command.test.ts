import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAction } from '../../../core/actions.ts';
import { recordAudit } from '../../../core/audit/record-audit.ts';
import type { CommandDeps } from '../../../core/commands/index.ts';
import { platformIdentities } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import type { Reply } from '../../../core/reply.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity } from '../../support/fixtures.ts';

const persona = (role: keyof typeof consolePersonas): Caller => ({ platform: 'console', userId: consolePersonas[role].userId, displayName: consolePersonas[role].displayName, locale: 'en', spaceId: CONSOLE_SPACE_ID });
const nextButton = (reply: Reply) => {
  for (const row of reply.actions ?? []) for (const button of 'buttons' in row ? row.buttons : []) if (button.label === 'Next ▶' && 'action' in button) return encodeAction(button.action);
  return undefined;
};

describe('/audit', () => {
  let database: TestDatabase;
  let deps: CommandDeps;
  let communityId: string;
  let chenId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await seedDemoCommunity(database.db, new Date())).communityId;
    deps = commandDeps(database.db);
    await handleCommand(deps, persona('owner'), 'help', {});
    await handleCommand(deps, persona('creator'), 'help', {});
    const [chen] = await database.db.select().from(platformIdentities).where(eq(platformIdentities.platformUserId, consolePersonas.creator.userId));
    chenId = chen!.memberId;
    for (let i = 0; i < 12; i++) await recordAudit(database.db, { communityId, actorMemberId: chenId, platform: 'telegram', action: 'access.grant', targetKind: 'entitlement', targetId: `=HYPERLINK("x")-${i}` });
    await recordAudit(database.db, { communityId, action: 'access.reconciled', details: { repaired: 3 } });
    const other = await createCommunity(database.db, { name: 'Elsewhere' });
    await recordAudit(database.db, { communityId: other.id, action: 'access.grant', targetKind: 'entitlement', targetId: 'elsewhere-secret' });
  });
  afterAll(() => database.drop());

  it('lists who did what, when and from where, newest first, ten to a page, with a working Next button', async () => {
    const first = await handleCommand(deps, persona('owner'), 'audit', { what: 'access.' });
    expect(first.error).toBeUndefined();
    expect(first.reply).toMatchObject({ title: 'Audit log of Lyceum Demo Academy', ephemeral: true, confidential: true });
    expect(first.reply.fields).toHaveLength(10);
    expect(first.reply.fields![0]).toMatchObject({ name: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} · system$/), value: 'system: access.reconciled' });
    expect(first.reply.fields![1]).toMatchObject({ name: expect.stringMatching(/ · telegram$/), value: 'Chen: access.grant entitlement =HYPERLI' });
    expect(first.reply.footer).toMatch(/^Page 1 of 2 · /);
    const second = await handleAction(deps, persona('owner'), nextButton(first.reply)!);
    expect(second.reply.fields).toHaveLength(3);
    expect(JSON.stringify([first.reply, second.reply])).not.toContain('elsewhere-secret');
  });

  it('filters by member and by exact action, and refuses what it cannot read', async () => {
    const byChen = await handleCommand(deps, persona('owner'), 'audit', { member: 'Chen', what: 'access.grant' });
    expect(byChen.reply.footer).toMatch(/^Page 1 of 2/);
    expect((await handleCommand(deps, persona('owner'), 'audit', { what: 'access.revoke' })).reply.body).toBe('No privileged actions match.');
    expect((await handleCommand(deps, persona('owner'), 'audit', { member: 'Nobody' })).error).toMatchObject({ code: 'member_not_found' });
    expect((await handleCommand(deps, persona('owner'), 'audit', { what: "x'; drop table audit_log" })).error).toMatchObject({ code: 'invalid_input' });
    expect((await handleCommand(deps, persona('owner'), 'audit', { period: 'forever' })).error).toMatchObject({ code: 'invalid_input' });
    expect((await handleCommand(deps, persona('creator'), 'audit', {})).error).toMatchObject({ code: 'forbidden' });
    expect((await handleCommand(deps, persona('member'), 'audit', { action: 'export' })).error).toMatchObject({ code: 'forbidden' });
    // A page button pressed by a creator is refused the same way.
    const first = await handleCommand(deps, persona('owner'), 'audit', {});
    expect((await handleAction(deps, persona('creator'), nextButton(first.reply)!)).error).toMatchObject({ code: 'forbidden' });
  });

  it('exports the same rows as CSV, with formulas neutralised', async () => {
    const exported = await handleCommand(deps, persona('owner'), 'audit', { action: 'export', what: 'access.' });
    const file = exported.reply.files![0]!;
    expect(file).toMatchObject({ mime: 'text/csv' });
    const csv = new TextDecoder().decode(await deps.files.get(file.sha256));
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor,actor_member_id,platform,action,target_kind,target_id,details');
    expect(lines).toHaveLength(1 + 13);
    expect(lines[1]).toMatch(/,system,,,access\.reconciled,,,"{""repaired"":3}"$/);
    expect(lines[2]).toContain(`,Chen,${chenId},telegram,access.grant,entitlement,"'=HYPERLINK(""x"")-11",{}`);
    expect(csv).not.toContain('elsewhere-secret');
  });
});
