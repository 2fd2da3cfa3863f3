/**
 * The pages a browser would see: GET /checkout/:id shows the session with Pay / Cancel buttons
 * (Pay runs the scripted customer and redirects to `success_url`, Cancel to `cancel_url` leaving
 * the session open, as Stripe does). Enough for the demo script and manual poking.
 */
import type http from 'node:http';
import type Stripe from 'stripe';
import type { SimCore } from './state.ts';

export interface HostedPageDeps {
  core: SimCore;
  pay(sessionId: string): void;
}

/** Answers a non-API request; returns false when the path is not a hosted page. */
export function handleHostedPage(deps: HostedPageDeps, req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const url = new URL(req.url ?? '/', 'http://sim');
  const match = /^\/checkout\/([^/]+)(?:\/(pay|cancel))?$/.exec(url.pathname);
  if (!match) return false;
  const session = deps.core.state.sessions.get(decodeURIComponent(match[1] ?? ''));
  if (!session) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Checkout session not found');
    return true;
  }
  const action = match[2];
  if (req.method === 'POST' && action === 'pay' && session.status === 'open') {
    deps.pay(session.id);
    return redirect(res, (session.success_url ?? '/').replaceAll('{CHECKOUT_SESSION_ID}', session.id));
  }
  if (req.method === 'POST' && action === 'cancel') return redirect(res, session.cancel_url ?? '/');
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderCheckout(deps.core, session));
  return true;
}

function redirect(res: http.ServerResponse, location: string) {
  res.writeHead(303, { location }).end();
  return true;
}

function renderCheckout(core: SimCore, session: Stripe.Checkout.Session) {
  const items = (core.state.sessionLineItems.get(session.id) ?? [])
    .map((item) => `<li>${escapeHtml(item.description ?? '')} × ${item.quantity ?? 1}: ${formatAmount(item.amount_total, item.currency)}</li>`)
    .join('');
  const open = session.status === 'open';
  return `<!doctype html><title>Stripe simulator checkout</title>
<h1>Checkout (${escapeHtml(session.mode)})</h1><ul>${items}</ul>
<p>Total: ${formatAmount(session.amount_total ?? 0, session.currency ?? 'usd')} — status ${escapeHtml(String(session.status))}</p>
${open ? `<form method="post" action="/checkout/${session.id}/pay"><button>Pay</button></form>
<form method="post" action="/checkout/${session.id}/cancel"><button>Cancel</button></form>` : ''}`;
}

function formatAmount(amount: number, currency: string) {
  return `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
