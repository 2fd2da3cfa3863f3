import type { Queryable } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';
import type { Platform } from '../members/actor.ts';

/** Records a privileged act; call it inside the transaction that performs the act. */
export async function recordAudit(
  db: Queryable,
  entry: {
    communityId: string;
    actorMemberId?: string | undefined;
    /** Where the actor acted from; left out for acts of the system. */
    platform?: Platform | undefined;
    action: string;
    targetKind?: string;
    targetId?: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await db.insert(auditLog).values({ ...entry, actorKind: entry.actorMemberId ? 'member' : 'system' });
}
