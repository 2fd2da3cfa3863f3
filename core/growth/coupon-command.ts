import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { withDefaultAction } from '../commands/default-action.ts';
import { toMinorUnits } from '../commerce/manage-products.ts';
import { findProduct, type Product } from '../commerce/products.ts';
import { couponProducts, couponRedemptions, coupons, orders, products } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { communityTime, formatInZone, parseWhen } from '../delivery/schedule-time.ts';
import { type Coupon, couponStartPayload, describeDiscount, findCoupon } from './coupons.ts';

const code = z.string().trim().regex(/^[A-Za-z0-9_-]{3,32}$/, '3 to 32 letters, digits, _ or -').transform((value) => value.toUpperCase());
/** Coupons may run up to two years; announcements and sessions are scheduled within 90 days. */
const MAX_VALID_DAYS = 730;

export const couponInput = withDefaultAction('list', z.discriminatedUnion('action', [
  z.object({
    action: z.literal('create'),
    code,
    percent: z.coerce.number().int('a whole percentage').min(1, 'at least 1%').max(100, 'at most 100%').optional(),
    amount: z.string().trim().regex(/^\d{1,7}(\.\d{1,2})?$/, 'a positive amount like 5 or 4.99').optional(),
    currency: z.string().trim().regex(/^[A-Za-z]{3}$/, 'a 3-letter currency like USD').transform((value) => value.toUpperCase()).optional(),
    duration: z.enum(['once', 'repeating', 'forever']).default('once'),
    months: z.coerce.number().int().min(1).max(36).optional(),
    limit: z.coerce.number().int().min(1).max(1_000_000).optional(),
    eligible: z.enum(['anyone', 'new', 'returning', 'existing']).default('anyone'),
    expires: z.string().trim().min(1).max(40).optional(),
    products: z.string().trim().max(500).optional(),
  }),
  z.object({ action: z.literal('list') }),
  z.object({ action: z.literal('disable'), code }),
  z.object({ action: z.literal('share'), code }),
]));
type CouponInput = z.infer<typeof couponInput>;
type CreateInput = Extract<CouponInput, { action: 'create' }>;
type Deps = Pick<CoreDeps, 'db' | 'clock'>;

/**
 * `/coupon create|list|disable|share` for creators and owners, audited. A coupon is a code and
 * an offer: `share` posts it with a button that opens checkout with the code applied (on
 * Telegram a `t.me/<bot>?start=cp…` link, which works from any chat).
 */
export async function manageCoupons(deps: Deps, actor: Actor, input: CouponInput): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'commerce.manage')) return err({ code: 'forbidden', permission: 'commerce.manage' });
  switch (input.action) {
    case 'create':
      return createCoupon(deps, actor, input);
    case 'list':
      return listCoupons(deps, actor);
    case 'disable': {
      const coupon = await findCoupon(deps.db, actor.communityId, { code: input.code });
      if (!coupon) return err({ code: 'coupon_refused', reason: 'unknown' });
      await deps.db.transaction(async (tx) => {
        await tx.update(coupons).set({ disabledAt: sql`coalesce(${coupons.disabledAt}, now())` }).where(eq(coupons.id, coupon.id));
        await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'coupon.disable', targetKind: 'coupon', targetId: coupon.id, details: { code: coupon.code } });
      });
      return ok({ body: t(actor.locale, 'coupon.disabled', { code: coupon.code }), ephemeral: true });
    }
    case 'share': {
      const coupon = await findCoupon(deps.db, actor.communityId, { code: input.code });
      if (!coupon) return err({ code: 'coupon_refused', reason: 'unknown' });
      if (coupon.disabledAt) return err({ code: 'coupon_refused', reason: 'disabled' });
      if (coupon.expiresAt && coupon.expiresAt <= deps.clock.now()) return err({ code: 'coupon_refused', reason: 'expired' });
      return ok({ ...(await offerReply(deps, actor, coupon)), ephemeral: false });
    }
  }
}

async function createCoupon(deps: Deps, actor: Actor, input: CreateInput): Promise<Result<Reply, DomainError>> {
  const invalid = (key: Parameters<typeof t>[1], params: Record<string, string | number> = {}) => err<DomainError>({ code: 'invalid_input', details: t(actor.locale, key, params) });
  if ((input.percent === undefined) === (input.amount === undefined)) return invalid('coupon.oneDiscount');
  if ((input.duration === 'repeating') !== (input.months !== undefined)) return invalid('coupon.monthsWithRepeating');
  const slugs = (input.products ?? '').split(',').map((slug) => slug.trim()).filter(Boolean);
  const limitedTo: Product[] = [];
  for (const slug of slugs) {
    const product = await findProduct(deps.db, { communityId: actor.communityId, ref: slug });
    if (!product) return invalid('coupon.unknownProduct', { product: slug });
    limitedTo.push(product);
  }
  const currency = input.amount !== undefined ? (input.currency ?? limitedTo[0]?.currency ?? 'USD') : null;
  const amountOff = input.amount !== undefined ? toMinorUnits(input.amount, currency!) : null;
  if (amountOff === 0) return invalid('coupon.zeroAmount');
  const otherCurrency = currency ? limitedTo.find((product) => product.currency !== currency) : undefined;
  if (otherCurrency) return invalid('coupon.currencyMismatch', { product: otherCurrency.name, currency: otherCurrency.currency });
  const now = deps.clock.now();
  const { timeZone } = await communityTime(deps.db, actor.communityId);
  const expires = input.expires ? parseWhen(input.expires, timeZone, now, MAX_VALID_DAYS) : undefined;
  if (expires && 'error' in expires) return invalid(expires.error === 'too_far' ? 'coupon.expiresTooFar' : `announce.when.${expires.error}`, { zone: timeZone });

  const coupon = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(coupons)
      .values({
        communityId: actor.communityId,
        code: input.code,
        percentOff: input.percent ?? null,
        amountOff,
        currency,
        duration: input.duration,
        durationMonths: input.months ?? null,
        eligibility: input.eligible,
        maxRedemptions: input.limit ?? null,
        expiresAt: expires && 'at' in expires ? expires.at : null,
        createdByMemberId: actor.memberId,
      })
      .onConflictDoNothing()
      .returning();
    if (!created) return undefined;
    if (limitedTo.length) await tx.insert(couponProducts).values(limitedTo.map((product) => ({ couponId: created.id, productId: product.id, communityId: actor.communityId })));
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'coupon.create', targetKind: 'coupon', targetId: created.id, details: { code: created.code, percentOff: created.percentOff, amountOff: created.amountOff, currency, duration: created.duration, limit: created.maxRedemptions, eligibility: created.eligibility, products: limitedTo.map((product) => product.slug) } });
    return created;
  });
  if (!coupon) return invalid('coupon.codeTaken', { code: input.code });
  const offer = await offerReply(deps, actor, coupon);
  return ok({ ...offer, title: t(actor.locale, 'coupon.created', { code: coupon.code }), footer: t(actor.locale, 'coupon.shareHint', { code: coupon.code }), ephemeral: true });
}

/** The coupon as members see it: what it takes off, on what, for whom, until when, and the button that uses it. */
async function offerReply(deps: Deps, actor: Actor, coupon: Coupon): Promise<Reply> {
  const { locale } = actor;
  const limited = await deps.db
    .select({ name: products.name })
    .from(couponProducts)
    .innerJoin(products, eq(products.id, couponProducts.productId))
    .where(eq(couponProducts.couponId, coupon.id));
  const { timeZone } = await communityTime(deps.db, actor.communityId);
  return {
    title: t(locale, 'coupon.offerTitle', { code: coupon.code, discount: describeDiscount(locale, coupon) }),
    fields: [
      { name: t(locale, 'coupon.field.products'), value: limited.map((row) => row.name).join(', ') || t(locale, 'coupon.allProducts'), inline: true },
      { name: t(locale, 'coupon.field.who'), value: t(locale, `coupon.eligible.${coupon.eligibility}`), inline: true },
      ...(coupon.expiresAt ? [{ name: t(locale, 'coupon.field.until'), value: `${formatInZone(coupon.expiresAt, timeZone, locale)} (${timeZone})`, inline: true }] : []),
      ...(coupon.maxRedemptions ? [{ name: t(locale, 'coupon.field.limit'), value: t(locale, 'coupon.limitValue', { limit: coupon.maxRedemptions }), inline: true }] : []),
    ],
    actions: [{ buttons: [{ label: t(locale, 'coupon.use', { code: coupon.code }), action: { type: 'coupon.redeem', couponId: coupon.id }, telegramStart: couponStartPayload(coupon.id), style: 'primary' }] }],
  };
}

async function listCoupons(deps: Deps, actor: Actor): Promise<Result<Reply, DomainError>> {
  const { locale } = actor;
  const rows = await deps.db.select().from(coupons).where(eq(coupons.communityId, actor.communityId)).orderBy(desc(coupons.createdAt)).limit(20);
  if (!rows.length) return ok({ title: t(locale, 'coupon.listTitle'), body: t(locale, 'coupon.none'), ephemeral: true });
  const used = await deps.db
    .select({ couponId: couponRedemptions.couponId, paid: count() })
    .from(couponRedemptions)
    .innerJoin(orders, eq(orders.id, couponRedemptions.orderId))
    .where(and(inArray(couponRedemptions.couponId, rows.map((row) => row.id)), inArray(orders.status, ['paid', 'partially_refunded', 'refunded', 'disputed'])))
    .groupBy(couponRedemptions.couponId);
  const paidBy = new Map(used.map((row) => [row.couponId, row.paid]));
  const now = deps.clock.now();
  const lines = rows.map((coupon) => {
    const paid = paidBy.get(coupon.id) ?? 0;
    const state = coupon.disabledAt ? 'disabled' : coupon.expiresAt && coupon.expiresAt <= now ? 'expired' : coupon.maxRedemptions !== null && paid >= coupon.maxRedemptions ? 'used_up' : 'active';
    const uses = coupon.maxRedemptions !== null ? `${paid}/${coupon.maxRedemptions}` : String(paid);
    return t(locale, 'coupon.line', { code: coupon.code, discount: describeDiscount(locale, coupon), uses, state: t(locale, `coupon.state.${state}`) });
  });
  return ok({ title: t(locale, 'coupon.listTitle'), body: lines.join('\n'), ephemeral: true });
}
