import { and, asc, eq, ilike, inArray, ne, or, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { entitlements, products } from '../db/schema/index.ts';
import { ACCESS_STATUSES } from './project-access.ts';

export type Product = typeof products.$inferSelect;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A product of the community by id, slug or (case-insensitive) name. Archived products are
 * found only with `includeArchived` (creators editing them), never for buying.
 */
export async function findProduct(
  db: Queryable,
  params: { communityId: string; ref: string; includeArchived?: boolean },
): Promise<Product | undefined> {
  const ref = params.ref.trim();
  const match = UUID.test(ref)
    ? eq(products.id, ref)
    : or(eq(products.slug, ref.toLowerCase()), ilike(products.name, ref.replace(/[%_\\]/g, '\\$&')));
  const [row] = await db
    .select()
    .from(products)
    .where(and(eq(products.communityId, params.communityId), match, params.includeArchived ? undefined : eq(products.active, true)))
    .orderBy(asc(products.createdAt))
    .limit(1);
  return row;
}

/** The community's products, active first, cheapest first. */
export async function listProducts(db: Queryable, params: { communityId: string; includeArchived: boolean }) {
  return db
    .select()
    .from(products)
    .where(and(eq(products.communityId, params.communityId), params.includeArchived ? undefined : eq(products.active, true)))
    .orderBy(sql`${products.active} desc`, asc(products.priceAmount), asc(products.name));
}

/**
 * Which of these products the member holds an active or grace entitlement to; `paidOnly`
 * leaves out free trial days (a member in a trial may pay before it ends).
 */
export async function ownedProductIds(
  db: Queryable,
  params: { communityId: string; memberId: string; productIds: string[]; paidOnly?: boolean },
): Promise<Set<string>> {
  if (!params.productIds.length) return new Set();
  const rows = await db
    .selectDistinct({ productId: entitlements.productId })
    .from(entitlements)
    .where(
      and(
        eq(entitlements.communityId, params.communityId),
        eq(entitlements.memberId, params.memberId),
        inArray(entitlements.productId, params.productIds),
        inArray(entitlements.status, [...ACCESS_STATUSES]),
        params.paidOnly ? ne(entitlements.source, 'trial') : undefined,
      ),
    );
  return new Set(rows.map((row) => row.productId));
}
