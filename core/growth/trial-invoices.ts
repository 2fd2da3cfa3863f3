import { and, eq, inArray, isNull, lte } from 'drizzle-orm';
import { notifyMember } from '../access/notify-member.ts';
import { checkoutReply, openOrder } from '../commerce/buy-product.ts';
import { products, trials } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { t } from '../i18n/index.ts';

/** The invoice that continues a granted trial goes out this long before its free days end. */
export const TRIAL_INVOICE_BEFORE_MS = 86_400_000;
const BATCH = 200;

type Deps = Pick<CoreDeps, 'db' | 'access'>;

/**
 * Stars and the sandbox have no trials of their own: a day before a granted trial ends the member
 * gets the invoice for the subscription in a private message, once (the claim on `invoiced_at`
 * comes first, so two lifecycle runs never send it twice). Paying it converts the trial; not
 * paying lets the free days end. Returns how many members were reached.
 */
export async function invoiceEndingTrials(deps: Deps, now: Date): Promise<number> {
  const due = await deps.db
    .select({ trial: trials, product: products })
    .from(trials)
    .innerJoin(products, eq(products.id, trials.productId))
    .where(and(eq(trials.status, 'active'), inArray(trials.provider, ['telegram_stars', 'sandbox']), isNull(trials.invoicedAt), lte(trials.endsAt, new Date(now.getTime() + TRIAL_INVOICE_BEFORE_MS))))
    .limit(BATCH);
  let reached = 0;
  for (const { trial, product } of due) {
    const [claimed] = await deps.db.update(trials).set({ invoicedAt: now }).where(and(eq(trials.id, trial.id), isNull(trials.invoicedAt))).returning({ id: trials.id });
    const choice = trial.provider === 'telegram_stars' ? 'stars' : 'sandbox';
    // An archived product, or one no longer priced in Stars, is not sold again: the trial just ends.
    if (!claimed || !product.active || (choice === 'stars' && !product.starsPrice)) continue;
    const order = await deps.db.transaction((tx) => openOrder(tx, trial, product, choice, now));
    await deps.db.update(trials).set({ orderId: order.id }).where(eq(trials.id, trial.id));
    const date = trial.endsAt!.toISOString().slice(0, 10);
    const sent = await notifyMember(deps, trial.memberId, (locale) => {
      const checkout = checkoutReply({ locale }, product, order, choice, { trialDays: 0 });
      return { ...checkout, title: t(locale, 'trial.invoiceTitle', { product: product.name }), body: `${t(locale, 'trial.invoiceBody', { date })}\n${checkout.body ?? ''}` };
    });
    if (sent) reached += 1;
  }
  return reached;
}
