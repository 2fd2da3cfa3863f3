import type { Queryable } from '../db/client.ts';
import { behaviourEvents, type behaviourKind } from '../db/schema/index.ts';

export type BehaviourKind = (typeof behaviourKind.enumValues)[number];

/** Appends one behaviour event; the source of /stats, popularity and recommendations. */
export async function recordEvent(
  db: Queryable,
  event: {
    communityId: string;
    memberId?: string | undefined;
    kind: BehaviourKind;
    courseId?: string | undefined;
    lessonId?: string | undefined;
    metadata?: Record<string, unknown>;
    occurredAt?: Date;
  },
): Promise<void> {
  await db.insert(behaviourEvents).values(event);
}
