/**
 * Products and prices created inline from Checkout `line_items[].price_data`, as Stripe does
 * (an inactive Price, and a Product from `product_data`).
 */
import type Stripe from 'stripe';
import { newId } from './ids.ts';
import type { SimCore } from './state.ts';

export type PriceData = NonNullable<Stripe.Checkout.SessionCreateParams.LineItem['price_data']>;

/** Stripe sends `unit_amount_decimal` as a decimal string; the client turns it into a Decimal. */
export function decimalString(value: number | string): Stripe.Decimal {
  return String(value) as unknown as Stripe.Decimal;
}

export function createInlinePrice(core: SimCore, data: PriceData): Stripe.Price {
  const created = core.clock.unix();
  let productId = data.product;
  if (!productId) {
    const info = data.product_data;
    const product = {
      id: newId('prod'),
      object: 'product',
      active: false,
      created,
      default_price: null,
      description: info?.description ?? null,
      images: info?.images ?? [],
      livemode: false,
      marketing_features: [],
      metadata: cleanMetadata(info?.metadata),
      name: info?.name ?? '',
      package_dimensions: null,
      shippable: null,
      statement_descriptor: null,
      tax_code: null,
      tax_details: null,
      type: 'service',
      unit_label: info?.unit_label ?? null,
      updated: created,
      url: null,
    } satisfies Stripe.Product;
    core.state.products.set(product.id, product);
    productId = product.id;
  }
  const unitAmount = data.unit_amount ?? Number(data.unit_amount_decimal ?? 0);
  const recurring = data.recurring
    ? ({
        interval: data.recurring.interval as Stripe.Price.Recurring.Interval,
        interval_count: data.recurring.interval_count ?? 1,
        meter: null,
        trial_period_days: null,
        usage_type: 'licensed',
      } satisfies Stripe.Price.Recurring)
    : null;
  const price = {
    id: newId('price'),
    object: 'price',
    active: false,
    billing_scheme: 'per_unit',
    created,
    currency: data.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: productId,
    recurring,
    tax_behavior: (data.tax_behavior as Stripe.Price.TaxBehavior | undefined) ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: decimalString(unitAmount),
  } satisfies Stripe.Price;
  core.state.prices.set(price.id, price);
  return price;
}

/** The legacy Plan view of a recurring Price that subscription items still carry. */
export function planFromPrice(price: Stripe.Price): Stripe.Plan {
  const recurring = price.recurring;
  if (!recurring) throw new Error(`price ${price.id} is not recurring`);
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: price.unit_amount_decimal,
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: recurring.interval,
    interval_count: recurring.interval_count,
    livemode: false,
    metadata: {},
    meter: null,
    nickname: null,
    product: price.product,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  } satisfies Stripe.Plan;
}

/** Metadata as stored: `''` values (unset) dropped, numbers as strings. */
export function cleanMetadata(input: unknown): Stripe.Metadata {
  if (!input || typeof input !== 'object') return {};
  const out: Stripe.Metadata = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === '' || value === null || value === undefined) continue;
    out[key] = String(value);
  }
  return out;
}

/** Adds `seconds` worth of billing intervals to a Unix time (month/year clamp to month end). */
export function addInterval(unix: number, interval: string, count = 1): number {
  const date = new Date(unix * 1000);
  if (interval === 'day') date.setUTCDate(date.getUTCDate() + count);
  else if (interval === 'week') date.setUTCDate(date.getUTCDate() + 7 * count);
  else if (interval === 'month' || interval === 'year') {
    const day = date.getUTCDate();
    date.setUTCDate(1);
    date.setUTCMonth(date.getUTCMonth() + (interval === 'year' ? 12 : 1) * count);
    const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    date.setUTCDate(Math.min(day, lastDay));
  }
  return Math.floor(date.getTime() / 1000);
}
