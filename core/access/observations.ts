import { and, eq, gt, inArray, notInArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { platformObservations, platformSpaces } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { AccessGateway, ObservedChatMember } from './access-gateway.ts';

/**
 * How long what a platform said stays trusted. Gateway events keep observations current in
 * between, so this only bounds how long an event missed while the bots were down can hide.
 */
export const OBSERVATION_TTL_MS = 24 * 3_600_000;
/** Telegram has no bulk member listing: one getChatMember per member, paced well under its limits. */
export const TELEGRAM_READS_PER_SECOND = 20;
const WRITE_CHUNK = 1_000;

export type ObservedSpace = { id: string; communityId: string; externalId: string; membersListedAt: Date | null };
type Observation = { userId: string; present: boolean; roles?: string[]; status?: string };

/** Records what a platform said about users of one space (an event, a read, or Lyceum's own change). */
export async function recordObservations(db: Queryable, space: Pick<ObservedSpace, 'id' | 'communityId'>, observations: Observation[], at: Date): Promise<void> {
  for (let start = 0; start < observations.length; start += WRITE_CHUNK) {
    const rows = observations.slice(start, start + WRITE_CHUNK).map((observation) => ({
      communityId: space.communityId,
      spaceId: space.id,
      platformUserId: observation.userId,
      present: observation.present,
      roles: observation.roles ?? [],
      status: observation.status ?? null,
      observedAt: at,
    }));
    await db
      .insert(platformObservations)
      .values(rows)
      .onConflictDoUpdate({
        target: [platformObservations.spaceId, platformObservations.platformUserId],
        set: { present: sql`excluded.present`, roles: sql`excluded.roles`, status: sql`excluded.status`, observedAt: sql`excluded.observed_at` },
      });
  }
}

/** Lyceum itself added or removed a Discord role: the observation follows without asking again. */
export async function recordRoleChange(db: Queryable, space: Pick<ObservedSpace, 'id'>, change: { userId: string; roleId: string; present: boolean }): Promise<void> {
  const roles = change.present
    ? sql`array_append(array_remove(${platformObservations.roles}, ${change.roleId}), ${change.roleId})`
    : sql`array_remove(${platformObservations.roles}, ${change.roleId})`;
  await db
    .update(platformObservations)
    .set({ roles })
    .where(and(eq(platformObservations.spaceId, space.id), eq(platformObservations.platformUserId, change.userId)));
}

/**
 * Everyone in a Discord server and the roles they hold. The whole list is read again only when
 * the last listing is stale (or `fresh` asks for it); otherwise the observations answer, so
 * repeated reconciliations cost no API calls.
 */
export async function observeGuild(
  deps: Pick<CoreDeps, 'db' | 'clock'>,
  gateway: AccessGateway | undefined,
  space: ObservedSpace,
  options: { fresh: boolean },
): Promise<{ members: Map<string, string[]> } | { blocked: string }> {
  const now = deps.clock.now();
  const trusted = space.membersListedAt && now.getTime() - space.membersListedAt.getTime() < OBSERVATION_TTL_MS;
  if (trusted && !options.fresh) {
    const rows = await deps.db
      .select({ userId: platformObservations.platformUserId, roles: platformObservations.roles })
      .from(platformObservations)
      .where(and(eq(platformObservations.spaceId, space.id), eq(platformObservations.present, true)));
    return { members: new Map(rows.map((row) => [row.userId, row.roles])) };
  }
  if (!gateway?.listMembers) return { blocked: 'no Discord connection in this process' };
  const listed = await gateway.listMembers({ guildId: space.externalId });
  if ('blocked' in listed) return listed;
  await deps.db.transaction(async (tx) => {
    await recordObservations(tx, space, [...listed.members].map(([userId, roles]) => ({ userId, present: true, roles })), now);
    const here = [...listed.members.keys()];
    await tx
      .update(platformObservations)
      .set({ present: false, roles: [], observedAt: now })
      .where(and(eq(platformObservations.spaceId, space.id), eq(platformObservations.present, true), ...(here.length ? [notInArray(platformObservations.platformUserId, here)] : [])));
    await tx.update(platformSpaces).set({ membersListedAt: now }).where(eq(platformSpaces.id, space.id));
  });
  return listed;
}

/**
 * What Telegram says about each of `userIds` in one chat: fresh observations are reused, the rest
 * are asked with getChatMember at a paced rate. A refusal for the chat (the bot is gone or not an
 * admin) stops the reads: every one would fail the same way.
 */
export async function observeChatMembers(
  deps: Pick<CoreDeps, 'db' | 'clock'>,
  gateway: AccessGateway | undefined,
  space: ObservedSpace,
  userIds: string[],
  options: { fresh: boolean; readsPerSecond?: number },
): Promise<{ members: Map<string, ObservedChatMember> } | { blocked: string }> {
  const members = new Map<string, ObservedChatMember>();
  if (!userIds.length) return { members };
  const since = new Date(deps.clock.now().getTime() - OBSERVATION_TTL_MS);
  if (!options.fresh) {
    const rows = await deps.db
      .select({ userId: platformObservations.platformUserId, present: platformObservations.present, status: platformObservations.status })
      .from(platformObservations)
      .where(and(eq(platformObservations.spaceId, space.id), inArray(platformObservations.platformUserId, userIds), gt(platformObservations.observedAt, since)));
    for (const row of rows) members.set(row.userId, { present: row.present, status: row.status ?? (row.present ? 'member' : 'left') });
  }
  const toRead = userIds.filter((userId) => !members.has(userId));
  if (toRead.length && !gateway?.readChatMember) return { blocked: 'no Telegram connection in this process' };
  const interval = 1_000 / (options.readsPerSecond ?? TELEGRAM_READS_PER_SECOND);
  const read: Observation[] = [];
  try {
    for (const [index, userId] of toRead.entries()) {
      if (index) await new Promise((resolve) => setTimeout(resolve, interval));
      const observed = await gateway!.readChatMember!({ chatId: space.externalId, userId });
      if ('blocked' in observed) return observed;
      members.set(userId, observed);
      read.push({ userId, ...observed });
    }
  } finally {
    await recordObservations(deps.db, space, read, deps.clock.now());
  }
  return { members };
}
