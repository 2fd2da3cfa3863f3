/**
 * Events: created once per state change with `data.object` frozen at that moment, listed by
 * GET /v1/events (newest first, 30-day window not enforced) whatever happened to their delivery.
 */
import type Stripe from 'stripe';
import { invalidRequest, noSuchObject } from './errors.ts';
import { newId } from './ids.ts';
import { type RangeParam, inRange, paginate } from './lists.ts';
import { type RequestInfo, type SimCore, noRequest, snapshot } from './state.ts';

export const apiVersion = '2026-10-28.endive';

export interface EventInput {
  type: Stripe.Event['type'];
  object: unknown;
  previous?: Record<string, unknown>;
  request?: RequestInfo;
  created: number;
  pendingWebhooks: number;
}

/** Builds the Event; the caller stores it and hands it to webhook delivery. */
export function buildEvent(input: EventInput): Stripe.Event {
  const data: Stripe.Event.Data = { object: snapshot(input.object) as Stripe.Event.Data.Object };
  if (input.previous) data.previous_attributes = snapshot(input.previous) as Stripe.Event.Data.PreviousAttributes;
  const event = {
    id: newId('evt'),
    object: 'event',
    api_version: apiVersion,
    created: input.created,
    data,
    livemode: false,
    pending_webhooks: input.pendingWebhooks,
    request: { ...(input.request ?? noRequest) },
    type: input.type,
  } satisfies Stripe.EventBase;
  // The type/object pairing is checked by SimCore.emit's signature.
  return event as Stripe.Event;
}

export function retrieveEvent(core: SimCore, id: string): Stripe.Event {
  const event = core.state.events.find((e) => e.id === id);
  if (!event) throw noSuchObject('event', id);
  return event;
}

/** GET /v1/events with Stripe's filters: type (with `*` wildcards), types[], created, delivery_success. */
export function listEvents(core: SimCore, params: Stripe.EventListParams) {
  if (params.type !== undefined && params.types !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: type, types.', { param: 'types' });
  }
  if (params.types && params.types.length > 20) {
    throw invalidRequest('You can only pass up to 20 types.', { param: 'types' });
  }
  const patterns = params.type !== undefined ? [params.type] : params.types;
  const matchers = patterns?.map(typeMatcher);
  const created = params.created as RangeParam | undefined;
  const newestFirst = [...core.state.events].reverse().filter((event) => {
    if (matchers && !matchers.some((match) => match(event.type))) return false;
    if (created !== undefined && !inRange(event.created, created)) return false;
    if (params.delivery_success !== undefined && (event.pending_webhooks === 0) !== params.delivery_success) return false;
    return true;
  });
  return paginate(newestFirst, params, '/v1/events', 'event');
}

function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes('*')) return (type) => type === pattern;
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('[^]*')}$`);
  return (type) => regex.test(type);
}

function escapeRegex(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
