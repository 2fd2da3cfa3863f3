import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessGrants, auditLog } from '../../core/db/schema/index.ts';
import { eventually } from '../support/queues.ts';
import type { SimMessage } from '../sim/discord/index.ts';
import { type DiscordClub, startDiscordClub } from './discord-club.ts';

const ROLE_ROUTE = '/guilds/:id/members/:id/roles/:id';
const MANAGE_ROLES = 1n << 28n;
type Component = { type: number; label?: string; custom_id?: string };
const button = (message: SimMessage, prefix: string) => {
  const found = (message.components as Array<{ components: Component[] }>).flatMap((row) => row.components).find((c) => c.label?.startsWith(prefix));
  if (!found?.custom_id) throw new Error(`no "${prefix}" button`);
  return found.custom_id;
};

/**
 * A permission the bot lost: every blocked grant is tried once, the creators hear about it once
 * (not once per member), and `/access retry` repairs everything after the fix.
 */
describe('blocked access: one creator alert, no retry storm, /access retry', () => {
  let club: DiscordClub;
  let world: DiscordClub['world'];
  let sim: DiscordClub['sim'];
  let guildId: string;
  let botRoleId: string;
  let creator: string;
  let roleId: string;
  let buyers: string[];

  beforeAll(async () => {
    club = await startDiscordClub(['mia', 'noah']);
    ({ world, sim, guildId, botRoleId, creator, roleId } = club);
    buyers = Object.values(club.members);
  });
  afterAll(() => club?.close());

  const roleCalls = () => sim.calls.filter((call) => call.route === ROLE_ROUTE && call.method === 'PUT');
  const creatorDms = () => sim.dmMessages(creator).filter((message) => message.authorId === sim.botUser.id);

  it('tries each blocked grant once and alerts the creator once, saying what to fix', async () => {
    const granted = BigInt(sim.roles(guildId).find((role) => role.id === botRoleId)!.permissions);
    sim.setBotPermissions(guildId, granted & ~MANAGE_ROLES);
    for (const buyer of buyers) {
      const checkout = await (await sim.user(buyer).slashCommand(guildId, 'buy', { product: 'python-bootcamp' })).reply();
      await (await sim.user(buyer).clickButton(checkout, button(checkout, 'Pay'))).reply();
    }
    await eventually(async () => {
      const blocked = await world.database.db.select().from(accessGrants).where(eq(accessGrants.resourceId, roleId));
      return blocked.length === 2 && blocked.every((grant) => grant.blockedAt) ? blocked : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(roleCalls().map((call) => call.status)).toEqual([403, 403]);
    expect(creatorDms()).toHaveLength(1);
    expect(creatorDms()[0]!.content).toContain('Manage Roles');
    expect(creatorDms()[0]!.content).toContain('/access retry');
    sim.setBotPermissions(guildId, granted);
  });

  it('repairs every blocked grant on /access retry, audited, and refuses members', async () => {
    const refused = await (await sim.user(buyers[0]!).slashCommand(guildId, 'access retry')).reply();
    expect(refused.content).toBe('You do not have permission to do that.');
    const reply = await (await sim.user(creator).slashCommand(guildId, 'access retry')).reply();
    expect(reply).toMatchObject({ ephemeral: true, content: 'Retrying 2 blocked grants now.' });
    await eventually(async () => (buyers.every((buyer) => sim.memberRoles(guildId, buyer).includes(roleId)) ? true : undefined));
    expect(roleCalls().map((call) => call.status)).toEqual([403, 403, 204, 204]);
    const [audit] = await world.database.db.select().from(auditLog).where(eq(auditLog.action, 'access.retry'));
    expect(audit?.details).toEqual({ grants: 2 });
    expect(creatorDms()).toHaveLength(1);
  });

  it('lets the creator /grant a member the role product, explain it with /access status, and /revoke it', async () => {
    const guest = sim.createUser({ username: 'guest' }).id;
    sim.addMember(guildId, guest);
    await (await sim.user(guest).slashCommand(guildId, 'my')).reply();
    const granted = await (await sim.user(creator).slashCommand(guildId, 'grant', { member: guest, product: 'python-bootcamp', days: 30 })).reply();
    expect(granted.ephemeral).toBe(true);
    expect(granted.content).toMatch(/^Granted Python Bootcamp to guest until \d{4}-\d{2}-\d{2}\.$/);
    await eventually(async () => (sim.memberRoles(guildId, guest).includes(roleId) ? true : undefined));
    const status = await (await sim.user(creator).slashCommand(guildId, 'access status', { member: guest })).reply();
    const fields = (status.embeds[0] as { fields: Array<{ value: string }> }).fields;
    expect(fields[0]!.value).toMatch(/^Python Bootcamp · manual · Active · /);
    expect(fields[1]!.value).toMatch(new RegExp(`role ${roleId} · present/present · 1 attempts$`));
    await (await sim.user(creator).slashCommand(guildId, 'revoke', { member: guest, product: 'python-bootcamp', reason: 'gift ended early' })).reply();
    await eventually(async () => (sim.memberRoles(guildId, guest).length === 0 ? true : undefined));

    // /access audit: a clean server, then exactly the two changes made by hand.
    const clean = await (await sim.user(creator).slashCommand(guildId, 'access audit')).reply();
    expect(clean.ephemeral).toBe(true);
    expect((clean.embeds[0] as { title: string; description: string }).description).toBe('Everyone has exactly the access they are entitled to.');
    sim.setMemberRoles(guildId, buyers[0]!, []);
    sim.setMemberRoles(guildId, guest, [roleId]);
    const drift = await (await sim.user(creator).slashCommand(guildId, 'access audit')).reply();
    const report = drift.embeds[0] as { title: string; description: string };
    expect(report.title).toBe('Access audit (dry run): 4 members checked');
    expect(report.description.split('\n').sort()).toEqual([`guest: holds role ${roleId} without an entitlement`, `mia: missing role ${roleId} (entitled)`]);
    expect((await (await sim.user(buyers[1]!).slashCommand(guildId, 'access audit')).reply()).content).toBe('You do not have permission to do that.');

    const applied = await (await sim.user(creator).slashCommand(guildId, 'access audit', { mode: 'apply' })).reply();
    expect(applied.content).toBe('Repairing 2 differences now (audited; /access audit undo reverts them). Members who left get their access when they come back.');
    await eventually(async () => (sim.memberRoles(guildId, buyers[0]!).includes(roleId) && sim.memberRoles(guildId, guest).length === 0 ? true : undefined));
    const after = await (await sim.user(creator).slashCommand(guildId, 'access audit')).reply();
    expect((after.embeds[0] as { description: string }).description).toBe('Everyone has exactly the access they are entitled to.');
    const [batch] = await world.database.db.select().from(auditLog).where(eq(auditLog.action, 'access.audit_apply'));
    expect((batch?.details as { repaired: Array<{ kind: string; userId: string }> }).repaired.map((item) => `${item.kind}/${item.userId}`).sort()).toEqual(
      [`missing_role/${buyers[0]}`, `role_without_entitlement/${guest}`].sort(),
    );

    // Undo: the hand-made state comes back, held there (no retry, no reconciliation) until /access retry.
    const undoing = await (await sim.user(creator).slashCommand(guildId, 'access audit', { mode: 'undo' })).reply();
    expect(undoing.content).toMatch(/^Reverting the 2 changes of the last applied audit on Discord/);
    await eventually(async () => (!sim.memberRoles(guildId, buyers[0]!).includes(roleId) && sim.memberRoles(guildId, guest).includes(roleId) ? true : undefined));
    await eventually(async () => ((await world.database.db.select().from(auditLog).where(eq(auditLog.action, 'access.audit_undo'))).length ? true : undefined));
    const [undo] = await world.database.db.select().from(auditLog).where(eq(auditLog.action, 'access.audit_undo'));
    expect(undo).toMatchObject({ targetId: String(batch!.id), details: { reverted: 2, notReverted: 0 } });
    const reverted = await (await sim.user(creator).slashCommand(guildId, 'access audit')).reply();
    expect((reverted.embeds[0] as { description: string }).description.split('\n').sort()).toEqual([
      `guest: holds role ${roleId} without an entitlement`,
      `mia: missing role ${roleId} (entitled) (reverted by /access audit undo: run /access retry to apply it again)`,
    ]);
    expect((await (await sim.user(creator).slashCommand(guildId, 'access audit', { mode: 'undo' })).reply()).content).toBe('There is no applied audit left to undo.');
  });
});
