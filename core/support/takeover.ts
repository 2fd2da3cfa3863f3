import { and, asc, eq, isNull } from 'drizzle-orm';
import { shortId } from '../short-ids.ts';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { Queryable } from '../db/client.ts';
import { members, supportConversations, supportMessages, supportTickets } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t, toLocale } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { addMessage, enqueueRelay } from './conversations.ts';
import { findTicket, type TicketRow, ticketTarget } from './find-ticket.ts';

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'queue'>;

export const claimInput = ticketTarget.extend({ take_over: z.union([z.boolean(), z.stringbool()]).optional() });
export const handbackInput = ticketTarget;
export const closeInput = ticketTarget.extend({ resolution: z.string().trim().min(3).max(500) });

const nameOf = async (tx: Queryable, memberId: string) => (await tx.select({ name: members.displayName }).from(members).where(eq(members.id, memberId)))[0]?.name ?? '?';

/**
 * Staff `/claim` (or the Claim button): the ticket is theirs, the assistant stops answering the
 * member, and both sides are told. One holder at a time: a ticket someone else holds is refused
 * unless `take_over` is given, which moves it and says so in the thread. Audited.
 */
export async function claimTicket(deps: Deps, actor: Actor, input: z.infer<typeof claimInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'support.handle')) return err({ code: 'forbidden', permission: 'support.handle' });
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx): Promise<Result<{ row: TicketRow; messageId?: string | undefined; mine: boolean }, DomainError>> => {
    const row = await findTicket(tx, actor, input, 'oldest_unclaimed');
    if (!row) return err({ code: 'ticket_not_found' });
    const { conversation } = row;
    if (conversation.status === 'closed' || row.ticket.status === 'closed') return err({ code: 'ticket_closed' });
    if (conversation.status === 'claimed' && conversation.assigneeMemberId === actor.memberId) return ok({ row, mine: true });
    if (conversation.status === 'claimed' && !input.take_over) return err({ code: 'ticket_claimed', by: row.assignee ?? '?' });
    const told = await takeTicket(tx, actor, row, now);
    return ok({ row, messageId: told, mine: false });
  });
  if (!result.ok) return result;
  const { row, messageId, mine } = result.value;
  if (messageId) await enqueueRelay(deps, row.conversation.id, messageId);
  return ok({ body: t(actor.locale, mine ? 'support.claim.already' : 'support.claim.done', { ticket: shortId(row.ticket.id) }), ephemeral: true });
}

/**
 * The claim itself, for /claim, the Claim button and a staff reply in an unclaimed ticket: the
 * actor holds it, staff and member are told, and it is audited (a take-over says from whom).
 * Returns the member's notice, for the relay.
 */
export async function takeTicket(tx: Queryable, actor: Actor, row: TicketRow, now: Date): Promise<string | undefined> {
  const { conversation } = row;
  const takingOver = conversation.status === 'claimed';
  await tx.update(supportConversations).set({ status: 'claimed', assigneeMemberId: actor.memberId, claimedAt: now }).where(eq(supportConversations.id, conversation.id));
  await tx.update(supportTickets).set({ status: 'open' }).where(eq(supportTickets.id, row.ticket.id));
  const name = await nameOf(tx, actor.memberId);
  const staffNote = takingOver ? t('en', 'support.staff.tookOver', { name, from: row.assignee ?? '?' }) : t('en', 'support.staff.claimed', { name });
  await addMessage(tx, conversation, { authorKind: 'system', kind: 'claimed', relayTo: 'staff', body: staffNote }, now);
  const told = await addMessage(tx, conversation, { authorKind: 'system', kind: 'claimed', relayTo: 'member', body: t(toLocale(conversation.locale) ?? 'en', 'support.member.claimed', { name }) }, now);
  await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: takingOver ? 'support.take_over' : 'support.claim', targetKind: 'support_ticket', targetId: row.ticket.id, ...(takingOver ? { details: { from: conversation.assigneeMemberId } } : {}) });
  return told?.id;
}

/** `/handback`: the member is back with the assistant; the ticket stays open (pending) for /close. */
export async function handBack(deps: Deps, actor: Actor, input: z.infer<typeof handbackInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'support.handle')) return err({ code: 'forbidden', permission: 'support.handle' });
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx): Promise<Result<{ row: TicketRow; messageId?: string | undefined }, DomainError>> => {
    const held = await heldByActor(tx, actor, input);
    if (!held.ok) return held;
    const { conversation } = held.value;
    // The assignee stays: the ticket is still theirs to /close.
    await tx.update(supportConversations).set({ status: 'assistant' }).where(eq(supportConversations.id, conversation.id));
    await tx.update(supportTickets).set({ status: 'pending' }).where(eq(supportTickets.id, held.value.ticket.id));
    const name = await nameOf(tx, actor.memberId);
    await addMessage(tx, conversation, { authorKind: 'system', kind: 'handed_back', relayTo: 'staff', body: t('en', 'support.staff.handedBack', { name }) }, now);
    const told = await addMessage(tx, conversation, { authorKind: 'system', kind: 'handed_back', relayTo: 'member', body: t(toLocale(conversation.locale) ?? 'en', 'support.member.handedBack') }, now);
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'support.handback', targetKind: 'support_ticket', targetId: held.value.ticket.id });
    return ok({ row: held.value, messageId: told?.id });
  });
  if (!result.ok) return result;
  if (result.value.messageId) await enqueueRelay(deps, result.value.row.conversation.id, result.value.messageId);
  return ok({ body: t(actor.locale, 'support.handback.done', { ticket: shortId(result.value.row.ticket.id) }), ephemeral: true });
}

/**
 * `/close <resolution>`: the ticket and conversation end, the transcript is stored with the
 * resolution, and the member is asked for a 1-5 rating. Staff may close an unclaimed or
 * handed-back ticket; one another staff member holds needs a take-over first. Audited.
 */
export async function closeTicket(deps: Deps, actor: Actor, input: z.infer<typeof closeInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'support.handle')) return err({ code: 'forbidden', permission: 'support.handle' });
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx): Promise<Result<{ row: TicketRow; messageId?: string | undefined }, DomainError>> => {
    const row = await findTicket(tx, actor, input, 'mine');
    if (!row) return err({ code: 'ticket_not_found' });
    const { conversation, ticket } = row;
    if (ticket.status === 'closed') return err({ code: 'ticket_closed' });
    if (conversation.status === 'claimed' && conversation.assigneeMemberId !== actor.memberId) return err({ code: 'not_your_ticket', by: row.assignee ?? '?' });
    const name = await nameOf(tx, actor.memberId);
    await addMessage(tx, conversation, { authorKind: 'system', kind: 'closed', relayTo: 'staff', body: t('en', 'support.staff.closed', { name, resolution: input.resolution }) }, now);
    const memberLocale = toLocale(conversation.locale) ?? 'en';
    const asked = await addMessage(tx, conversation, { authorKind: 'system', kind: 'rating_request', relayTo: 'member', body: t(memberLocale, 'support.member.closed', { resolution: input.resolution }) }, now);
    await tx.update(supportConversations).set({ status: 'closed', closedAt: now, assigneeMemberId: conversation.assigneeMemberId ?? actor.memberId }).where(eq(supportConversations.id, conversation.id));
    await tx
      .update(supportTickets)
      .set({ status: 'closed', resolution: input.resolution, resolvedAt: now, closedByMemberId: actor.memberId, transcript: await transcriptOf(tx, conversation.id) })
      .where(eq(supportTickets.id, ticket.id));
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'support.close', targetKind: 'support_ticket', targetId: ticket.id });
    return ok({ row, messageId: asked?.id });
  });
  if (!result.ok) return result;
  if (result.value.messageId) await enqueueRelay(deps, result.value.row.conversation.id, result.value.messageId);
  return ok({ body: t(actor.locale, 'support.close.done', { ticket: shortId(result.value.row.ticket.id) }), ephemeral: true });
}

/**
 * The member's 1-5 rating of a closed conversation: their own (the member id proves it, whichever
 * community their DMs point at now), once.
 */
export async function rateConversation(deps: Pick<CoreDeps, 'db'>, actor: Actor, input: { conversationId: string; score: number }): Promise<Result<Reply, DomainError>> {
  const rated = await deps.db
    .update(supportConversations)
    .set({ csatScore: input.score })
    .where(and(eq(supportConversations.id, input.conversationId), eq(supportConversations.memberId, actor.memberId), eq(supportConversations.status, 'closed'), isNull(supportConversations.csatScore)))
    .returning({ id: supportConversations.id });
  return ok({ body: t(actor.locale, rated.length ? 'support.rated' : 'support.ratedAlready'), ephemeral: true });
}

async function heldByActor(tx: Queryable, actor: Actor, input: z.infer<typeof ticketTarget>): Promise<Result<TicketRow, DomainError>> {
  const row = await findTicket(tx, actor, input, 'mine');
  if (!row) return err({ code: 'ticket_not_found' });
  if (row.ticket.status === 'closed') return err({ code: 'ticket_closed' });
  if (row.conversation.status !== 'claimed') return err({ code: 'ticket_not_found' });
  if (row.conversation.assigneeMemberId !== actor.memberId) return err({ code: 'not_your_ticket', by: row.assignee ?? '?' });
  return ok(row);
}

/** The conversation as text, oldest first: who said what, when. */
async function transcriptOf(tx: Queryable, conversationId: string): Promise<string> {
  const rows = await tx
    .select({ at: supportMessages.createdAt, kind: supportMessages.authorKind, name: members.displayName, body: supportMessages.body })
    .from(supportMessages)
    .leftJoin(members, eq(members.id, supportMessages.authorMemberId))
    .where(eq(supportMessages.conversationId, conversationId))
    .orderBy(asc(supportMessages.seq));
  return rows.map((row) => `[${row.at.toISOString().slice(0, 16).replace('T', ' ')}] ${row.kind === 'member' || row.kind === 'staff' ? `${row.name ?? '?'} (${row.kind})` : row.kind}: ${row.body}`).join('\n');
}
