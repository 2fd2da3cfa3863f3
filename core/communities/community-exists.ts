import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { communities } from '../db/schema/index.ts';

export async function communityExists(db: Queryable, communityId: string): Promise<boolean> {
  const [row] = await db.select({ id: communities.id }).from(communities).where(eq(communities.id, communityId));
  return Boolean(row);
}
