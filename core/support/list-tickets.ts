import { and, asc, eq, inArray } from 'drizzle-orm';
import { shortId } from '../short-ids.ts';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { members, supportConversations, supportTickets } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { supportStats } from './support-stats.ts';

export const ticketsInput = z.object({ view: z.enum(['open', 'stats']).default('open') });

const SHOWN = 15;
const holders = alias(members, 'holders');

/** How long ago, the way staff scan a queue: "45m", "3h", "2d". */
function age(since: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  return minutes < 60 ? `${minutes}m` : minutes < 48 * 60 ? `${Math.floor(minutes / 60)}h` : `${Math.floor(minutes / 1440)}d`;
}

/**
 * `/tickets` for staff and up: the community's open tickets, oldest first, with who asked, what,
 * who holds it and whether the first-response target passed; `view:stats` gives the measures.
 */
export async function listTickets(deps: Pick<CoreDeps, 'db' | 'clock'>, actor: Actor, input: z.infer<typeof ticketsInput> = { view: 'open' }): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'support.handle')) return err({ code: 'forbidden', permission: 'support.handle' });
  if (input.view === 'stats') return ok(await supportStats(deps, actor));
  const now = deps.clock.now();
  const open = await deps.db
    .select({ id: supportTickets.id, subject: supportTickets.subject, createdAt: supportTickets.createdAt, slaDueAt: supportTickets.slaDueAt, answeredAt: supportTickets.firstResponseAt, member: members.displayName, holder: holders.displayName })
    .from(supportTickets)
    .innerJoin(members, eq(members.id, supportTickets.memberId))
    .innerJoin(supportConversations, eq(supportConversations.id, supportTickets.conversationId))
    .leftJoin(holders, eq(holders.id, supportConversations.assigneeMemberId))
    .where(and(eq(supportTickets.communityId, actor.communityId), inArray(supportTickets.status, ['open', 'pending'])))
    .orderBy(asc(supportTickets.createdAt))
    .limit(SHOWN + 1);
  const { locale } = actor;
  if (!open.length) return ok({ title: t(locale, 'tickets.title', { count: 0 }), body: t(locale, 'tickets.none'), ephemeral: true });
  const lines = open.slice(0, SHOWN).map((ticket) => {
    const late = !ticket.answeredAt && ticket.slaDueAt && ticket.slaDueAt.getTime() < now.getTime() ? ` · ${t(locale, 'tickets.late')}` : '';
    const held = ticket.holder ? ` · ${t(locale, 'tickets.heldBy', { name: ticket.holder })}` : '';
    return `#${shortId(ticket.id)} · ${age(ticket.createdAt, now)} · ${ticket.member} · ${ticket.subject}${held}${late}`;
  });
  if (open.length > SHOWN) lines.push(t(locale, 'tickets.more'));
  return ok({ title: t(locale, 'tickets.title', { count: Math.min(open.length, SHOWN) }), body: truncate(lines.join('\n'), replyLimits.body), ephemeral: true });
}
