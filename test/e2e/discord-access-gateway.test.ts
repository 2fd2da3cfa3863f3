import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AccessGateway } from '../../core/access/access-gateway.ts';
import { createDiscordAccessGateway } from '../../bots/discord/access-gateway.ts';
import { silentLog } from '../support/fakes.ts';
import { type DiscordSim, type SimRole, startDiscordSim } from '../sim/discord/index.ts';

const ROLE_ROUTE = '/guilds/:id/members/:id/roles/:id';
const MANAGE_ROLES = 1n << 28n;

/** The REST-only access gateway the access worker uses, against the Discord simulator. */
describe('createDiscordAccessGateway', () => {
  let sim: DiscordSim;
  let gateway: AccessGateway;
  let guildId: string;
  let botRoleId: string;
  let member: string;
  let student: SimRole;
  const roleCalls = (method: string, userId: string) =>
    sim.calls.filter((call) => call.route === ROLE_ROUTE && call.method === method && call.path.includes(`/members/${userId}/`));
  const setRole = (userId: string, roleId: string, present: boolean) =>
    gateway.setRole({ guildId, userId, roleId, present, reason: present ? 'Lyceum: purchase' : 'Lyceum: access ended' });

  beforeAll(async () => {
    sim = await startDiscordSim();
    const owner = sim.createUser({ username: 'owner' }).id;
    member = sim.createUser({ username: 'member' }).id;
    ({ id: guildId, botRoleId } = sim.createGuild({ name: 'Paid Guild', ownerId: owner }));
    sim.addMember(guildId, member);
    student = sim.createRole(guildId, { name: 'Student' });
    gateway = createDiscordAccessGateway({ token: sim.botToken, apiUrl: sim.apiUrl, log: silentLog });
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(() => sim.setMemberRoles(guildId, member, []));

  it('adds a role once however often it is applied, with an audit-log reason', async () => {
    const before = roleCalls('PUT', member).length;
    expect(await setRole(member, student.id, true)).toEqual({ kind: 'done' });
    expect(await setRole(member, student.id, true)).toEqual({ kind: 'done' });
    expect(sim.memberRoles(guildId, member)).toEqual([student.id]);
    const puts = roleCalls('PUT', member).slice(before);
    expect(puts.map((call) => [call.status, call.reason])).toEqual([
      [204, 'Lyceum: purchase'],
      [204, 'Lyceum: purchase'],
    ]);
  });

  it('removes a role, and treats one the member lacks, or a member who left, as done', async () => {
    await setRole(member, student.id, true);
    expect(await setRole(member, student.id, false)).toEqual({ kind: 'done' });
    expect(sim.memberRoles(guildId, member)).toEqual([]);
    expect(await setRole(member, student.id, false)).toEqual({ kind: 'done' });
    const leaver = sim.createUser({ username: 'leaver' }).id;
    sim.addMember(guildId, leaver, [student.id]);
    sim.removeMember(guildId, leaver);
    expect(await setRole(leaver, student.id, false)).toEqual({ kind: 'done' });
  });

  it('waits for a buyer who is not in the server yet (10007)', async () => {
    const newcomer = sim.createUser({ username: 'newcomer' }).id;
    expect(await setRole(newcomer, student.id, true)).toEqual({ kind: 'waiting', reason: expect.stringContaining('not in the Discord server') });
    expect(roleCalls('PUT', newcomer).map((call) => call.code)).toEqual([10007]);
  });

  it('is blocked by a role that was deleted (10011)', async () => {
    const gone = sim.createRole(guildId, { name: 'Old cohort' });
    sim.deleteRole(guildId, gone.id);
    const outcome = await setRole(member, gone.id, true);
    expect(outcome).toEqual({ kind: 'blocked', reason: expect.stringContaining('no longer exists') });
  });

  it('says which cause of 50013 blocks it: the role above the bot’s, or no Manage Roles', async () => {
    const staff = sim.createRole(guildId, { name: 'Staff' });
    sim.setRolePosition(guildId, staff.id, 10);
    const above = await setRole(member, staff.id, true);
    expect(above).toMatchObject({ kind: 'blocked' });
    expect(above.kind === 'blocked' && above.reason).toMatch(/Missing Permissions.*drag the bot's role above it/);

    const granted = BigInt(sim.roles(guildId).find((role) => role.id === botRoleId)!.permissions);
    sim.setBotPermissions(guildId, granted & ~MANAGE_ROLES);
    try {
      const noManage = await setRole(member, student.id, true);
      expect(noManage.kind === 'blocked' && noManage.reason).toMatch(/Missing Permissions.*lacks the Manage Roles permission/);
      expect(roleCalls('PUT', member).at(-1)).toMatchObject({ status: 403, code: 50013 });
    } finally {
      sim.setBotPermissions(guildId, granted);
    }
    expect(sim.memberRoles(guildId, member)).toEqual([]);
  });

  it('is blocked by a role an integration manages', async () => {
    const boost = sim.createRole(guildId, { name: 'Server Booster', managed: true });
    const outcome = await setRole(member, boost.id, true);
    expect(outcome.kind === 'blocked' && outcome.reason).toMatch(/managed by an integration/);
  });

  it('waits out an injected 429 and retries by itself, landing the role once', async () => {
    const before = roleCalls('PUT', member).length;
    sim.failNext({ method: 'PUT', path: /\/roles\//, status: 429, retryAfter: 0.2 });
    expect(await setRole(member, student.id, true)).toEqual({ kind: 'done' });
    expect(roleCalls('PUT', member).slice(before).map((call) => call.status)).toEqual([429, 204]);
    expect(sim.memberRoles(guildId, member)).toEqual([student.id]);
  });

  it('throws on a server error that outlasts the client’s own retries, so the job retries', async () => {
    const before = roleCalls('PUT', member).length;
    // @discordjs/rest tries a 5xx four times (three retries) before giving up.
    sim.failNext({ method: 'PUT', path: /\/roles\//, status: 503 }, 4);
    await expect(setRole(member, student.id, true)).rejects.toThrow(/503|Service Unavailable/);
    expect(roleCalls('PUT', member).slice(before).map((call) => call.status)).toEqual([503, 503, 503, 503]);
    expect(await setRole(member, student.id, true)).toEqual({ kind: 'done' });
  });

  it('sends a DM (opening the DM channel once), and reports false when the member closed DMs (50007)', async () => {
    const opened = () => sim.calls.filter((call) => call.method === 'POST' && call.path === '/users/@me/channels').length;
    const before = opened();
    expect(await gateway.notify(member, { body: 'Your access in Paid Guild ends in 3 days.' })).toBe(true);
    expect(await gateway.notify(member, { body: 'You now have access in Paid Guild. Enjoy!' })).toBe(true);
    expect(opened() - before).toBe(1);
    expect(sim.dmMessages(member).at(-1)?.content).toBe('You now have access in Paid Guild. Enjoy!');
    sim.closeDms(member);
    expect(await gateway.notify(member, { body: 'Your access in Paid Guild has ended.' })).toBe(false);
    expect(sim.dmMessages(member)).toHaveLength(2);
  });

  it('refuses Telegram resources', async () => {
    expect(await gateway.inviteToChat({ chatId: '-1001', userId: member, expiresAt: new Date(), name: 'x' })).toEqual({ kind: 'blocked', reason: 'not a Discord resource' });
    expect(await gateway.removeFromChat({ chatId: '-1001', userId: member })).toEqual({ kind: 'blocked', reason: 'not a Discord resource' });
  });
});
