import type { Queryable } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';

/** Records a privileged act; call it inside the transaction that performs the act. */
export async function recordAudit(
  db: Queryable,
  entry: {
    communityId: string;
    actorMemberId?: string | undefined;
    action: string;
    targetKind?: string;
    targetId?: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await db.insert(auditLog).values({ ...entry, actorKind: entry.actorMemberId ? 'member' : 'system' });
}
