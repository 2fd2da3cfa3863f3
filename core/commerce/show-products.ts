import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { formatMoney } from '../format.ts';
import { type Locale, t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { type ReplyButton, type Reply, replyLimits, truncate } from '../reply.ts';
import { ok, type Result } from '../result.ts';
import { listProducts, ownedProductIds, type Product } from './products.ts';

const SHOWN = 10;

/**
 * The products on sale, with a Buy button for each one the member does not own yet. Creators
 * (`/product list`) also see archived products, marked as such, without buttons.
 */
export async function showProducts(
  deps: Pick<CoreDeps, 'db'>,
  actor: Actor,
  options: { manage?: boolean },
): Promise<Result<Reply, DomainError>> {
  const manage = options.manage === true && can(actor.role, 'commerce.manage');
  const rows = (await listProducts(deps.db, { communityId: actor.communityId, includeArchived: manage })).slice(0, SHOWN);
  const owned = await ownedProductIds(deps.db, { communityId: actor.communityId, memberId: actor.memberId, productIds: rows.map((row) => row.id) });
  const { locale } = actor;
  if (!rows.length) return ok({ title: t(locale, 'products.title'), body: t(locale, 'products.empty'), ephemeral: true });
  const buttons: ReplyButton[] = rows
    .filter((row) => row.active && !owned.has(row.id))
    .map((row) => ({ label: truncate(t(locale, 'products.buy', { product: row.name }), replyLimits.buttonLabel), action: { type: 'product.buy', productId: row.id } }));
  return ok({
    title: t(locale, 'products.title'),
    fields: rows.map((row) => ({
      name: truncate(`${row.name}${row.active ? '' : ` (${t(locale, 'products.archived')})`}${owned.has(row.id) ? ' ✓' : ''}`, replyLimits.fieldName),
      value: truncate([priceLine(locale, row), row.description, manage ? `slug: ${row.slug} · ${t(locale, 'products.endAction', { action: row.endAction })}` : ''].filter(Boolean).join('\n'), replyLimits.fieldValue),
    })),
    actions: chunk(buttons, replyLimits.buttonsPerRow).slice(0, replyLimits.rows).map((row) => ({ buttons: row })),
    ephemeral: true,
  });
}

/** "$49.00 per month · ⭐ 250 · 7-day trial" in the actor's language. */
export function priceLine(locale: Locale, product: Pick<Product, 'priceAmount' | 'currency' | 'starsPrice' | 'interval' | 'trialDays'>): string {
  const prices = [formatMoney(locale, product.priceAmount, product.currency)];
  if (product.starsPrice) prices.push(formatMoney(locale, product.starsPrice, 'XTR'));
  const price = prices.join(' / ');
  const parts = [product.interval ? t(locale, 'price.subscription', { price, interval: t(locale, `interval.${product.interval}`) }) : price];
  if (product.trialDays > 0) parts.push(t(locale, 'products.trial', { days: product.trialDays }));
  return parts.join(' · ');
}

function chunk<T>(items: T[], size: number): T[][] {
  const rows: T[][] = [];
  for (let index = 0; index < items.length; index += size) rows.push(items.slice(index, index + size));
  return rows;
}
