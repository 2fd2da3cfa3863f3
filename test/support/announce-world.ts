import { randomBytes } from 'node:crypto';
import type { Database } from '../../core/db/client.ts';
import { communities, members, memberships, platformIdentities, platformSpaces } from '../../core/db/schema/index.ts';
import type { Caller } from '../../core/members/actor.ts';
import type { MemberRole } from '../../core/members/rbac.ts';

const CHUNK = 1_000;

export type AnnounceMember = { memberId: string; userId: string };

/**
 * A community for announcement tests: a creator and `count` members on one platform, inserted in
 * bulk, each member's private chat already pointing at the community. Returns the creator's
 * caller and the members' platform ids (the simulator's users, made by `userIdOf`).
 */
export async function createAnnounceWorld(
  db: Database,
  options: { platform: 'telegram' | 'discord'; count: number; userIdOf: (index: number) => string; creatorUserId: string; spaces?: Array<{ kind: 'discord_guild' | 'telegram_supergroup' | 'telegram_channel'; externalId: string; settings?: Record<string, string> }> },
) {
  const [community] = await db.insert(communities).values({ slug: `a-${randomBytes(4).toString('hex')}`, name: 'Announce Club' }).returning();
  const communityId = community!.id;
  for (const space of options.spaces ?? []) await db.insert(platformSpaces).values({ communityId, platform: space.kind === 'discord_guild' ? 'discord' : 'telegram', kind: space.kind, externalId: space.externalId, title: space.externalId, settings: space.settings ?? {} });
  const add = async (userIds: string[], role: MemberRole) => {
    const created: AnnounceMember[] = [];
    for (let start = 0; start < userIds.length; start += CHUNK) {
      const slice = userIds.slice(start, start + CHUNK);
      const rows = await db.insert(members).values(slice.map((userId) => ({ displayName: `Member ${userId}` }))).returning({ id: members.id });
      await db.insert(platformIdentities).values(rows.map((row, index) => ({ memberId: row.id, platform: options.platform, platformUserId: slice[index]!, activeCommunityId: communityId })));
      await db.insert(memberships).values(rows.map((row) => ({ communityId, memberId: row.id, role })));
      created.push(...rows.map((row, index) => ({ memberId: row.id, userId: slice[index]! })));
    }
    return created;
  };
  const [creator] = await add([options.creatorUserId], 'creator');
  const audience = await add(Array.from({ length: options.count }, (_, index) => options.userIdOf(index)), 'member');
  const caller = (userId: string): Caller => ({ platform: options.platform, userId, displayName: `Member ${userId}` });
  return { communityId, creator: creator!, audience, creatorCaller: caller(options.creatorUserId), caller };
}
