import { and, desc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { orders, products } from '../db/schema/index.ts';

/** A member's latest orders in one community, newest first, with the product's name. */
export function recentOrders(db: Queryable, member: { communityId: string; memberId: string }, limit = 5) {
  return db
    .select({ id: orders.id, product: products.name, status: orders.status, amount: orders.amount, currency: orders.currency, provider: orders.provider, createdAt: orders.createdAt })
    .from(orders)
    .innerJoin(products, eq(products.id, orders.productId))
    .where(and(eq(orders.communityId, member.communityId), eq(orders.memberId, member.memberId)))
    .orderBy(desc(orders.createdAt))
    .limit(limit);
}
