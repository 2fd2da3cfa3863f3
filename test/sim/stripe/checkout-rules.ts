/**
 * The cross-field rules Stripe enforces on POST /v1/checkout/sessions beyond what the param
 * types say: mode vs recurring prices, success/return URLs per ui_mode, mode-specific
 * `subscription_data` / `payment_intent_data` / `payment_method_collection`, `expires_at`
 * window, metadata limits. (`discounts` are checked in checkout-discounts.ts.)
 */
import type Stripe from 'stripe';
import { invalidRequest } from './errors.ts';
import type { SimState } from './state.ts';
import { requireInteger } from './validation.ts';

type Params = Stripe.Checkout.SessionCreateParams;

export function checkCheckoutParams(state: SimState, params: Params, nowUnix: number): void {
  const mode = params.mode;
  if (!mode) throw invalidRequest('Missing required param: mode.', { param: 'mode', code: 'parameter_missing' });
  if (mode === 'setup') throw invalidRequest('The Stripe simulator does not support `setup` mode.', { param: 'mode' });
  checkUrls(params);
  checkLineItems(state, params, mode);
  if (params.subscription_data && mode !== 'subscription') {
    throw invalidRequest(`You can not pass \`subscription_data\` in \`${mode}\` mode.`, { param: 'subscription_data' });
  }
  if (params.payment_method_collection !== undefined && mode !== 'subscription') {
    throw invalidRequest(`You can not pass \`payment_method_collection\` in \`${mode}\` mode.`, {
      param: 'payment_method_collection',
    });
  }
  if (params.payment_intent_data && mode !== 'payment') {
    throw invalidRequest(`You can not pass \`payment_intent_data\` in \`${mode}\` mode.`, { param: 'payment_intent_data' });
  }
  const trialDays = requireInteger(params.subscription_data?.trial_period_days, 'subscription_data[trial_period_days]');
  if (trialDays !== undefined && (trialDays < 1 || trialDays > 730)) {
    throw invalidRequest('The trial period must be between 1 and 730 days.', {
      param: 'subscription_data[trial_period_days]',
    });
  }
  checkExpiresAt(params.expires_at, nowUnix);
  if (params.customer && params.customer_email) {
    throw invalidRequest('You may only specify one of these parameters: customer, customer_email.', {
      param: 'customer_email',
    });
  }
  if (params.customer && !state.customers.has(params.customer)) {
    throw invalidRequest(`No such customer: '${params.customer}'`, { param: 'customer', code: 'resource_missing' });
  }
  if (params.customer_email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(params.customer_email)) {
    throw invalidRequest(`Invalid email address: ${params.customer_email}`, { param: 'customer_email', code: 'email_invalid' });
  }
  if (params.client_reference_id && params.client_reference_id.length > 200) {
    throw invalidRequest('client_reference_id must be at most 200 characters.', { param: 'client_reference_id' });
  }
  checkMetadata(params.metadata, 'metadata');
  checkMetadata(params.subscription_data?.metadata, 'subscription_data[metadata]');
  checkMetadata(params.payment_intent_data?.metadata, 'payment_intent_data[metadata]');
}

function checkUrls(params: Params) {
  const uiMode = params.ui_mode ?? 'hosted_page';
  if (uiMode === 'hosted_page') {
    if (!params.success_url) {
      throw invalidRequest('Missing required param: success_url.', { param: 'success_url', code: 'parameter_missing' });
    }
    if (params.return_url) {
      throw invalidRequest('`return_url` cannot be used with `ui_mode: hosted_page`. Use `success_url` instead.', {
        param: 'return_url',
      });
    }
  } else {
    if (params.success_url || params.cancel_url) {
      throw invalidRequest(`\`success_url\` and \`cancel_url\` cannot be used with \`ui_mode: ${uiMode}\`.`, {
        param: params.success_url ? 'success_url' : 'cancel_url',
      });
    }
    if (!params.return_url && params.redirect_on_completion !== 'never') {
      throw invalidRequest('Missing required param: return_url.', { param: 'return_url', code: 'parameter_missing' });
    }
  }
  for (const name of ['success_url', 'cancel_url', 'return_url'] as const) {
    const value = params[name];
    if (value !== undefined && value !== null && !isHttpUrl(value.replace('{CHECKOUT_SESSION_ID}', 'x'))) {
      throw invalidRequest('Not a valid URL', { param: name, code: 'url_invalid' });
    }
  }
}

function isHttpUrl(text: string) {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function checkLineItems(state: SimState, params: Params, mode: string) {
  const items = params.line_items ?? [];
  if (items.length === 0) {
    throw invalidRequest(`\`line_items\` is required in \`${mode}\` mode.`, { param: 'line_items', code: 'parameter_missing' });
  }
  if (items.length > 100) throw invalidRequest('You may only specify up to 100 line items.', { param: 'line_items' });
  const currencies = new Set<string>();
  const intervals = new Set<string>();
  items.forEach((item, index) => {
    const at = `line_items[${index}]`;
    if (!item.price && !item.price_data) {
      throw invalidRequest(`You must specify either \`price\` or \`price_data\` in ${at}.`, { param: at });
    }
    if (item.price && item.price_data) {
      throw invalidRequest(`You may only specify one of these parameters: price, price_data.`, { param: `${at}[price]` });
    }
    if (item.price && !state.prices.has(item.price)) {
      throw invalidRequest(`No such price: '${item.price}'`, { param: `${at}[price]`, code: 'resource_missing' });
    }
    if (item.quantity === undefined) {
      throw invalidRequest(`Missing required param: ${at}[quantity].`, { param: `${at}[quantity]`, code: 'parameter_missing' });
    }
    requireInteger(item.quantity, `${at}[quantity]`, { min: 1 });
    const price = item.price ? state.prices.get(item.price) : undefined;
    const data = item.price_data;
    if (data) {
      checkPriceData(state, data, `${at}[price_data]`);
      currencies.add(data.currency.toLowerCase());
      if (data.recurring) intervals.add(`${data.recurring.interval}/${data.recurring.interval_count ?? 1}`);
    } else if (price) {
      currencies.add(price.currency);
      if (price.recurring) intervals.add(`${price.recurring.interval}/${price.recurring.interval_count}`);
    }
    if (mode === 'payment' && (data?.recurring || price?.recurring)) {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        { param: `${at}${data ? '[price_data][recurring]' : '[price]'}` },
      );
    }
  });
  if (currencies.size > 1) throw invalidRequest('All line items must use the same currency.', { param: 'line_items' });
  if (mode === 'subscription' && intervals.size === 0) {
    throw invalidRequest('You must provide at least one recurring price in `subscription` mode when using prices.', {
      param: 'line_items',
    });
  }
  if (intervals.size > 1) {
    throw invalidRequest('Checkout does not support multiple prices with different billing intervals.', { param: 'line_items' });
  }
}

function checkPriceData(state: SimState, data: NonNullable<Stripe.Checkout.SessionCreateParams.LineItem['price_data']>, at: string) {
  if (!/^[a-zA-Z]{3}$/.test(data.currency)) {
    throw invalidRequest(`Invalid currency: ${data.currency.toLowerCase()}.`, { param: `${at}[currency]` });
  }
  if (data.unit_amount === undefined && data.unit_amount_decimal === undefined) {
    throw invalidRequest('You must specify either `unit_amount` or `unit_amount_decimal`.', { param: `${at}[unit_amount]` });
  }
  requireInteger(data.unit_amount, `${at}[unit_amount]`, { min: 0 });
  if (!data.product && !data.product_data) {
    throw invalidRequest('You must specify either `product` or `product_data` when creating a price.', {
      param: `${at}[product_data]`,
    });
  }
  if (data.product && !state.products.has(data.product)) {
    throw invalidRequest(`No such product: '${data.product}'`, { param: `${at}[product]`, code: 'resource_missing' });
  }
  requireInteger(data.recurring?.interval_count, `${at}[recurring][interval_count]`, { min: 1 });
}

function checkExpiresAt(expiresAt: number | undefined, now: number) {
  const value = requireInteger(expiresAt, 'expires_at');
  if (value === undefined) return;
  if (value < now + 30 * 60) {
    throw invalidRequest('The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.', {
      param: 'expires_at',
    });
  }
  if (value > now + 24 * 3600) {
    throw invalidRequest('The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.', {
      param: 'expires_at',
    });
  }
}

/** Stripe's metadata limits: 50 keys, keys up to 40 characters, values up to 500. */
export function checkMetadata(metadata: unknown, param: string) {
  if (!metadata || typeof metadata !== 'object') return;
  const entries = Object.entries(metadata);
  if (entries.length > 50) throw invalidRequest('Metadata can have up to 50 keys.', { param });
  for (const [key, value] of entries) {
    if (key.length > 40) throw invalidRequest(`Metadata keys can have up to 40 characters (${key}).`, { param: `${param}[${key}]` });
    if (String(value ?? '').length > 500) {
      throw invalidRequest(`Metadata values can have up to 500 characters (${key}).`, { param: `${param}[${key}]` });
    }
  }
}
