import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { shortId } from '../short-ids.ts';
import { supportConversations, supportMessages, supportTickets } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { t } from '../i18n/index.ts';
import { addMessage, enqueueRelay } from './conversations.ts';
import { STALE_RELAY_MS } from './relay.ts';

/** A pending relay this old has lost its job (retries used up, Redis flushed): it is queued again. */
const PENDING_GRACE_MS = 30_000;
const BATCH = 500;

/**
 * The support worker's minute: relays still pending after their job are queued again, and every
 * open ticket past its first-response target with no staff reply pings staff once, in its thread.
 */
export async function sweepSupport(deps: Pick<CoreDeps, 'db' | 'clock' | 'queue'>): Promise<{ requeued: number; pinged: number }> {
  const now = deps.clock.now();
  const pending = await deps.db
    .selectDistinctOn([supportMessages.conversationId], { conversationId: supportMessages.conversationId, messageId: supportMessages.id })
    .from(supportMessages)
    .where(
      and(
        sql`${supportMessages.relayTo} is not null`,
        isNull(supportMessages.relayedAt),
        isNull(supportMessages.relayError),
        lt(supportMessages.createdAt, new Date(now.getTime() - PENDING_GRACE_MS)),
        or(isNull(supportMessages.relayStartedAt), lt(supportMessages.relayStartedAt, new Date(now.getTime() - STALE_RELAY_MS))),
      ),
    )
    .orderBy(supportMessages.conversationId, supportMessages.seq)
    .limit(BATCH);
  for (const row of pending) await enqueueRelay(deps, row.conversationId, row.messageId);

  const due = await deps.db
    .update(supportTickets)
    .set({ pingedAt: now })
    .where(and(eq(supportTickets.status, 'open'), isNull(supportTickets.firstResponseAt), isNull(supportTickets.pingedAt), lt(supportTickets.slaDueAt, now)))
    .returning({ id: supportTickets.id, conversationId: supportTickets.conversationId, communityId: supportTickets.communityId, createdAt: supportTickets.createdAt });
  for (const ticket of due) {
    const [conversation] = await deps.db.select({ status: supportConversations.status }).from(supportConversations).where(eq(supportConversations.id, ticket.conversationId));
    if (conversation?.status === 'closed') continue;
    const minutes = Math.round((now.getTime() - ticket.createdAt.getTime()) / 60_000);
    const ping = await addMessage(deps.db, { id: ticket.conversationId, communityId: ticket.communityId }, { authorKind: 'system', kind: 'ping', relayTo: 'staff', body: t('en', 'support.staff.overdue', { ticket: shortId(ticket.id), minutes }) }, now);
    if (ping) await enqueueRelay(deps, ticket.conversationId, ping.id);
  }
  return { requeued: pending.length, pinged: due.length };
}
