import { and, eq, isNull } from 'drizzle-orm';
import { supportConversations, supportTickets } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { addMessage, enqueueRelay } from './conversations.ts';
import { findTicket } from './find-ticket.ts';
import { takeTicket } from './takeover.ts';

/**
 * What staff write in a ticket's thread or topic (or, in the console, as the staff persona
 * holding a ticket) goes to the member's private chat through the relay, once per platform
 * message. Replying in an unclaimed ticket claims it; a ticket another staff member holds is
 * refused (take it over with /claim first). Anything else said in the staff space is ignored
 * (`undefined`): it is staff talking among themselves.
 */
export async function relayStaffMessage(
  deps: Pick<CoreDeps, 'db' | 'clock' | 'queue'>,
  actor: Actor,
  input: { thread?: string | undefined; text: string; platformMessageId?: string | undefined },
): Promise<Result<Reply | undefined, DomainError>> {
  if (!can(actor.role, 'support.handle')) return ok(undefined);
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx): Promise<Result<{ conversationId: string; messageId: string } | undefined, DomainError>> => {
    const row = await findTicket(tx, actor, { thread: input.thread }, 'mine');
    if (!row) return ok(undefined);
    const { conversation, ticket } = row;
    if (ticket.status === 'closed' || conversation.status === 'closed') return err({ code: 'ticket_closed' });
    if (conversation.status === 'claimed' && conversation.assigneeMemberId !== actor.memberId) return err({ code: 'not_your_ticket', by: row.assignee ?? '?' });
    if (conversation.status !== 'claimed') await takeTicket(tx, actor, row, now);
    const stored = await addMessage(tx, conversation, { authorKind: 'staff', authorMemberId: actor.memberId, body: input.text, relayTo: 'member', platform: actor.platform, platformMessageId: input.platformMessageId }, now);
    if (!stored) return ok(undefined);
    await tx.update(supportTickets).set({ firstResponseAt: now }).where(and(eq(supportTickets.id, ticket.id), isNull(supportTickets.firstResponseAt)));
    return ok({ conversationId: conversation.id, messageId: stored.id });
  });
  if (!result.ok) return result;
  if (!result.value) return ok(undefined);
  await enqueueRelay(deps, result.value.conversationId, result.value.messageId);
  return ok(undefined);
}

/** The console's staff persona holds a ticket: their free text is a reply to it, not a question for the assistant. */
export async function holdsTicket(deps: Pick<CoreDeps, 'db'>, actor: Actor): Promise<boolean> {
  if (!can(actor.role, 'support.handle')) return false;
  const [held] = await deps.db
    .select({ id: supportConversations.id })
    .from(supportConversations)
    .where(and(eq(supportConversations.communityId, actor.communityId), eq(supportConversations.assigneeMemberId, actor.memberId), eq(supportConversations.status, 'claimed')))
    .limit(1);
  return Boolean(held);
}
