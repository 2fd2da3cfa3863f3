/**
 * The endpoints the sim serves: method + path pattern -> the operation whose generated schema
 * validates the params, and the handler. Responses get `expand[]` applied by the server.
 */
import type Stripe from 'stripe';
import { createPortalSession } from './billing-portal.ts';
import { createCheckoutSession, expireSession, getSession, listSessionLineItems } from './checkout-sessions.ts';
import { createCoupon, deleteCoupon, getCoupon } from './coupons.ts';
import { getDispute, listDisputes } from './disputes.ts';
import { listEvents, retrieveEvent } from './events.ts';
import { getInvoice, listInvoices } from './invoices.ts';
import type { OperationName } from './param-types.ts';
import { createRefund, getCharge, getPaymentIntent, getRefund, listRefunds } from './refunds.ts';
import type { RequestInfo, SimCore } from './state.ts';
import { cancelSubscriptionNow, getSubscription, updateSubscriptionByApi } from './subscriptions.ts';
import type { Params } from './validation.ts';

export interface RouteContext {
  core: SimCore;
  params: Params;
  id: string;
  request: RequestInfo;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string;
  operation: OperationName;
  handle(context: RouteContext): unknown;
}

/** `params` as the typed create/update params of the stripe package (already schema-checked). */
function as<T>(params: Params): T {
  return params as T;
}

export const routes: Route[] = [
  {
    method: 'POST',
    pattern: '/v1/checkout/sessions',
    operation: 'CreateCheckoutSession',
    handle: ({ core, params }) => createCheckoutSession(core, as<Stripe.Checkout.SessionCreateParams>(params)),
  },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions/:id',
    operation: 'RetrieveCheckoutSession',
    handle: ({ core, id }) => getSession(core, id),
  },
  {
    method: 'GET',
    pattern: '/v1/checkout/sessions/:id/line_items',
    operation: 'ListCheckoutSessionLineItems',
    handle: ({ core, id, params }) => listSessionLineItems(core, id, params),
  },
  {
    method: 'POST',
    pattern: '/v1/checkout/sessions/:id/expire',
    operation: 'ExpireCheckoutSession',
    handle: ({ core, id, request }) => expireSession(core, id, request),
  },
  {
    method: 'GET',
    pattern: '/v1/subscriptions/:id',
    operation: 'RetrieveSubscription',
    handle: ({ core, id }) => getSubscription(core, id),
  },
  {
    method: 'POST',
    pattern: '/v1/subscriptions/:id',
    operation: 'UpdateSubscription',
    handle: ({ core, id, params, request }) =>
      updateSubscriptionByApi(core, id, as<Stripe.SubscriptionUpdateParams>(params), request),
  },
  {
    method: 'DELETE',
    pattern: '/v1/subscriptions/:id',
    operation: 'CancelSubscription',
    handle: ({ core, id, request }) =>
      cancelSubscriptionNow(core, getSubscription(core, id), 'cancellation_requested', request),
  },
  {
    method: 'GET',
    pattern: '/v1/invoices',
    operation: 'ListInvoices',
    handle: ({ core, params }) => listInvoices(core, as<Stripe.InvoiceListParams>(params)),
  },
  { method: 'GET', pattern: '/v1/invoices/:id', operation: 'RetrieveInvoice', handle: ({ core, id }) => getInvoice(core, id) },
  {
    method: 'GET',
    pattern: '/v1/payment_intents/:id',
    operation: 'RetrievePaymentIntent',
    handle: ({ core, id }) => getPaymentIntent(core, id),
  },
  { method: 'GET', pattern: '/v1/charges/:id', operation: 'RetrieveCharge', handle: ({ core, id }) => getCharge(core, id) },
  {
    method: 'POST',
    pattern: '/v1/refunds',
    operation: 'CreateRefund',
    handle: ({ core, params, request }) => createRefund(core, as<Stripe.RefundCreateParams>(params), request),
  },
  {
    method: 'GET',
    pattern: '/v1/refunds',
    operation: 'ListRefunds',
    handle: ({ core, params }) => listRefunds(core, as<Stripe.RefundListParams>(params)),
  },
  { method: 'GET', pattern: '/v1/refunds/:id', operation: 'RetrieveRefund', handle: ({ core, id }) => getRefund(core, id) },
  {
    method: 'GET',
    pattern: '/v1/disputes',
    operation: 'ListDisputes',
    handle: ({ core, params }) => listDisputes(core, as<Stripe.DisputeListParams>(params)),
  },
  { method: 'GET', pattern: '/v1/disputes/:id', operation: 'RetrieveDispute', handle: ({ core, id }) => getDispute(core, id) },
  {
    method: 'GET',
    pattern: '/v1/events',
    operation: 'ListEvents',
    handle: ({ core, params }) => listEvents(core, as<Stripe.EventListParams>(params)),
  },
  { method: 'GET', pattern: '/v1/events/:id', operation: 'RetrieveEvent', handle: ({ core, id }) => retrieveEvent(core, id) },
  {
    method: 'POST',
    pattern: '/v1/billing_portal/sessions',
    operation: 'CreateBillingPortalSession',
    handle: ({ core, params }) => createPortalSession(core, as<Stripe.BillingPortal.SessionCreateParams>(params)),
  },
  {
    method: 'POST',
    pattern: '/v1/coupons',
    operation: 'CreateCoupon',
    handle: ({ core, params, request }) => createCoupon(core, as<Stripe.CouponCreateParams>(params), request),
  },
  { method: 'GET', pattern: '/v1/coupons/:id', operation: 'RetrieveCoupon', handle: ({ core, id }) => getCoupon(core, id) },
  {
    method: 'DELETE',
    pattern: '/v1/coupons/:id',
    operation: 'DeleteCoupon',
    handle: ({ core, id, request }) => deleteCoupon(core, id, request),
  },
];

/** Finds the route for a request; `id` is the `:id` path segment (decoded) when there is one. */
export function matchRoute(method: string, path: string): { route: Route; id: string } | undefined {
  const parts = path.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    const pattern = route.pattern.split('/');
    if (pattern.length !== parts.length) continue;
    let id = '';
    const ok = pattern.every((segment, index) => {
      const part = parts[index] ?? '';
      if (segment !== ':id') return segment === part;
      id = decodeURIComponent(part);
      return part.length > 0;
    });
    if (ok) return { route, id };
  }
  return undefined;
}
