import { eq, sql } from 'drizzle-orm';
import { sandboxPaidEvent } from '../../core/commerce/pay-sandbox.ts';
import { recordPaymentEvent } from '../../core/commerce/payment-events.ts';
import type { Database } from '../../core/db/client.ts';
import { members, orders, paymentEvents, products } from '../../core/db/schema/index.ts';
import type { JobQueue } from '../../core/ports.ts';

/**
 * `count` unpaid sandbox orders of the seeded demo's bootcamp, each by a new member, for tests of
 * payments across worker processes. `deliver` records an order's paid event as the sandbox
 * provider's webhook would (deliver twice for a duplicate); `processed` counts applied events.
 */
export async function sandboxOrders({ db, queue }: { db: Database; queue: JobQueue }, count: number) {
  const [bootcamp] = await db.select().from(products).where(eq(products.slug, 'python-bootcamp'));
  const { communityId, id: productId } = bootcamp!;
  const orderIds: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const [member] = await db.insert(members).values({ displayName: `Buyer ${index}` }).returning();
    const [order] = await db.insert(orders).values({ communityId, memberId: member!.id, productId, provider: 'sandbox', amount: 9900, currency: 'USD' }).returning();
    orderIds.push(order!.id);
  }
  return {
    orderIds,
    deliver: (orderId: string) => recordPaymentEvent({ db, queue }, sandboxPaidEvent({ id: orderId, amount: 9900, currency: 'USD', communityId }, new Date())),
    processed: async () => (await db.select({ count: sql<number>`count(*)::int` }).from(paymentEvents).where(sql`${paymentEvents.processedAt} is not null`))[0]?.count ?? 0,
  };
}
