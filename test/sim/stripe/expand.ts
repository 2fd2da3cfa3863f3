/**
 * `expand[]` on responses: an id field becomes the object it names (`subscription`,
 * `payment_intent.latest_charge`, `data.customer` on lists), so does each id of an array (a
 * subscription's `discounts`; `discounts.coupon` reaches into each element), and the includable
 * lists that are absent by default appear (`line_items` on a Checkout Session, `payments` on an
 * Invoice). Paths nest up to 4 levels, as on Stripe.
 */
import { invalidRequest } from './errors.ts';
import { paginate } from './lists.ts';
import { type SimCore, findObject, snapshot } from './state.ts';

type Json = Record<string, unknown>;

/** Returns a copy of `body` with every path in `expand` applied, or throws Stripe's error. */
export function applyExpand(core: SimCore, body: unknown, expand: unknown): unknown {
  if (!Array.isArray(expand) || expand.length === 0) return body;
  const copy = snapshot(body);
  expand.forEach((path, index) => {
    const segments = String(path).split('.');
    if (segments.length > 4) {
      throw invalidRequest('You cannot expand more than 4 levels of a property.', { param: `expand[${index}]` });
    }
    expandPath(core, copy as Json, segments, String(path), index);
  });
  return copy;
}

function expandPath(core: SimCore, node: Json, segments: string[], full: string, index: number): void {
  const [field, ...rest] = segments;
  if (!field || !node || typeof node !== 'object') return;
  if (node.object === 'list' && Array.isArray(node.data)) {
    if (field !== 'data') {
      throw invalidRequest(`This property cannot be expanded (${field}). You may want to try expanding 'data.${field}' instead.`, {
        param: `expand[${index}]`,
      });
    }
    for (const item of node.data as Json[]) expandPath(core, item, rest, full, index);
    return;
  }
  const included = includable(core, node, field);
  if (included !== undefined) node[field] = included;
  const value = node[field];
  if (Array.isArray(value)) {
    node[field] = value.map((element: unknown) => {
      const item = typeof element === 'string' ? expandId(core, element, full, index) : element;
      if (rest.length > 0 && item && typeof item === 'object') expandPath(core, item as Json, rest, full, index);
      return item;
    });
    return;
  }
  if (typeof value === 'string') {
    node[field] = expandId(core, value, full, index);
  } else if (value === undefined) {
    throw invalidRequest(`This property cannot be expanded (${full}).`, { param: `expand[${index}]` });
  }
  const next = node[field];
  if (rest.length > 0 && next && typeof next === 'object') expandPath(core, next as Json, rest, full, index);
}

function expandId(core: SimCore, id: string, full: string, index: number): unknown {
  const found = findObject(core.state, id);
  if (!found) throw invalidRequest(`This property cannot be expanded (${full}).`, { param: `expand[${index}]` });
  return snapshot(found);
}

function includable(core: SimCore, node: Json, field: string): unknown {
  const id = String(node.id);
  if (node.object === 'checkout.session' && field === 'line_items' && node.line_items === undefined) {
    return paginate(core.state.sessionLineItems.get(id) ?? [], {}, `/v1/checkout/sessions/${id}/line_items`, 'line item');
  }
  if (node.object === 'invoice' && field === 'payments' && node.payments === undefined) {
    const payments = core.state.invoicePayments.get(id) ?? [];
    return { object: 'list', data: snapshot(payments), has_more: false, url: `/v1/invoices/${id}/payments` };
  }
  return undefined;
}
