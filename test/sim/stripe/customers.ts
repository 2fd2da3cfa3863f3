import type Stripe from 'stripe';
import { newId } from './ids.ts';
import type { RequestInfo, SimCore } from './state.ts';

/** Creates a Customer (as Checkout does) and emits `customer.created`. */
export function createCustomer(
  core: SimCore,
  details: { email: string; name: string | null },
  request: RequestInfo,
): Stripe.Customer {
  const customer = {
    id: newId('cus'),
    object: 'customer',
    address: null,
    balance: 0,
    created: core.clock.unix(),
    currency: null,
    customer_account: null,
    default_source: null,
    delinquent: false,
    description: null,
    discount: null,
    email: details.email,
    invoice_prefix: newId('x').slice(2, 10).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: {},
    name: details.name,
    next_invoice_sequence: 1,
    phone: null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  } satisfies Stripe.Customer;
  core.state.customers.set(customer.id, customer);
  core.emit('customer.created', customer, { request });
  return customer;
}
