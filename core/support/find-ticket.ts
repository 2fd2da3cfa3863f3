import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { members, supportConversations, supportTickets } from '../db/schema/index.ts';
import type { Actor } from '../members/actor.ts';

/** How staff name a ticket: its number as /tickets shows it (`#1a2b3c4d`), or more of its id. */
export const ticketRef = z.string().trim().regex(/^#?[0-9a-f-]{8,36}$/i, 'a ticket number like #1a2b3c4d');

/** Which ticket a staff command is about: the one named, else the one whose thread or topic it ran in. */
export const ticketTarget = z.object({
  ticket: ticketRef.optional(),
  /** Set by the adapter: the Discord thread or Telegram topic the command was typed in. */
  thread: z.string().trim().regex(/^\d{1,25}$/).optional(),
});

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
    ? and(scope, sql`${supportTickets.id}::text like ${`${target.ticket.replace(/^#/, '').toLowerCase()}%`}`)
    : target.thread
      ? and(scope, eq(supportConversations.handoffPlatform, actor.platform), eq(supportConversations.handoffThreadId, target.thread))
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
