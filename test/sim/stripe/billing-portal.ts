import type Stripe from 'stripe';
import { invalidRequest, noSuchObject } from './errors.ts';
import { newId, randomToken } from './ids.ts';
import type { SimCore } from './state.ts';

/** POST /v1/billing_portal/sessions: a short-lived portal link for an existing customer. */
export function createPortalSession(core: SimCore, params: Stripe.BillingPortal.SessionCreateParams) {
  if (!params.customer) {
    throw invalidRequest('Missing required param: customer.', { param: 'customer', code: 'parameter_missing' });
  }
  if (!core.state.customers.has(params.customer)) throw noSuchObject('customer', params.customer, 'customer');
  if (params.return_url !== undefined && !/^https?:\/\/\S+$/.test(params.return_url)) {
    throw invalidRequest('Not a valid URL', { param: 'return_url', code: 'url_invalid' });
  }
  const id = newId('bps');
  const session = {
    id,
    object: 'billing_portal.session',
    configuration: 'bpc_sim_default',
    created: core.clock.unix(),
    customer: params.customer,
    customer_account: null,
    flow: null,
    livemode: false,
    locale: (params.locale as Stripe.BillingPortal.Session.Locale | undefined) ?? null,
    on_behalf_of: null,
    return_url: params.return_url ?? null,
    url: `${core.baseUrl()}/p/session/${randomToken(24)}`,
  } satisfies Stripe.BillingPortal.Session;
  core.state.portalSessions.set(id, session);
  return session;
}
