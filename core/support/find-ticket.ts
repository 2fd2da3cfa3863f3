import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { byIdPrefix } from '../short-ids.ts';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { members, supportConversations, supportTickets } from '../db/schema/index.ts';
import type { Actor, Platform } from '../members/actor.ts';

/** How staff name a ticket: its number as /tickets shows it (`#1a2b3c4d`), or more of its id. */
const ticketRef = z.string().trim().regex(/^#?[0-9a-f-]{8,36}$/i, 'a ticket number like #1a2b3c4d');

/** Which ticket a staff command is about: the one named, else the one whose thread or topic it ran in. */
export const ticketTarget = z.object({
  ticket: ticketRef.optional(),
  /** Set by the adapter: the Discord thread or Telegram topic the command was typed in, as `threadRef` writes it. */
  thread: z.string().trim().regex(/^-?\d{1,25}:\d{1,25}$/).optional(),
});

/** A ticket's thread or topic: topic ids are unique only within their group, so the space comes with it. */
export const threadRef = (spaceId: string, threadId: string) => `${spaceId}:${threadId}`;

const inThread = (platform: Platform, thread: string) => {
  const [spaceId, threadId] = thread.split(':') as [string, string];
  return and(eq(supportConversations.handoffPlatform, platform), eq(supportConversations.handoffSpaceId, spaceId), eq(supportConversations.handoffThreadId, threadId));
};

/** Is this thread or topic a ticket's? Asked before anything else, so other threads of a staff space are left alone. */
export async function isTicketThread(db: Queryable, platform: Platform, thread: string): Promise<boolean> {
  const [found] = await db.select({ id: supportConversations.id }).from(supportConversations).where(inThread(platform, thread)).limit(1);
  return Boolean(found);
}

export type TicketRow = {
  ticket: typeof supportTickets.$inferSelect;
  conversation: typeof supportConversations.$inferSelect;
  assignee: string | null;
};

/**
 * The ticket a staff command names, in the actor's community only, locked with its conversation
 * for this transaction. Without a name or a thread: `fallback` decides (the oldest unclaimed
 * ticket for /claim, the actor's own latest for /handback and /close).
 */
export async function findTicket(tx: Queryable, actor: Actor, target: z.infer<typeof ticketTarget>, fallback: 'oldest_unclaimed' | 'mine'): Promise<TicketRow | undefined> {
  const scope = eq(supportTickets.communityId, actor.communityId);
  const where = target.ticket
    ? and(scope, byIdPrefix(supportTickets.id, target.ticket))
    : target.thread
      ? and(scope, inThread(actor.platform, target.thread))
      : fallback === 'mine'
        ? and(scope, eq(supportConversations.assigneeMemberId, actor.memberId), inArray(supportConversations.status, ['claimed', 'assistant']), inArray(supportTickets.status, ['open', 'pending']))
        : and(scope, eq(supportConversations.status, 'waiting'), inArray(supportTickets.status, ['open', 'pending']));
  const rows = await tx
    .select({ ticket: supportTickets, conversation: supportConversations, assignee: members.displayName })
    .from(supportTickets)
    .innerJoin(supportConversations, eq(supportConversations.id, supportTickets.conversationId))
    .leftJoin(members, eq(members.id, supportConversations.assigneeMemberId))
    .where(where)
    .orderBy(fallback === 'mine' && !target.ticket && !target.thread ? desc(supportConversations.claimedAt) : asc(supportTickets.createdAt))
    .limit(2)
    .for('update', { of: [supportTickets, supportConversations] });
  // A prefix two tickets share names neither.
  if (target.ticket && rows.length > 1) return undefined;
  return rows[0];
}
