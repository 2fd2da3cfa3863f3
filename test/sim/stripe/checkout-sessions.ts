/**
 * Checkout Sessions: create (inline prices from `price_data`, a coupon from `discounts`),
 * retrieve, list line items, expire (by API, by the customer abandoning it, or when the sim clock
 * passes `expires_at`).
 */
import type Stripe from 'stripe';
import { cleanMetadata, createInlinePrice } from './catalog.ts';
import { sessionCouponFromParams } from './checkout-discounts.ts';
import { checkCheckoutParams } from './checkout-rules.ts';
import { discountLines, sum } from './discounts.ts';
import { invalidRequest, noSuchObject } from './errors.ts';
import { newId, randomToken } from './ids.ts';
import { paginate } from './lists.ts';
import { type RequestInfo, type SimCore, noRequest } from './state.ts';

type CreateParams = Stripe.Checkout.SessionCreateParams;

export function createCheckoutSession(core: SimCore, params: CreateParams): Stripe.Checkout.Session {
  const now = core.clock.unix();
  checkCheckoutParams(core.state, params, now);
  const coupon = sessionCouponFromParams(core, params);
  const lineItems = (params.line_items ?? []).map((item) => buildLineItem(core, item));
  const subtotal = sum(lineItems.map((item) => item.amount_subtotal));
  if (coupon) applyLineDiscounts(lineItems, coupon);
  const discount = sum(lineItems.map((item) => item.amount_discount));
  const currency = lineItems[0]?.currency ?? 'usd';
  checkMinimumAmount(params, coupon ? subtotal - discount : subtotal, currency, coupon !== null);
  const id = newId('cs');
  const session = buildSession(core, id, params, { now, subtotal, discount, currency, couponId: coupon?.id ?? null });
  core.state.sessions.set(id, session);
  core.state.sessionLineItems.set(id, lineItems);
  core.state.sessionParams.set(id, params);
  return session;
}

/**
 * A payment-mode session must charge at least 0.50 (usd/eur). A discount may bring the total to
 * exactly 0 instead: a no-cost order, which Checkout completes without a payment.
 */
function checkMinimumAmount(params: CreateParams, total: number, currency: string, discounted: boolean) {
  if (params.mode !== 'payment' || (currency !== 'usd' && currency !== 'eur')) return;
  if (total < 50 && !(discounted && total === 0)) {
    throw invalidRequest(`The Checkout Session's total amount due must add up to at least 0.50 ${currency}`, {
      param: 'line_items',
    });
  }
}

function applyLineDiscounts(lineItems: Stripe.LineItem[], coupon: Stripe.Coupon) {
  const amounts = discountLines(coupon, lineItems.map((item) => item.amount_subtotal));
  lineItems.forEach((item, index) => {
    item.amount_discount = amounts[index] ?? 0;
    item.amount_total = item.amount_subtotal - item.amount_discount;
  });
}

export function getSession(core: SimCore, id: string): Stripe.Checkout.Session {
  const session = core.state.sessions.get(id);
  if (!session) throw noSuchObject('checkout.session', id, 'session');
  return session;
}

export function listSessionLineItems(core: SimCore, id: string, params: Stripe.Checkout.SessionListLineItemsParams) {
  getSession(core, id);
  const items = core.state.sessionLineItems.get(id) ?? [];
  return paginate(items, params, `/v1/checkout/sessions/${id}/line_items`, 'line item');
}

/** Expires an open session (`checkout.session.expired`); API callers get Stripe's error otherwise. */
export function expireSession(core: SimCore, id: string, request: RequestInfo = noRequest): Stripe.Checkout.Session {
  const session = getSession(core, id);
  if (session.status !== 'open') {
    throw invalidRequest(
      `Only Checkout Sessions with a status of \`open\` can be expired. This session has a status of \`${session.status}\`.`,
      { param: 'session' },
    );
  }
  session.status = 'expired';
  session.url = null;
  core.emit('checkout.session.expired', session, { request });
  return session;
}

/** Runs on every clock move: open sessions past `expires_at` expire as on Stripe. */
export function expireDueSessions(core: SimCore) {
  const now = core.clock.unix();
  for (const session of core.state.sessions.values()) {
    if (session.status === 'open' && session.expires_at <= now) expireSession(core, session.id);
  }
}

function buildLineItem(core: SimCore, item: Stripe.Checkout.SessionCreateParams.LineItem): Stripe.LineItem {
  const price = item.price_data
    ? createInlinePrice(core, { ...item.price_data, currency: item.price_data.currency.toLowerCase() })
    : core.state.prices.get(String(item.price));
  if (!price) throw new Error('line item price vanished');
  const product = core.state.products.get(String(price.product));
  const quantity = item.quantity ?? 1;
  const amount = (price.unit_amount ?? 0) * quantity;
  return {
    id: newId('li'),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: amount,
    amount_tax: 0,
    amount_total: amount,
    currency: price.currency,
    description: product?.name ?? null,
    metadata: cleanMetadata(item.metadata),
    price,
    quantity,
  } satisfies Stripe.LineItem;
}

function buildSession(
  core: SimCore,
  id: string,
  params: CreateParams,
  totals: { now: number; subtotal: number; discount: number; currency: string; couponId: string | null },
): Stripe.Checkout.Session {
  const mode = params.mode as Stripe.Checkout.Session.Mode;
  const uiMode = (params.ui_mode ?? 'hosted_page') as Stripe.Checkout.Session.UiMode;
  return {
    id,
    object: 'checkout.session',
    adaptive_pricing: null,
    after_expiration: null,
    allow_promotion_codes: params.allow_promotion_codes ?? null,
    allowed_payment_method_types: null,
    amount_subtotal: totals.subtotal,
    amount_total: totals.subtotal - totals.discount,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: params.cancel_url ?? null,
    client_reference_id: params.client_reference_id ?? null,
    client_secret: uiMode === 'hosted_page' ? null : `${id}_secret_${randomToken(24)}`,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: totals.now,
    currency: totals.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: params.customer ?? null,
    customer_account: null,
    customer_creation: mode === 'payment' ? (params.customer_creation ?? 'if_required') : null,
    customer_details: null,
    customer_email: params.customer_email ?? null,
    discounts: totals.couponId ? [{ coupon: totals.couponId, promotion_code: null }] : [],
    expires_at: params.expires_at ?? totals.now + 24 * 3600,
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: (params.locale as Stripe.Checkout.Session.Locale | undefined) ?? null,
    managed_payments: null,
    metadata: cleanMetadata(params.metadata),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: mode === 'subscription' ? (params.payment_method_collection ?? 'always') : null,
    payment_method_configuration_details: null,
    payment_method_options: {},
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: params.success_url ?? null,
    total_details: { amount_discount: totals.discount, amount_shipping: 0, amount_tax: 0 },
    ui_mode: uiMode,
    url: uiMode === 'hosted_page' ? `${core.baseUrl()}/checkout/${id}` : null,
    wallet_options: null,
  } satisfies Stripe.Checkout.Session;
}
