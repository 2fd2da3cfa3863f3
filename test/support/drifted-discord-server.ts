import { randomBytes } from 'node:crypto';
import type { Database } from '../../core/db/client.ts';
import { accessGrants, communities, members, memberships, platformIdentities, platformSpaces, productGrants, products } from '../../core/db/schema/index.ts';
import type { DiscordSim } from '../sim/discord/index.ts';

const CHUNK = 1_000;

export type DriftedDiscordServer = {
  communityId: string;
  guildId: string;
  roleId: string;
  /** Every member's Discord id; the first `entitledCount` paid for the role. */
  userIds: string[];
  entitledCount: number;
};

/**
 * A Discord server of `count` members whose ledger projection was in sync, then drifted by hand:
 * `drifted / 2` entitled members lost the role they pay for and `drifted / 2` who never paid got
 * it. For reconciliation tests and benchmarks: a fresh audit finds exactly `drifted` differences.
 */
export async function createDriftedDiscordServer(db: Database, sim: DiscordSim, options: { count: number; drifted: number }): Promise<DriftedDiscordServer> {
  const { count, drifted } = options;
  const owner = sim.createUser({ username: 'owner' }).id;
  const guildId = sim.createGuild({ name: 'Big Guild', ownerId: owner }).id;
  const roleId = sim.createRole(guildId, { name: 'Members' }).id;
  const [community] = await db.insert(communities).values({ slug: `d-${randomBytes(4).toString('hex')}`, name: 'Reconciled Academy' }).returning();
  const communityId = community!.id;
  const [space] = await db.insert(platformSpaces).values({ communityId, platform: 'discord', kind: 'discord_guild', externalId: guildId }).returning();
  const [product] = await db.insert(products).values({ communityId, slug: 'club', name: 'Club', kind: 'one_time', priceAmount: 900, currency: 'USD' }).returning();
  await db.insert(productGrants).values({ communityId, productId: product!.id, kind: 'discord_role', spaceId: space!.id, resourceId: roleId });

  const userIds: string[] = [];
  for (let index = 0; index < count; index += 1) userIds.push(sim.createUser({ username: `member${index}` }).id);
  const entitledCount = count - drifted / 2;
  for (const [index, userId] of userIds.entries()) sim.addMember(guildId, userId, index < entitledCount ? [roleId] : []);
  for (let start = 0; start < userIds.length; start += CHUNK) {
    const chunk = userIds.slice(start, start + CHUNK);
    const rows = await db.insert(members).values(chunk.map((userId) => ({ displayName: `member ${userId}` }))).returning({ id: members.id });
    await db.insert(platformIdentities).values(rows.map((row, index) => ({ memberId: row.id, platform: 'discord' as const, platformUserId: chunk[index]! })));
    await db.insert(memberships).values(rows.map((row) => ({ communityId, memberId: row.id })));
    const granted = rows.filter((_row, index) => start + index < entitledCount);
    if (granted.length) {
      await db.insert(accessGrants).values(granted.map((row) => ({ communityId, memberId: row.id, spaceId: space!.id, resourceKind: 'discord_role' as const, resourceId: roleId, desired: 'present' as const, observed: 'present' as const })));
    }
  }
  for (const userId of userIds.slice(0, drifted / 2)) sim.setMemberRoles(guildId, userId, []);
  for (const userId of userIds.slice(entitledCount)) sim.setMemberRoles(guildId, userId, [roleId]);
  return { communityId, guildId, roleId, userIds, entitledCount };
}
