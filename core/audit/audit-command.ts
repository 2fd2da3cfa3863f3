import { and, count, desc, eq, gte, like, lt, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Action } from '../actions.ts';
import { storeCsv } from '../analytics/csv.ts';
import { parsePeriod, type Period } from '../analytics/period.ts';
import { withDefaultAction } from '../commands/default-action.ts';
import { auditLog, members } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { communityTime } from '../delivery/schedule-time.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { findMember } from '../members/find-member.ts';
import { can } from '../members/rbac.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';

const PAGE_SIZE = 10;
const MAX_EXPORT_ROWS = 50_000;
const MAX_EXPORT_BYTES = 64 * 1024 * 1024;
const filters = {
  member: z.string().trim().min(1).max(100).optional(),
  /** An action (`access.grant`) or every action under a prefix (`access.`). */
  what: z.string().trim().toLowerCase().regex(/^[a-z_]+(\.[a-z_]+)*\.?$/, 'an action such as access.grant, or a prefix such as access.').max(60).optional(),
  period: z.string().trim().min(1).max(40).optional(),
};
export const auditInput = withDefaultAction('list', z.discriminatedUnion('action', [
  z.object({ action: z.literal('list'), ...filters, page: z.coerce.number().int().min(1).max(10_000).optional() }),
  z.object({ action: z.literal('export'), ...filters }),
]));
type AuditInput = z.infer<typeof auditInput>;

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'files'>;

/** The filters as a query of this community's log only; a member must be one of this community. */
async function selection(deps: Deps, actor: Actor, input: Omit<AuditInput, 'action' | 'page'>): Promise<Result<{ where: SQL; period: Period; timeZone: string }, DomainError>> {
  const { timeZone } = await communityTime(deps.db, actor.communityId);
  const parsed = parsePeriod(input.period, timeZone, deps.clock.now());
  if ('error' in parsed) return err({ code: 'invalid_input', details: t(actor.locale, `stats.period.${parsed.error}`) });
  const conditions: SQL[] = [eq(auditLog.communityId, actor.communityId), gte(auditLog.createdAt, parsed.period.from), lt(auditLog.createdAt, parsed.period.to)];
  if (input.member) {
    const found = await findMember(deps.db, { communityId: actor.communityId, platform: actor.platform, ref: input.member });
    if (!found) return err({ code: 'member_not_found' });
    conditions.push(or(eq(auditLog.actorMemberId, found.memberId), eq(auditLog.targetId, found.memberId))!);
  }
  if (input.what) conditions.push(input.what.endsWith('.') ? like(auditLog.action, `${input.what.replaceAll('_', '\\_')}%`) : eq(auditLog.action, input.what));
  return ok({ where: and(...conditions)!, period: parsed.period, timeZone });
}

const columns = { id: auditLog.id, at: auditLog.createdAt, actor: members.displayName, actorMemberId: auditLog.actorMemberId, platform: auditLog.platform, action: auditLog.action, targetKind: auditLog.targetKind, targetId: auditLog.targetId, details: auditLog.details };

/**
 * `/audit [list|export] [member] [what] [period]` for owners: the community's privileged acts,
 * newest first, who did what to what, when (in the community's time) and from which platform,
 * ten to a page; `export` sends them all as CSV. Only this community's log is ever read.
 */
export async function runAudit(deps: Deps, actor: Actor, input: AuditInput): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'audit.view')) return err({ code: 'forbidden', permission: 'audit.view' });
  const selected = await selection(deps, actor, input);
  if (!selected.ok) return selected;
  const { where, period, timeZone } = selected.value;
  const span = t(actor.locale, 'stats.period', { from: period.fromDay, to: period.toDay, zone: timeZone });
  const query = () => deps.db.select(columns).from(auditLog).leftJoin(members, eq(members.id, auditLog.actorMemberId)).where(where).orderBy(desc(auditLog.id));
  if (input.action === 'export') {
    const rows = await query().limit(MAX_EXPORT_ROWS);
    const table = { columns: ['id', 'at', 'actor', 'actor_member_id', 'platform', 'action', 'target_kind', 'target_id', 'details'], rows: rows.map((row) => [row.id, row.at.toISOString(), row.actor ?? 'system', row.actorMemberId ?? '', row.platform ?? '', row.action, row.targetKind ?? '', row.targetId ?? '', JSON.stringify(row.details)]) };
    const file = await storeCsv(deps.files, `audit-${period.fromDay}-${period.toDay}.csv`, table, MAX_EXPORT_BYTES);
    return ok({ title: t(actor.locale, 'auditLog.exported'), body: t(actor.locale, 'stats.exportBody', { rows: rows.length }), footer: span, files: [file], ephemeral: true, confidential: true });
  }
  const [total] = await deps.db.select({ n: count() }).from(auditLog).where(where);
  const pages = Math.max(1, Math.ceil((total?.n ?? 0) / PAGE_SIZE));
  const page = Math.min(input.page ?? 1, pages);
  const rows = await query().limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE);
  const when = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const pageAction = (to: number): Action => ({ type: 'audit.page', page: to, ...(input.member ? { member: input.member } : {}), ...(input.what ? { what: input.what } : {}), ...(input.period ? { period: input.period } : {}) });
  const nav = [
    ...(page > 1 ? [{ label: t(actor.locale, 'courses.prev'), action: pageAction(page - 1) }] : []),
    ...(page < pages ? [{ label: t(actor.locale, 'courses.next'), action: pageAction(page + 1) }] : []),
  ];
  return ok({
    title: t(actor.locale, 'auditLog.title', { community: actor.communityName }),
    ...(rows.length ? {} : { body: t(actor.locale, 'auditLog.none') }),
    fields: rows.map((row) => ({
      name: truncate(`${when.format(row.at).replace(',', '')} · ${row.platform ?? t(actor.locale, 'auditLog.system')}`, replyLimits.fieldName),
      value: truncate(`${row.actor ?? t(actor.locale, 'auditLog.system')}: ${row.action}${row.targetKind ? ` ${row.targetKind}` : ''}${row.targetId ? ` ${row.targetId.slice(0, 8)}` : ''}`, replyLimits.fieldValue),
    })),
    footer: `${t(actor.locale, 'courses.page', { page, pages })} · ${span}`,
    ...(nav.length ? { actions: [{ buttons: nav }] } : {}),
    ephemeral: true,
    confidential: true,
  });
}
