import { commandDeps } from '../../support/core-deps.ts';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, communities, memberships, platformSpaces } from '../../../core/db/schema/index.ts';
import { handleCommand, handleSetup } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import type { Reply } from '../../../core/reply.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock } from '../../support/fakes.ts';

const discord = (userId: string, guildId: string | undefined): Caller => ({
  platform: 'discord',
  userId,
  displayName: userId,
  locale: 'en-US',
  spaceId: guildId,
});
const telegram = (userId: string, chatId: string): Caller => ({
  platform: 'telegram',
  userId,
  displayName: userId,
  locale: 'en',
  spaceId: chatId,
});
const guild = (title: string, callerIsAdmin: boolean) => ({ kind: 'discord_guild' as const, title, callerIsAdmin });
const codeIn = (reply: Reply) => /code:([A-Z0-9]{4}-[A-Z0-9]{4})/.exec(JSON.stringify(reply.fields))?.[1];

describe('handleSetup', () => {
  let database: TestDatabase;
  const clock = new FakeClock();
  const deps = () => ({ db: database.db, clock });
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('refuses a member who is not an admin of the server, creating nothing', async () => {
    const outcome = await handleSetup(deps(), discord('u-plain', 'g-1'), guild('Guild One', false), {});
    expect(outcome.error).toEqual({ code: 'not_space_admin' });
    expect(outcome.reply.body).toBe('Only an admin of this server or group can set up Lyceum here.');
    expect(await database.db.select().from(communities)).toEqual([]);
  });

  it('lets a server admin create a community, become its owner and get a link code', async () => {
    const outcome = await handleSetup(deps(), discord('u-owner', 'g-1'), guild('Guild One', true), { name: 'Makers Guild' });
    expect(outcome.error).toBeUndefined();
    expect(outcome.reply.title).toBe('Lyceum is set up for Makers Guild');
    expect(outcome.reply.confidential).toBe(true);
    expect(codeIn(outcome.reply)).toBeDefined();
    const [community] = await database.db.select().from(communities);
    expect(community?.slug).toMatch(/^makers-guild-[0-9a-f]{4}$/);
    const roles = await database.db.select({ role: memberships.role }).from(memberships);
    expect(roles).toEqual([{ role: 'owner' }]);
    const actions = (await database.db.select({ action: auditLog.action }).from(auditLog)).map((row) => row.action);
    expect(actions).toEqual(['community.created', 'space.linked', 'space.link_code_created']);
    const members = await handleCommand(commandDeps(database.db), discord('u-plain', 'g-1'), 'courses', {});
    expect(members.error).toBeUndefined();
  });

  it('shows the owner the status again, but refuses members', async () => {
    const owner = await handleSetup(deps(), discord('u-owner', 'g-1'), guild('Guild One', true), {});
    expect(owner.reply.title).toBe('Makers Guild');
    expect(owner.reply.fields?.[0]?.value).toBe('Guild One (discord)');
    const member = await handleSetup(deps(), discord('u-plain', 'g-1'), guild('Guild One', true), {});
    expect(member.error).toEqual({ code: 'forbidden', permission: 'community.manage' });
    const refound = await handleSetup(deps(), discord('u-plain', 'g-1'), guild('Guild One', true), { name: 'Takeover' });
    expect(refound.error).toEqual({ code: 'space_already_linked' });
  });

  it('links a Telegram group to the same community with a one-time code', async () => {
    const status = await handleSetup(deps(), discord('u-owner', 'g-1'), guild('Guild One', true), {});
    const code = codeIn(status.reply)!;
    const group = { kind: 'telegram_supergroup' as const, title: 'Makers Chat', callerIsAdmin: true };
    const linked = await handleSetup(deps(), telegram('t-admin', '-1001'), group, { code });
    expect(linked.reply.title).toBe('Lyceum is set up for Makers Guild');
    const spaces = await database.db.select({ title: platformSpaces.title }).from(platformSpaces);
    expect(spaces.map((s) => s.title).sort()).toEqual(['Guild One', 'Makers Chat']);

    const reused = await handleSetup(deps(), telegram('t-admin', '-1002'), { ...group, title: 'Other' }, { code });
    expect(reused.error).toEqual({ code: 'invalid_setup_code' });
    const moved = await handleSetup(deps(), telegram('t-admin', '-1001'), group, { code: 'ABCD-EFGH' });
    expect(moved.error).toEqual({ code: 'space_already_linked' });
  });

  it('expires codes after a day', async () => {
    const status = await handleSetup(deps(), discord('u-owner', 'g-1'), guild('Guild One', true), {});
    clock.advance(25 * 3600 * 1000);
    const late = await handleSetup(deps(), discord('u-admin2', 'g-2'), guild('Guild Two', true), { code: codeIn(status.reply) });
    expect(late.error).toEqual({ code: 'invalid_setup_code' });
  });

  it('creates one community when two admins set up the same server at once', async () => {
    const before = (await database.db.select().from(communities)).length;
    const outcomes = await Promise.all(
      ['u-a', 'u-b', 'u-c'].map((user) => handleSetup(deps(), discord(user, 'g-race'), guild('Race', true), { name: 'Race' })),
    );
    expect(outcomes.filter((o) => !o.error)).toHaveLength(1);
    expect(outcomes.filter((o) => o.error?.code === 'space_already_linked')).toHaveLength(2);
    expect((await database.db.select().from(communities)).length).toBe(before + 1);
    const [orphans] = await database.db.execute<{ n: number }>(
      sql`select count(*)::int as n from communities c where not exists (select 1 from platform_spaces s where s.community_id = c.id)`,
    );
    expect(orphans?.n).toBe(0);
  });

  it('refuses /setup in a private chat and validates its options', async () => {
    expect((await handleSetup(deps(), discord('u-owner', undefined), guild('', true), {})).error).toEqual({
      code: 'not_in_space',
    });
    const invalid = await handleSetup(deps(), discord('u-x', 'g-9'), guild('G', true), { code: 'nope' });
    expect(invalid.error?.code).toBe('invalid_input');
    expect(await database.db.select().from(platformSpaces).where(eq(platformSpaces.externalId, 'g-9'))).toEqual([]);
  });
});
