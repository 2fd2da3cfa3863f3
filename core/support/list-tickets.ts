import { and, asc, eq, inArray } from 'drizzle-orm';
import { members, supportTickets } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';

const SHOWN = 15;

/** How long ago, the way staff scan a queue: "45m", "3h", "2d". */
function age(since: Date, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  return minutes < 60 ? `${minutes}m` : minutes < 48 * 60 ? `${Math.floor(minutes / 60)}h` : `${Math.floor(minutes / 1440)}d`;
}

/** `/tickets` for staff and up: the community's open tickets, oldest first, with who asked, what, and whether the first-response target passed. */
export async function listTickets(deps: Pick<CoreDeps, 'db' | 'clock'>, actor: Actor): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'support.handle')) return err({ code: 'forbidden', permission: 'support.handle' });
  const now = deps.clock.now();
  const open = await deps.db
    .select({ id: supportTickets.id, subject: supportTickets.subject, createdAt: supportTickets.createdAt, slaDueAt: supportTickets.slaDueAt, member: members.displayName })
    .from(supportTickets)
    .innerJoin(members, eq(members.id, supportTickets.memberId))
    .where(and(eq(supportTickets.communityId, actor.communityId), inArray(supportTickets.status, ['open', 'pending'])))
    .orderBy(asc(supportTickets.createdAt))
    .limit(SHOWN + 1);
  const { locale } = actor;
  if (!open.length) return ok({ title: t(locale, 'tickets.title', { count: 0 }), body: t(locale, 'tickets.none'), ephemeral: true });
  const lines = open.slice(0, SHOWN).map((ticket) => {
    const late = ticket.slaDueAt && ticket.slaDueAt.getTime() < now.getTime() ? ` · ${t(locale, 'tickets.late')}` : '';
    return `#${ticket.id.slice(0, 8)} · ${age(ticket.createdAt, now)} · ${ticket.member} · ${ticket.subject}${late}`;
  });
  if (open.length > SHOWN) lines.push(t(locale, 'tickets.more'));
  return ok({ title: t(locale, 'tickets.title', { count: Math.min(open.length, SHOWN) }), body: truncate(lines.join('\n'), replyLimits.body), ephemeral: true });
}
