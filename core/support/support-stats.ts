import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { shortId } from '../short-ids.ts';
import { members, supportConversations, supportTickets } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';

const WINDOW_DAYS = 30;
const RECENT_CLOSED = 8;

/** "12m", "3h 5m", "2d 4h": durations as staff read them. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
  return `${Math.floor(minutes / 1440)}d ${Math.floor((minutes % 1440) / 60)}h`;
}

/**
 * The support measures for the last 30 days, from Lyceum's own tables: conversations, the share
 * resolved without a human (no ticket opened), median time to first staff reply and to close,
 * the average rating; then the latest closed tickets with their own numbers.
 */
export async function supportStats(deps: Pick<CoreDeps, 'db' | 'clock'>, actor: Actor): Promise<Reply> {
  const { locale } = actor;
  const since = new Date(deps.clock.now().getTime() - WINDOW_DAYS * 86_400_000);
  const [conversations] = await deps.db
    .select({
      total: sql<number>`count(*)::int`,
      withoutHuman: sql<number>`(count(*) filter (where ${supportTickets.id} is null))::int`,
      rated: sql<number>`count(${supportConversations.csatScore})::int`,
      rating: sql<number | null>`avg(${supportConversations.csatScore})::float`,
    })
    .from(supportConversations)
    .leftJoin(supportTickets, eq(supportTickets.conversationId, supportConversations.id))
    .where(and(eq(supportConversations.communityId, actor.communityId), gte(supportConversations.createdAt, since)));
  const [tickets] = await deps.db
    .select({
      total: sql<number>`count(*)::int`,
      firstReply: sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from ${supportTickets.firstResponseAt} - ${supportTickets.createdAt}) * 1000)`,
      toClose: sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from ${supportTickets.resolvedAt} - ${supportTickets.createdAt}) * 1000)`,
    })
    .from(supportTickets)
    .where(and(eq(supportTickets.communityId, actor.communityId), gte(supportTickets.createdAt, since)));
  const closed = await deps.db
    .select({ id: supportTickets.id, createdAt: supportTickets.createdAt, firstResponseAt: supportTickets.firstResponseAt, resolvedAt: supportTickets.resolvedAt, rating: supportConversations.csatScore, member: members.displayName })
    .from(supportTickets)
    .innerJoin(supportConversations, eq(supportConversations.id, supportTickets.conversationId))
    .innerJoin(members, eq(members.id, supportTickets.memberId))
    .where(and(eq(supportTickets.communityId, actor.communityId), eq(supportTickets.status, 'closed')))
    .orderBy(desc(supportTickets.resolvedAt))
    .limit(RECENT_CLOSED);
  const total = conversations?.total ?? 0;
  const share = total ? Math.round(((conversations?.withoutHuman ?? 0) / total) * 100) : 0;
  const lines = closed.map((ticket) => {
    const since = (at: Date | null) => (at ? at.getTime() - ticket.createdAt.getTime() : null);
    return t(locale, 'tickets.stats.ticket', { ticket: shortId(ticket.id), member: ticket.member, firstReply: duration(since(ticket.firstResponseAt)), toClose: duration(since(ticket.resolvedAt)), rating: ticket.rating ? String(ticket.rating) : '–' });
  });
  return {
    title: t(locale, 'tickets.stats.title', { days: WINDOW_DAYS }),
    fields: [
      { name: t(locale, 'tickets.stats.conversations'), value: String(total), inline: true },
      { name: t(locale, 'tickets.stats.withoutHuman'), value: `${share}%`, inline: true },
      { name: t(locale, 'tickets.stats.tickets'), value: String(tickets?.total ?? 0), inline: true },
      { name: t(locale, 'tickets.stats.firstReply'), value: duration(tickets?.firstReply), inline: true },
      { name: t(locale, 'tickets.stats.toClose'), value: duration(tickets?.toClose), inline: true },
      { name: t(locale, 'tickets.stats.rating'), value: conversations?.rating ? `${conversations.rating.toFixed(1)} (${conversations.rated})` : '–', inline: true },
    ],
    ...(lines.length ? { body: truncate(lines.join('\n'), replyLimits.body) } : {}),
    ephemeral: true,
  };
}
