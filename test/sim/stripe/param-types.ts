/**
 * The request parameter types the simulator validates, named by operation. `generate-schemas.ts`
 * turns each alias into a JSON Schema (schemas.json) straight from the stripe package's .d.ts, so
 * the sim rejects exactly what the pinned API version would not accept. Add an alias here (and a
 * route) to serve a new endpoint, then run the generator.
 */
import type Stripe from 'stripe';

export type CreateCheckoutSession = Stripe.Checkout.SessionCreateParams;
export type RetrieveCheckoutSession = Stripe.Checkout.SessionRetrieveParams;
export type ListCheckoutSessionLineItems = Stripe.Checkout.SessionListLineItemsParams;
export type ExpireCheckoutSession = Stripe.Checkout.SessionExpireParams;
export type RetrieveSubscription = Stripe.SubscriptionRetrieveParams;
export type UpdateSubscription = Stripe.SubscriptionUpdateParams;
export type CancelSubscription = Stripe.SubscriptionCancelParams;
export type RetrieveInvoice = Stripe.InvoiceRetrieveParams;
export type ListInvoices = Stripe.InvoiceListParams;
export type RetrievePaymentIntent = Stripe.PaymentIntentRetrieveParams;
export type RetrieveCharge = Stripe.ChargeRetrieveParams;
export type CreateRefund = Stripe.RefundCreateParams;
export type RetrieveDispute = Stripe.DisputeRetrieveParams;
export type ListDisputes = Stripe.DisputeListParams;
export type RetrieveRefund = Stripe.RefundRetrieveParams;
export type ListRefunds = Stripe.RefundListParams;
export type ListEvents = Stripe.EventListParams;
export type RetrieveEvent = Stripe.EventRetrieveParams;
export type CreateBillingPortalSession = Stripe.BillingPortal.SessionCreateParams;
export type CreateCoupon = Stripe.CouponCreateParams;
export type RetrieveCoupon = Stripe.CouponRetrieveParams;
export type DeleteCoupon = Stripe.CouponDeleteParams;

/** Every alias above, in the order schemas.json lists them. */
export const operationNames = [
  'CreateCheckoutSession',
  'RetrieveCheckoutSession',
  'ListCheckoutSessionLineItems',
  'ExpireCheckoutSession',
  'RetrieveSubscription',
  'UpdateSubscription',
  'CancelSubscription',
  'RetrieveInvoice',
  'ListInvoices',
  'RetrievePaymentIntent',
  'RetrieveCharge',
  'CreateRefund',
  'RetrieveDispute',
  'ListDisputes',
  'RetrieveRefund',
  'ListRefunds',
  'ListEvents',
  'RetrieveEvent',
  'CreateBillingPortalSession',
  'CreateCoupon',
  'RetrieveCoupon',
  'DeleteCoupon',
] as const;

export type OperationName = (typeof operationNames)[number];
