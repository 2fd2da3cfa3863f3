/**
 * Coupons: POST /v1/coupons (`percent_off`, or `amount_off` + `currency`; `duration` once,
 * repeating or forever), GET and DELETE /v1/coupons/:id. A deleted coupon is gone for the API
 * (404) and for new Checkout Sessions, while discounts already made from it keep working, as on
 * Stripe. `valid` follows `redeem_by` and `max_redemptions`; a redemption is a completed session.
 */
import type Stripe from 'stripe';
import { cleanMetadata } from './catalog.ts';
import { checkMetadata } from './checkout-rules.ts';
import { invalidRequest, noSuchObject } from './errors.ts';
import { randomToken } from './ids.ts';
import type { RequestInfo, SimCore } from './state.ts';
import { requireInteger } from './validation.ts';

const fiveYears = 5 * 365 * 24 * 3600;

export function createCoupon(core: SimCore, params: Stripe.CouponCreateParams, request: RequestInfo): Stripe.Coupon {
  const now = core.clock.unix();
  checkCouponParams(params, now);
  // Stripe generates 8-character codes when no id is given.
  const id = params.id ?? randomToken(8);
  if (core.state.coupons.has(id) && !core.state.deletedCoupons.has(id)) {
    throw invalidRequest('Coupon already exists.', { param: 'id', code: 'resource_already_exists' });
  }
  const isAmount = params.amount_off !== undefined;
  const coupon = {
    id,
    object: 'coupon',
    amount_off: params.amount_off ?? null,
    created: now,
    currency: isAmount ? String(params.currency).toLowerCase() : null,
    duration: (params.duration ?? 'once') as Stripe.Coupon.Duration,
    duration_in_months: params.duration_in_months ?? null,
    livemode: false,
    max_redemptions: params.max_redemptions ?? null,
    metadata: cleanMetadata(params.metadata),
    name: params.name ?? null,
    percent_off: params.percent_off ?? null,
    redeem_by: params.redeem_by ?? null,
    times_redeemed: 0,
    valid: true,
  } satisfies Stripe.Coupon;
  core.state.coupons.set(id, coupon);
  core.state.deletedCoupons.delete(id);
  core.emit('coupon.created', coupon, { request });
  return coupon;
}

/** GET /v1/coupons/:id — a deleted coupon answers 404 like one that never existed. */
export function getCoupon(core: SimCore, id: string): Stripe.Coupon {
  const coupon = core.state.coupons.get(id);
  if (!coupon || core.state.deletedCoupons.has(id)) throw noSuchObject('coupon', id, 'coupon');
  return refreshValidity(core, coupon);
}

/** DELETE /v1/coupons/:id: no new redemptions; existing discounts are untouched. */
export function deleteCoupon(core: SimCore, id: string, request: RequestInfo): Stripe.DeletedCoupon {
  const coupon = getCoupon(core, id);
  core.state.deletedCoupons.add(id);
  coupon.valid = false;
  core.emit('coupon.deleted', coupon, { request });
  return { id, object: 'coupon', deleted: true };
}

/** The coupon (deleted ones too) with `valid` brought up to the sim clock, for read-only views. */
export function readCoupon(core: SimCore, id: string): Stripe.Coupon | undefined {
  const coupon = core.state.coupons.get(id);
  return coupon && refreshValidity(core, coupon);
}

/**
 * The coupon a new Checkout Session may apply, or Stripe's error: unknown or deleted ->
 * "No such coupon", past `redeem_by` or out of redemptions -> `coupon_expired`.
 */
export function redeemableCoupon(core: SimCore, id: string, param: string): Stripe.Coupon {
  const coupon = core.state.coupons.get(id);
  if (!coupon || core.state.deletedCoupons.has(id)) {
    throw invalidRequest(`No such coupon: '${id}'`, { param, code: 'resource_missing' });
  }
  if (!refreshValidity(core, coupon).valid) {
    throw invalidRequest(`Coupon expired: ${id}`, { param, code: 'coupon_expired' });
  }
  return coupon;
}

/** Counts a redemption (a completed Checkout Session that used the coupon). */
export function redeemCoupon(core: SimCore, id: string) {
  const coupon = core.state.coupons.get(id);
  if (!coupon) return;
  coupon.times_redeemed += 1;
  refreshValidity(core, coupon);
}

function refreshValidity(core: SimCore, coupon: Stripe.Coupon): Stripe.Coupon {
  const now = core.clock.unix();
  coupon.valid =
    !core.state.deletedCoupons.has(coupon.id) &&
    (coupon.redeem_by === null || now <= coupon.redeem_by) &&
    (coupon.max_redemptions === null || coupon.times_redeemed < coupon.max_redemptions);
  return coupon;
}

function checkCouponParams(params: Stripe.CouponCreateParams, now: number) {
  for (const unsupported of ['applies_to', 'currency_options'] as const) {
    if (params[unsupported] !== undefined) {
      throw invalidRequest(`The Stripe simulator does not support \`${unsupported}\` on coupons yet.`, { param: unsupported });
    }
  }
  checkAmount(params);
  checkDuration(params);
  requireInteger(params.max_redemptions, 'max_redemptions', { min: 1 });
  const redeemBy = requireInteger(params.redeem_by, 'redeem_by');
  if (redeemBy !== undefined && redeemBy <= now) {
    throw invalidRequest('The `redeem_by` timestamp must be in the future.', { param: 'redeem_by' });
  }
  if (redeemBy !== undefined && redeemBy > now + fiveYears) {
    throw invalidRequest('The `redeem_by` timestamp cannot be more than 5 years in the future.', { param: 'redeem_by' });
  }
  if (params.name !== undefined && params.name.length > 40) {
    throw invalidRequest('name must be at most 40 characters.', { param: 'name' });
  }
  checkMetadata(params.metadata, 'metadata');
}

/** Exactly one of percent_off (0 < x <= 100, two decimals) and amount_off (+ currency). */
function checkAmount(params: Stripe.CouponCreateParams) {
  const { percent_off: percent, amount_off: amount } = params;
  if (percent !== undefined && amount !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: amount_off, percent_off.', { param: 'amount_off' });
  }
  if (percent === undefined && amount === undefined) {
    throw invalidRequest('You must pass either `amount_off` or `percent_off`.', { param: 'percent_off' });
  }
  if (percent !== undefined) {
    if (!(percent > 0 && percent <= 100)) {
      throw invalidRequest('Invalid percent_off: must be greater than 0 and less than or equal to 100.', { param: 'percent_off' });
    }
    if (Math.abs(percent * 100 - Math.round(percent * 100)) > 1e-9) {
      throw invalidRequest('Invalid percent_off: must have at most 2 decimal places.', { param: 'percent_off' });
    }
    return;
  }
  requireInteger(amount, 'amount_off', { min: 1 });
  if (params.currency === undefined) {
    throw invalidRequest('Missing required param: currency.', { param: 'currency', code: 'parameter_missing' });
  }
  if (!/^[a-zA-Z]{3}$/.test(params.currency)) {
    throw invalidRequest(`Invalid currency: ${params.currency.toLowerCase()}.`, { param: 'currency' });
  }
}

/** `duration_in_months` is required with `repeating` and refused otherwise. */
function checkDuration(params: Stripe.CouponCreateParams) {
  const repeating = params.duration === 'repeating';
  if (repeating && params.duration_in_months === undefined) {
    throw invalidRequest('Missing required param: duration_in_months.', {
      param: 'duration_in_months',
      code: 'parameter_missing',
    });
  }
  if (!repeating && params.duration_in_months !== undefined) {
    throw invalidRequest('You may only specify `duration_in_months` when `duration` is `repeating`.', {
      param: 'duration_in_months',
    });
  }
  requireInteger(params.duration_in_months, 'duration_in_months', { min: 1 });
}
