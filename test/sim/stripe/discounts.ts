/**
 * What a coupon does once applied. Amounts: `percent_off` is taken from each line (rounded per
 * line), `amount_off` is spread over the lines pro rata and never takes a total below 0. On a
 * subscription the coupon becomes a Discount (`di_...`, listed in `subscription.discounts`) whose
 * duration decides which invoices it reduces: `once` the first invoice with something to
 * discount, `repeating` invoices created before its `end` (start + duration_in_months),
 * `forever` every one. A discount that has run out leaves the subscription at the next renewal
 * (`customer.discount.deleted`).
 */
import type Stripe from 'stripe';
import { addInterval } from './catalog.ts';
import { newId } from './ids.ts';
import { type SimCore, noRequest, snapshot } from './state.ts';

/** The discount taken from each of `amounts` (same order). */
export function discountLines(coupon: Stripe.Coupon, amounts: readonly number[]): number[] {
  if (coupon.percent_off !== null) {
    const percent = coupon.percent_off;
    return amounts.map((amount) => Math.round((amount * percent) / 100));
  }
  const total = sum(amounts);
  const off = Math.min(coupon.amount_off ?? 0, total);
  if (total === 0) return amounts.map(() => 0);
  const shares = amounts.map((amount) => Math.floor((off * amount) / total));
  // Rounding leftovers go to the largest line, so the shares add up to exactly `off`.
  const largest = amounts.indexOf(Math.max(...amounts));
  shares[largest] = (shares[largest] ?? 0) + off - sum(shares);
  return shares;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Makes the Discount a subscription carries (the caller lists it and emits the events). */
export function buildSubscriptionDiscount(core: SimCore, coupon: Stripe.Coupon, subscription: Stripe.Subscription): Stripe.Discount {
  const start = core.clock.unix();
  const discount = {
    id: newId('di'),
    object: 'discount',
    checkout_session: null,
    customer: String(subscription.customer),
    customer_account: null,
    end: coupon.duration === 'repeating' ? addInterval(start, 'month', coupon.duration_in_months ?? 1) : null,
    invoice: null,
    invoice_item: null,
    promotion_code: null,
    source: { coupon: coupon.id, type: 'coupon' },
    start,
    subscription: subscription.id,
    subscription_item: null,
  } satisfies Stripe.Discount;
  core.state.discounts.set(discount.id, discount);
  core.state.discountCoupons.set(discount.id, snapshot(coupon));
  return discount;
}

/**
 * Reduces a draft invoice by `discount`: `discount_amounts` on each line, `discounts` and
 * `total_discount_amounts` on the invoice, and the totals after it. A $0 invoice (a trial's) is
 * left alone, so a `once` coupon is kept for the first invoice that costs something.
 */
export function applyInvoiceDiscount(core: SimCore, invoice: Stripe.Invoice, discount: Stripe.Discount) {
  const coupon = core.state.discountCoupons.get(discount.id);
  if (!coupon || invoice.subtotal === 0) return;
  const lines = invoice.lines.data;
  const amounts = discountLines(coupon, lines.map((line) => line.amount));
  lines.forEach((line, index) => {
    line.discount_amounts = [{ amount: amounts[index] ?? 0, discount: discount.id }];
  });
  const off = sum(amounts);
  const total = invoice.subtotal - off;
  invoice.discounts = [discount.id];
  invoice.total_discount_amounts = [{ amount: off, discount: discount.id }];
  Object.assign(invoice, { total, total_excluding_tax: total, amount_due: total, amount_remaining: total });
}

/**
 * The subscription's discounts for an invoice created at `at`: the one to apply, and the ids
 * still in force (those that ran out are announced with `customer.discount.deleted`; the caller
 * stores `remaining` on the subscription).
 */
export function discountsForInvoice(core: SimCore, subscription: Stripe.Subscription, at: number) {
  let apply: Stripe.Discount | null = null;
  const remaining: string[] = [];
  for (const entry of subscription.discounts) {
    const discount = core.state.discounts.get(typeof entry === 'string' ? entry : entry.id);
    if (!discount) continue;
    if (!stillApplies(core, discount, at)) {
      core.emit('customer.discount.deleted', discount, { request: noRequest });
      continue;
    }
    remaining.push(discount.id);
    apply ??= discount;
  }
  return { apply, remaining };
}

function stillApplies(core: SimCore, discount: Stripe.Discount, at: number): boolean {
  const duration = core.state.discountCoupons.get(discount.id)?.duration;
  if (duration === 'forever') return true;
  if (duration === 'repeating') return discount.end === null || at < discount.end;
  // once: spent as soon as it took something off an invoice.
  for (const invoice of core.state.invoices.values()) {
    if (invoice.total_discount_amounts?.some((entry) => entry.discount === discount.id && entry.amount > 0)) return false;
  }
  return true;
}
