import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { communities, memberships, platformIdentities } from '../db/schema/index.ts';
import type { Platform } from '../members/actor.ts';
import { rolesWith } from '../members/rbac.ts';
import type { HandoffSpace, SupportGateways } from './support-gateway.ts';

/** The console has one pretend staff room: its staff persona reads tickets in the terminal. */
const CONSOLE_HANDOFF: HandoffSpace = { spaceId: 'console' };

/**
 * Where a ticket's staff side lives: the member's own platform when its staff space is set up,
 * else another platform's (a Telegram member's ticket can be worked in a Discord staff channel).
 * Undefined when the community configured none that this process can reach.
 */
export async function chooseHandoff(db: Queryable, communityId: string, memberPlatform: Platform, gateways: SupportGateways | undefined): Promise<{ platform: Platform; space: HandoffSpace } | undefined> {
  const [community] = await db.select({ settings: communities.settings }).from(communities).where(eq(communities.id, communityId));
  const configured = community?.settings.supportHandoff ?? {};
  const candidates: Array<{ platform: Platform; space: HandoffSpace | undefined }> = [
    { platform: 'console', space: memberPlatform === 'console' ? CONSOLE_HANDOFF : undefined },
    { platform: 'discord', space: configured.discord && { spaceId: configured.discord.guildId, channelId: configured.discord.channelId, ...(configured.discord.roleId ? { roleId: configured.discord.roleId } : {}) } },
    { platform: 'telegram', space: configured.telegram && { spaceId: configured.telegram.chatId } },
  ];
  const reachable = candidates.filter((candidate): candidate is { platform: Platform; space: HandoffSpace } => Boolean(candidate.space && gateways?.[candidate.platform]));
  return reachable.find((candidate) => candidate.platform === memberPlatform) ?? reachable[0];
}

/** The staff-side space of a conversation already handed off, re-read from settings (the role to ping may have changed). */
export async function handoffSpaceOf(db: Queryable, communityId: string, platform: Platform, spaceId: string): Promise<HandoffSpace> {
  if (platform !== 'discord') return { spaceId };
  const [community] = await db.select({ settings: communities.settings }).from(communities).where(eq(communities.id, communityId));
  const discord = community?.settings.supportHandoff?.discord;
  return discord?.guildId === spaceId ? { spaceId, channelId: discord.channelId, ...(discord.roleId ? { roleId: discord.roleId } : {}) } : { spaceId };
}

/** The platform accounts of the community's active members who handle support, to add to a private thread. */
export async function staffAccounts(db: Queryable, communityId: string, platform: Platform): Promise<string[]> {
  const rows = await db
    .select({ userId: platformIdentities.platformUserId })
    .from(memberships)
    .innerJoin(platformIdentities, eq(platformIdentities.memberId, memberships.memberId))
    .where(and(eq(memberships.communityId, communityId), eq(memberships.status, 'active'), inArray(memberships.role, rolesWith('support.handle')), eq(platformIdentities.platform, platform)));
  return rows.map((row) => row.userId);
}
