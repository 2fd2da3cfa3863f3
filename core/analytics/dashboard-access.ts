import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { withDefaultAction } from '../commands/default-action.ts';
import type { Queryable } from '../db/client.ts';
import { communities, dashboardLinks, dashboardSessions, memberships, members } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { type Locale, t, toLocale } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';

/** A sign-in link is good once, for this long: enough to open it, too short to be worth forwarding. */
export const DASHBOARD_LINK_TTL_MS = 10 * 60_000;
/** A signed-in dashboard lasts a working day; `/dashboard revoke` ends it sooner. */
export const DASHBOARD_SESSION_TTL_MS = 8 * 3_600_000;
export const DASHBOARD_PATH = '/dashboard';

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const newToken = () => randomBytes(32).toString('base64url');
/** What a token from a URL or a cookie must look like before it is even looked up. */
export const tokenShape = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const dashboardInput = withDefaultAction('open', z.discriminatedUnion('action', [z.object({ action: z.literal('open') }), z.object({ action: z.literal('revoke') })]));

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'web'>;

/**
 * `/dashboard` (owners and creators): a private, one-time sign-in link to a read-only page of the
 * community's numbers, valid for 10 minutes. `/dashboard revoke` signs out every dashboard the
 * member opened here and voids their unused links. Both audited.
 */
export async function manageDashboard(deps: Deps, actor: Actor, input: z.infer<typeof dashboardInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'stats.view')) return err({ code: 'forbidden', permission: 'stats.view' });
  const now = deps.clock.now();
  const mine = (table: typeof dashboardLinks | typeof dashboardSessions) => and(eq(table.communityId, actor.communityId), eq(table.memberId, actor.memberId));
  if (input.action === 'revoke') {
    const ended = await deps.db.transaction(async (tx) => {
      const sessions = await tx.update(dashboardSessions).set({ revokedAt: now }).where(and(mine(dashboardSessions), isNull(dashboardSessions.revokedAt), gt(dashboardSessions.expiresAt, now))).returning({ tokenHash: dashboardSessions.tokenHash });
      await tx.update(dashboardLinks).set({ usedAt: now }).where(and(mine(dashboardLinks), isNull(dashboardLinks.usedAt)));
      await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'dashboard.revoke', details: { sessions: sessions.length } });
      return sessions.length;
    });
    return ok({ body: t(actor.locale, 'dashboard.revoked', { count: ended }), ephemeral: true });
  }
  if (!deps.web) return err({ code: 'invalid_input', details: t(actor.locale, 'dashboard.noServer') });
  const token = newToken();
  const expiresAt = new Date(now.getTime() + DASHBOARD_LINK_TTL_MS);
  await deps.db.transaction(async (tx) => {
    await tx.insert(dashboardLinks).values({ tokenHash: hash(token), communityId: actor.communityId, memberId: actor.memberId, expiresAt });
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'dashboard.link' });
  });
  const url = `${deps.web.baseUrl}${DASHBOARD_PATH}/login?token=${token}`;
  return ok({
    title: t(actor.locale, 'dashboard.title'),
    body: `${t(actor.locale, 'dashboard.body', { minutes: DASHBOARD_LINK_TTL_MS / 60_000 })}\n${url}`,
    actions: [{ buttons: [{ label: t(actor.locale, 'dashboard.open'), url }] }],
    ephemeral: true,
    confidential: true,
  });
}

export type LinkRefusal = 'unknown' | 'used' | 'expired';

/**
 * Turns a sign-in link into a session, once: the link is spent in the same statement that checks
 * it, so two tabs opening it at once get one session. Refused if the member no longer has a
 * role that may see the numbers.
 */
export async function redeemDashboardLink(db: Queryable, token: string, now: Date): Promise<{ sessionToken: string; communityId: string; expiresAt: Date } | { refused: LinkRefusal }> {
  if (!tokenShape.safeParse(token).success) return { refused: 'unknown' };
  return db.transaction(async (tx) => {
    const [spent] = await tx
      .update(dashboardLinks)
      .set({ usedAt: now })
      .where(and(eq(dashboardLinks.tokenHash, hash(token)), isNull(dashboardLinks.usedAt), gt(dashboardLinks.expiresAt, now)))
      .returning();
    if (!spent) {
      const [link] = await tx.select().from(dashboardLinks).where(eq(dashboardLinks.tokenHash, hash(token)));
      return { refused: !link ? 'unknown' : link.usedAt ? 'used' : 'expired' };
    }
    if (!(await mayView(tx, spent.communityId, spent.memberId))) return { refused: 'unknown' };
    const sessionToken = newToken();
    const expiresAt = new Date(now.getTime() + DASHBOARD_SESSION_TTL_MS);
    await tx.insert(dashboardSessions).values({ tokenHash: hash(sessionToken), communityId: spent.communityId, memberId: spent.memberId, expiresAt });
    return { sessionToken, communityId: spent.communityId, expiresAt };
  });
}

export type DashboardViewer = { communityId: string; communityName: string; memberId: string; memberName: string; locale: Locale; expiresAt: Date };

/**
 * Who a session cookie signs in, for this community only: undefined for an unknown, expired or
 * revoked token, a session of another community, or a member who lost the role.
 */
export async function dashboardViewer(db: Queryable, token: string | undefined, communityId: string, now: Date): Promise<DashboardViewer | undefined> {
  if (!token || !tokenShape.safeParse(token).success || !z.uuid().safeParse(communityId).success) return undefined;
  const [session] = await db
    .select({ memberId: dashboardSessions.memberId, memberName: members.displayName, locale: members.locale, communityName: communities.name, expiresAt: dashboardSessions.expiresAt })
    .from(dashboardSessions)
    .innerJoin(members, eq(members.id, dashboardSessions.memberId))
    .innerJoin(communities, eq(communities.id, dashboardSessions.communityId))
    .where(and(eq(dashboardSessions.tokenHash, hash(token)), eq(dashboardSessions.communityId, communityId), isNull(dashboardSessions.revokedAt), gt(dashboardSessions.expiresAt, now)));
  if (!session || !(await mayView(db, communityId, session.memberId))) return undefined;
  return { communityId, communityName: session.communityName, memberId: session.memberId, memberName: session.memberName, locale: toLocale(session.locale) ?? 'en', expiresAt: session.expiresAt };
}

/** Whether the token signs in any dashboard now (to tell "not yours" from "not signed in"). */
export async function sessionIsLive(db: Queryable, token: string | undefined, now: Date): Promise<boolean> {
  if (!token || !tokenShape.safeParse(token).success) return false;
  const [session] = await db.select({ tokenHash: dashboardSessions.tokenHash }).from(dashboardSessions).where(and(eq(dashboardSessions.tokenHash, hash(token)), isNull(dashboardSessions.revokedAt), gt(dashboardSessions.expiresAt, now)));
  return Boolean(session);
}

/** Signing out from the page: this session ends now. */
export async function endSession(db: Queryable, token: string | undefined, now: Date): Promise<void> {
  if (!token || !tokenShape.safeParse(token).success) return;
  await db.update(dashboardSessions).set({ revokedAt: now }).where(and(eq(dashboardSessions.tokenHash, hash(token)), isNull(dashboardSessions.revokedAt)));
}

async function mayView(db: Queryable, communityId: string, memberId: string): Promise<boolean> {
  const [membership] = await db.select({ role: memberships.role, status: memberships.status }).from(memberships).where(and(eq(memberships.communityId, communityId), eq(memberships.memberId, memberId)));
  return membership?.status === 'active' && can(membership.role, 'stats.view');
}
