/**
 * Subscription invoices at API version 2026-10-28: the subscription is reached through
 * `invoice.parent.subscription_details.subscription` and the payment through `invoice.payments`
 * (an InvoicePayment pointing at the PaymentIntent). Lifecycle: created (draft) -> finalized
 * (open) -> paid, or payment_failed (stays open, attempt_count grows). $0 invoices are paid on
 * finalization. A subscription discount is applied to the draft (see discounts.ts).
 */
import type Stripe from 'stripe';
import { decimalString } from './catalog.ts';
import { applyInvoiceDiscount } from './discounts.ts';
import { noSuchObject } from './errors.ts';
import { type RangeParam, inRange, newestFirst, paginate } from './lists.ts';
import { newId } from './ids.ts';
import { type PaymentOutcome, attemptPayment, createPaymentIntent } from './payments.ts';
import type { RequestInfo, SimCore } from './state.ts';

export interface InvoiceLineInput {
  price: Stripe.Price;
  quantity: number;
  subscriptionItem: string | null;
  period: { start: number; end: number };
  /** Overrides price × quantity (a trial's $0 line). */
  amount?: number;
}

export function getInvoice(core: SimCore, id: string): Stripe.Invoice {
  const invoice = core.state.invoices.get(id);
  if (!invoice) throw noSuchObject('invoice', id, 'invoice');
  return invoice;
}

/** GET /v1/invoices filtered by customer, subscription, status and created. */
export function listInvoices(core: SimCore, params: Stripe.InvoiceListParams) {
  const matches = newestFirst(core.state.invoices.values()).filter(
    (invoice) =>
      (!params.customer || invoice.customer === params.customer) &&
      (!params.subscription || invoice.parent?.subscription_details?.subscription === params.subscription) &&
      (!params.status || invoice.status === params.status) &&
      (!params.collection_method || invoice.collection_method === params.collection_method) &&
      inRange(invoice.created, params.created as RangeParam | undefined),
  );
  return paginate(matches, params, '/v1/invoices', 'invoice');
}

/** Creates a draft subscription invoice and emits `invoice.created`. */
export function createSubscriptionInvoice(
  core: SimCore,
  subscription: Stripe.Subscription,
  input: {
    reason: Stripe.Invoice.BillingReason;
    lines: InvoiceLineInput[];
    period: { start: number; end: number };
    discount?: Stripe.Discount | null;
  },
  request: RequestInfo,
): Stripe.Invoice {
  const id = newId('in');
  const created = core.clock.unix();
  const lines = input.lines.map((line) => buildLine(core, id, subscription.id, line));
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const customer = core.state.customers.get(String(subscription.customer));
  const invoice = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Lyceum (Stripe simulator)',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: input.reason,
    collection_method: 'charge_automatically',
    created,
    currency: subscription.currency,
    custom_fields: null,
    customer: String(subscription.customer),
    customer_account: null,
    customer_address: null,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    due_date: null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: lines, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: { ...subscription.metadata }, subscription: subscription.id },
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: input.period.end,
    period_start: input.period.start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: created,
  } satisfies Stripe.Invoice;
  if (input.discount) applyInvoiceDiscount(core, invoice, input.discount);
  core.state.invoices.set(id, invoice);
  core.state.invoicePayments.set(id, []);
  core.emit('invoice.created', invoice, { request });
  return invoice;
}

/** Finalizes (`invoice.finalized`); a $0 invoice is then paid at once, as Stripe does. */
export function finalizeInvoice(core: SimCore, invoice: Stripe.Invoice, request: RequestInfo) {
  const now = core.clock.unix();
  const customer = core.state.customers.get(String(invoice.customer));
  invoice.status = 'open';
  invoice.number = `${customer?.invoice_prefix ?? 'SIM'}-${String(customer?.next_invoice_sequence ?? 1).padStart(4, '0')}`;
  if (customer?.next_invoice_sequence !== undefined) customer.next_invoice_sequence += 1;
  invoice.effective_at = now;
  invoice.status_transitions.finalized_at = now;
  invoice.hosted_invoice_url = `${core.baseUrl()}/invoices/${invoice.id}`;
  core.emit('invoice.finalized', invoice, { request });
  if (invoice.amount_due === 0) markPaid(core, invoice, request);
}

/**
 * Charges the invoice through a new PaymentIntent. `processing` leaves it open until
 * `settleInvoicePayment`; `failed` emits `invoice.payment_failed` and schedules a retry time.
 */
export function payInvoice(core: SimCore, invoice: Stripe.Invoice, outcome: PaymentOutcome, request: RequestInfo) {
  const intent = startInvoicePayment(core, invoice, request);
  const charge = attemptPayment(core, intent, outcome, request);
  if (outcome === 'succeeded') markPaid(core, invoice, request);
  if (outcome === 'failed') markFailed(core, invoice, request);
  return { intent, charge };
}

/**
 * Automatic collection with no payment method on file: no charge can be attempted, so the
 * PaymentIntent waits for one, the invoice stays open and `invoice.payment_failed` is sent.
 */
export function failInvoiceWithoutPaymentMethod(core: SimCore, invoice: Stripe.Invoice, request: RequestInfo) {
  const intent = startInvoicePayment(core, invoice, request);
  markFailed(core, invoice, request);
  return intent;
}

/** A PaymentIntent for the amount due, recorded as the invoice's payment (one per attempt). */
function startInvoicePayment(core: SimCore, invoice: Stripe.Invoice, request: RequestInfo) {
  const intent = createPaymentIntent(core, {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer: String(invoice.customer),
    email: invoice.customer_email,
    description: invoice.billing_reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update',
    metadata: {},
  }, request);
  const payment = {
    id: newId('inpay'),
    object: 'invoice_payment',
    amount_paid: null,
    amount_requested: invoice.amount_due,
    created: core.clock.unix(),
    currency: invoice.currency,
    invoice: invoice.id,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: intent.id },
    status: 'open',
    status_transitions: { canceled_at: null, paid_at: null },
  } satisfies Stripe.InvoicePayment;
  core.state.invoicePayments.get(invoice.id)?.push(payment);
  invoice.attempted = true;
  invoice.attempt_count += 1;
  return intent;
}

/** Ends a `processing` invoice payment (its PaymentIntent was settled by the caller). */
export function completeInvoicePayment(core: SimCore, invoice: Stripe.Invoice, succeeded: boolean, request: RequestInfo) {
  if (succeeded) markPaid(core, invoice, request);
  else markFailed(core, invoice, request);
}

function markPaid(core: SimCore, invoice: Stripe.Invoice, request: RequestInfo) {
  const now = core.clock.unix();
  invoice.status = 'paid';
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = now;
  for (const payment of core.state.invoicePayments.get(invoice.id) ?? []) {
    if (payment.status !== 'open') continue;
    payment.status = 'paid';
    payment.amount_paid = payment.amount_requested;
    payment.status_transitions.paid_at = now;
  }
  core.emit('invoice.paid', invoice, { request });
  core.emit('invoice.payment_succeeded', invoice, { request });
}

function markFailed(core: SimCore, invoice: Stripe.Invoice, request: RequestInfo) {
  invoice.next_payment_attempt = core.clock.unix() + 3 * 24 * 3600;
  for (const payment of core.state.invoicePayments.get(invoice.id) ?? []) {
    if (payment.status === 'open') payment.status = 'failed';
  }
  core.emit('invoice.payment_failed', invoice, { request });
}

function buildLine(
  core: SimCore,
  invoiceId: string,
  subscriptionId: string,
  line: InvoiceLineInput,
): Stripe.InvoiceLineItem {
  const amount = line.amount ?? (line.price.unit_amount ?? 0) * line.quantity;
  const product = core.state.products.get(String(line.price.product));
  const itemDetails = line.subscriptionItem
    ? ({
        type: 'subscription_item_details',
        invoice_item_details: null,
        subscription_item_details: {
          invoice_item: null,
          proration: false,
          proration_details: { credited_items: null },
          subscription: subscriptionId,
          subscription_item: line.subscriptionItem,
        },
      } satisfies Stripe.InvoiceLineItem.Parent)
    : null;
  return {
    id: newId('il'),
    object: 'line_item',
    amount,
    currency: line.price.currency,
    description: `${line.quantity} × ${product?.name ?? 'Item'}`,
    discount_amounts: [],
    discountable: true,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: itemDetails,
    period: line.period,
    pretax_credit_amounts: [],
    pricing: {
      type: 'price_details',
      price_details: { price: line.price.id, product: String(line.price.product) },
      unit_amount_decimal: decimalString(line.price.unit_amount ?? 0),
    },
    quantity: line.quantity,
    quantity_decimal: decimalString(line.quantity),
    subscription: subscriptionId,
    subtotal: amount,
    taxes: [],
  } satisfies Stripe.InvoiceLineItem;
}
