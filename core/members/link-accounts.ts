import { and, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import { enqueueGrants } from '../commerce/project-access.ts';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { hashCode, newCode } from '../communities/link-codes.ts';
import type { Queryable } from '../db/client.ts';
import { accessGrants, entitlements, linkTokens, members, memberships, orders, platformIdentities } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import type { Actor } from './actor.ts';

const LINK_TTL_MS = 15 * 60_000;

export const linkInput = z.object({ code: z.string().trim().regex(/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/, 'a code like K7Q2-M9XD').optional() });

/**
 * `/link`: joins a member's Discord and Telegram accounts, so one purchase grants access on
 * both. Without a code it gives a one-time code (15 minutes, stored only as a hash); with the
 * code, on the other platform, this account joins the member who asked for it and their access
 * on this platform is applied. An account that already bought something, or a platform the
 * member already has an account on, is refused rather than merged silently. Audited.
 */
export async function linkAccounts(deps: Pick<CoreDeps, 'db' | 'queue' | 'clock'>, actor: Actor, input: z.infer<typeof linkInput>): Promise<Result<Reply, DomainError>> {
  const now = deps.clock.now();
  if (!input.code) {
    const code = newCode();
    await deps.db.insert(linkTokens).values({ communityId: actor.communityId, memberId: actor.memberId, tokenHash: hashCode(code), expiresAt: new Date(now.getTime() + LINK_TTL_MS) });
    return ok({ body: t(actor.locale, 'link.code', { code, minutes: LINK_TTL_MS / 60_000 }), ephemeral: true, confidential: true });
  }
  const code = input.code;
  const result = await deps.db.transaction(async (tx) => {
    // Checked under a row lock before it is spent: a refused attempt leaves the code usable.
    const [token] = await tx
      .select({ id: linkTokens.id, memberId: linkTokens.memberId })
      .from(linkTokens)
      .where(and(eq(linkTokens.tokenHash, hashCode(code)), eq(linkTokens.communityId, actor.communityId), isNull(linkTokens.usedAt), gt(linkTokens.expiresAt, now)))
      .for('update');
    if (!token) return err({ code: 'invalid_link_code' } as const);
    if (token.memberId === actor.memberId) return err({ code: 'link_same_account' } as const);
    const [taken] = await tx.select({ id: platformIdentities.id }).from(platformIdentities).where(and(eq(platformIdentities.memberId, token.memberId), eq(platformIdentities.platform, actor.platform)));
    if (taken) return err({ code: 'link_platform_taken' } as const);
    if (await hasPurchases(tx, actor.memberId)) return err({ code: 'link_has_purchases' } as const);
    await tx.update(linkTokens).set({ usedAt: now }).where(eq(linkTokens.id, token.id));
    await tx
      .update(platformIdentities)
      .set({ memberId: token.memberId })
      .where(and(eq(platformIdentities.memberId, actor.memberId), eq(platformIdentities.platform, actor.platform), eq(platformIdentities.platformUserId, actor.platformUserId)));
    // The emptied member's memberships move over (keeping the higher role already there), then it goes.
    await tx.execute(sql`insert into ${memberships} (community_id, member_id, role) select community_id, ${token.memberId}, role from ${memberships} where member_id = ${actor.memberId} on conflict do nothing`);
    // Only an emptied member goes: one that still has an account elsewhere stays as it is.
    await tx
      .delete(members)
      .where(and(eq(members.id, actor.memberId), ne(members.id, token.memberId), sql`not exists (select 1 from ${platformIdentities} where ${platformIdentities.memberId} = ${actor.memberId})`));
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: token.memberId, platform: actor.platform, action: 'member.linked', details: { platform: actor.platform } });
    const grants = await tx
      .update(accessGrants)
      .set({ attempts: 0, lastError: null })
      .where(and(eq(accessGrants.memberId, token.memberId), eq(accessGrants.desired, 'present'), or(eq(accessGrants.observed, 'unknown'), eq(accessGrants.observed, 'absent'))))
      .returning({ id: accessGrants.id });
    return ok(grants.map((grant) => grant.id));
  });
  if (!result.ok) return result;
  await enqueueGrants(deps.queue, result.value);
  return ok({ body: t(actor.locale, 'link.done', { count: result.value.length }), ephemeral: true });
}

async function hasPurchases(tx: Queryable, memberId: string): Promise<boolean> {
  const [order] = await tx.select({ id: orders.id }).from(orders).where(eq(orders.memberId, memberId)).limit(1);
  const [owned] = await tx.select({ id: entitlements.id }).from(entitlements).where(eq(entitlements.memberId, memberId)).limit(1);
  return Boolean(order || owned);
}
