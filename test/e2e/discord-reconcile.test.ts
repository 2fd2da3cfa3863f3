import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileAll } from '../../core/access/reconcile.ts';
import { accessGrants, communityAlerts, platformIdentities, platformObservations } from '../../core/db/schema/index.ts';
import { eventually } from '../support/queues.ts';
import { type DiscordClub, startDiscordClub } from './discord-club.ts';

const LIST_ROUTE = '/guilds/:id/members';
const ROLE_ROUTE = '/guilds/:id/members/:id/roles/:id';
const MANAGE_ROLES = 1n << 28n;

/**
 * The scheduled reconciliation on Discord, with the real bot keeping observations from the
 * gateway's member events: the server is listed once, later runs cost no listing; Lyceum's own
 * grants are repaired, roles given by hand are reported to the creators once and left alone;
 * a permission that was fixed is found with one probe and everything it blocked follows.
 */
describe('Discord access that converges: joins and scheduled reconciliation', () => {
  let club: DiscordClub;
  let world: DiscordClub['world'];
  let sim: DiscordClub['sim'];
  let deps: DiscordClub['deps'];
  let guildId: string;
  let botRoleId: string;
  let creator: string;
  let roleId: string;
  let members: Record<string, string>;

  const calls = (route: string, method: string) => sim.calls.filter((call) => call.route === route && call.method === method);
  const creatorDms = () => sim.dmMessages(creator).filter((message) => message.authorId === sim.botUser.id);
  const grantRole = async (name: string) => {
    await (await sim.user(creator).slashCommand(guildId, 'grant', { member: members[name]!, product: 'python-bootcamp' })).reply();
  };
  const reconcile = async () => {
    const result = await reconcileAll(deps);
    if (!result.ok) throw new Error('reconcile failed');
    return result.value;
  };
  const observedRoles = async (name: string) =>
    (await world.database.db.select().from(platformObservations).where(eq(platformObservations.platformUserId, members[name]!)))[0]?.roles ?? [];

  beforeAll(async () => {
    club = await startDiscordClub(['mia', 'noah', 'liam', 'emma', 'zoe']);
    ({ world, sim, deps, guildId, botRoleId, creator, roleId, members } = club);
    // None of them has used the bot yet: /grant welcomes the Discord user the creator picked.
    for (const name of ['mia', 'noah']) await grantRole(name);
    await eventually(async () => (sim.memberRoles(guildId, members.mia!).includes(roleId) && sim.memberRoles(guildId, members.noah!).includes(roleId) ? true : undefined));
  });
  afterAll(() => club?.close());

  it('lists the server once; later runs read the observations the gateway keeps current', async () => {
    expect(await reconcile()).toMatchObject({ differences: 0, repaired: 0 });
    expect(calls(LIST_ROUTE, 'GET')).toHaveLength(1);
    expect(await reconcile()).toMatchObject({ differences: 0 });
    expect(calls(LIST_ROUTE, 'GET')).toHaveLength(1);
  });

  it('repairs a role taken from an entitled member, and only reports a role given by hand', async () => {
    sim.setMemberRoles(guildId, members.mia!, []);
    sim.setMemberRoles(guildId, members.liam!, [roleId]);
    await eventually(async () => ((await observedRoles('mia')).length === 0 && (await observedRoles('liam')).includes(roleId) ? true : undefined));
    expect(await reconcile()).toMatchObject({ differences: 2, repaired: 1 });
    await eventually(async () => (sim.memberRoles(guildId, members.mia!).includes(roleId) ? true : undefined));
    expect(sim.memberRoles(guildId, members.liam!)).toEqual([roleId]);
    expect(creatorDms()).toHaveLength(1);
    expect(creatorDms()[0]!.content).toContain('1 members hold a role Lyceum sells without an entitlement');
    await reconcile();
    expect(creatorDms()).toHaveLength(1);
    expect(calls(LIST_ROUTE, 'GET')).toHaveLength(1);
    sim.setMemberRoles(guildId, members.liam!, []);
    await eventually(async () => ((await observedRoles('liam')).length === 0 ? true : undefined));
    await reconcile();
    expect(await world.database.db.select().from(communityAlerts).where(eq(communityAlerts.key, 'audit/unexplained'))).toEqual([]);
  });

  it('gives a member granted while outside the server their role when they join (GUILD_MEMBER_ADD)', async () => {
    const zed = sim.createUser({ username: 'zed' }).id;
    sim.addMember(guildId, zed);
    await (await sim.user(zed).slashCommand(guildId, 'my')).reply();
    sim.removeMember(guildId, zed);
    await (await sim.user(creator).slashCommand(guildId, 'grant', { member: zed, product: 'python-bootcamp' })).reply();
    await eventually(async () => {
      const [grant] = await world.database.db.select().from(accessGrants).where(eq(accessGrants.lastError, 'the member is not in the Discord server yet'));
      return grant;
    });
    const roleCalls = calls(ROLE_ROUTE, 'PUT').length;
    sim.addMember(guildId, zed);
    await eventually(async () => (sim.memberRoles(guildId, zed).includes(roleId) ? true : undefined));
    expect(calls(ROLE_ROUTE, 'PUT').length - roleCalls).toBe(1);
  });

  it('answers "paid yesterday, still no role" in a DM by finding the failed grant and applying it again', async () => {
    const kai = sim.createUser({ username: 'kai' }).id;
    sim.addMember(guildId, kai);
    const granted = BigInt(sim.roles(guildId).find((role) => role.id === botRoleId)!.permissions);
    sim.setBotPermissions(guildId, granted & ~MANAGE_ROLES);
    await (await sim.user(creator).slashCommand(guildId, 'grant', { member: kai, product: 'python-bootcamp' })).reply();
    const [identity] = await eventually(async () => {
      const rows = await world.database.db.select().from(platformIdentities).where(eq(platformIdentities.platformUserId, kai));
      return rows.length ? rows : undefined;
    });
    await eventually(async () => ((await world.database.db.select().from(accessGrants).where(eq(accessGrants.memberId, identity!.memberId)))[0]?.blockedAt ? true : undefined));
    sim.setBotPermissions(guildId, granted);

    const fromBot = () => sim.user(kai).dmMessages().filter((message) => message.authorId === sim.botUser.id && message.embeds.length);
    await sim.user(kai).sendDm('paid yesterday, still no role');
    const answer = await eventually(async () => fromBot().at(-1));
    const body = (answer.embeds[0] as { description?: string }).description ?? '';
    expect(body).toContain('Your Python Bootcamp is active.');
    expect(body).toMatch(/your role in Makers was missing \(last try: .*Manage Roles.*\); I've applied it again now\./);
    await eventually(async () => (sim.memberRoles(guildId, kai).includes(roleId) ? true : undefined));
  });

  it('probes a blocked permission once per run, and repairs everything it blocked once fixed', async () => {
    const granted = BigInt(sim.roles(guildId).find((role) => role.id === botRoleId)!.permissions);
    sim.setBotPermissions(guildId, granted & ~MANAGE_ROLES);
    const before = calls(ROLE_ROUTE, 'PUT').length;
    await grantRole('emma');
    await grantRole('zoe');
    await eventually(async () => {
      const grants = await world.database.db.select().from(accessGrants).where(eq(accessGrants.resourceId, roleId));
      return grants.filter((grant) => grant.blockedAt).length === 2 ? true : undefined;
    });
    expect(await reconcile()).toMatchObject({ unblocked: 0 });
    expect(calls(ROLE_ROUTE, 'PUT').slice(before).map((call) => call.status)).toEqual([403, 403, 403]);

    sim.setBotPermissions(guildId, granted);
    expect(await reconcile()).toMatchObject({ unblocked: 2 });
    await eventually(async () => (sim.memberRoles(guildId, members.emma!).includes(roleId) && sim.memberRoles(guildId, members.zoe!).includes(roleId) ? true : undefined));
    expect(calls(ROLE_ROUTE, 'PUT').slice(before).map((call) => call.status)).toEqual([403, 403, 403, 204, 204]);
    expect(await world.database.db.select().from(communityAlerts)).toEqual([]);
  });
});
