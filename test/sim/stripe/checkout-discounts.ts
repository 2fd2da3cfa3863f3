/**
 * `discounts` on POST /v1/checkout/sessions, with Stripe's rules: one discount, not together
 * with `allow_promotion_codes`, a coupon that can be redeemed now and, for an `amount_off`
 * coupon, in the session's currency. Promotion codes are not simulated.
 */
import type Stripe from 'stripe';
import { redeemableCoupon } from './coupons.ts';
import { discountLines, sum } from './discounts.ts';
import { invalidRequest } from './errors.ts';
import type { SimCore } from './state.ts';

type Params = Stripe.Checkout.SessionCreateParams;

/** The coupon the new session applies, or null; throws Stripe's error for a bad `discounts`. */
export function sessionCouponFromParams(core: SimCore, params: Params): Stripe.Coupon | null {
  const discounts = params.discounts;
  if (discounts === undefined || discounts.length === 0) return null;
  if (params.allow_promotion_codes !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: allow_promotion_codes, discounts.', {
      param: 'discounts',
    });
  }
  if (discounts.length > 1) {
    throw invalidRequest('You may only specify one discount per Checkout Session.', { param: 'discounts' });
  }
  const [entry] = discounts;
  if (entry?.coupon && entry.promotion_code) {
    throw invalidRequest('You may only specify one of these parameters: coupon, promotion_code.', {
      param: 'discounts[0][coupon]',
    });
  }
  if (entry?.promotion_code) {
    throw invalidRequest('The Stripe simulator does not support promotion codes yet.', { param: 'discounts[0][promotion_code]' });
  }
  if (!entry?.coupon) {
    throw invalidRequest('Missing required param: discounts[0][coupon].', {
      param: 'discounts[0][coupon]',
      code: 'parameter_missing',
    });
  }
  const coupon = redeemableCoupon(core, entry.coupon, 'discounts[0][coupon]');
  const currency = sessionCurrency(core, params);
  if (coupon.amount_off !== null && coupon.currency !== currency) {
    throw invalidRequest(
      `The coupon '${coupon.id}' is in ${coupon.currency}, but this Checkout Session is in ${currency}. An amount_off coupon must use the session's currency.`,
      { param: 'discounts[0][coupon]' },
    );
  }
  return coupon;
}

/** The coupon a session shows in `discounts[0]`, or null. */
export function sessionCoupon(core: SimCore, session: Stripe.Checkout.Session): Stripe.Coupon | null {
  const entry = session.discounts?.[0]?.coupon;
  const id = typeof entry === 'string' ? entry : entry?.id;
  return (id && core.state.coupons.get(id)) || null;
}

/** What the customer pays when completing `session` (a trial leaves only one-time items). */
export function amountDueNow(core: SimCore, session: Stripe.Checkout.Session): number {
  if (session.mode !== 'subscription') return session.amount_total ?? 0;
  const trial = Boolean(core.state.sessionParams.get(session.id)?.subscription_data?.trial_period_days);
  const items = core.state.sessionLineItems.get(session.id) ?? [];
  const amounts = items.map((item) => (trial && item.price?.recurring ? 0 : item.amount_subtotal));
  const coupon = sessionCoupon(core, session);
  return sum(amounts) - (coupon ? sum(discountLines(coupon, amounts)) : 0);
}

/** Line items checked by checkout-rules.ts share one currency; the first one names it. */
function sessionCurrency(core: SimCore, params: Params): string {
  const first = params.line_items?.[0];
  if (first?.price_data) return first.price_data.currency.toLowerCase();
  return core.state.prices.get(String(first?.price))?.currency ?? 'usd';
}
