import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { communities } from '../db/schema/index.ts';

/** At most `points` uses in a window of `seconds` (the window starts at the first use). */
export type Limit = { points: number; seconds: number };

/**
 * A use over the limit is refused. The first refusal in a window is `told` (the one "slow down"
 * reply); the rest of the window is silence, so hammering a button costs no platform calls.
 */
export type Verdict = { allowed: true } | { allowed: false; told: boolean; retryInMs: number };

/** Counts uses in one place (Redis) for every process; see bots/rate-limiter.ts. */
export interface RateLimiter {
  take(key: string, limit: Limit): Promise<Verdict>;
}

/**
 * The limits and what each one counts:
 * - `commands`: a member's uses of one command (and messages to the assistant);
 * - `buttons`: a member's presses of one kind of button;
 * - `creator`: commands by the community's owners, creators and staff together;
 * - `announce`: announcements and live sessions the community sends;
 * - `joins`: join requests a Telegram chat declines (approvals of paying members never wait);
 * - `start`: /start and deep links by one platform user, before they belong to a community.
 */
export const DEFAULT_LIMITS = {
  commands: { points: 8, seconds: 20 },
  buttons: { points: 12, seconds: 10 },
  creator: { points: 120, seconds: 60 },
  announce: { points: 20, seconds: 3600 },
  joins: { points: 60, seconds: 60 },
  start: { points: 6, seconds: 60 },
} as const satisfies Record<string, Limit>;

export type LimitName = keyof typeof DEFAULT_LIMITS;
/** What a community may set for itself (`start` is counted before anyone knows the community). */
export const COMMUNITY_LIMITS = ['commands', 'buttons', 'creator', 'announce', 'joins'] as const satisfies readonly LimitName[];
export type CommunityLimitName = (typeof COMMUNITY_LIMITS)[number];
export type CommunityLimits = Partial<Record<CommunityLimitName, Limit>>;

export const limitSchema = z.object({ points: z.number().int().min(1).max(10_000), seconds: z.number().int().min(1).max(86_400) });

const SETTINGS_TTL_MS = 30_000;
const cached = new Map<string, { limits: CommunityLimits; until: number }>();

/**
 * The community's own limits over the defaults. Read at most every 30 s per process: a change
 * in /settings takes effect within that, and a flood of presses costs no database reads.
 */
export async function limitsOf(db: Queryable, communityId: string, now = Date.now()): Promise<Record<CommunityLimitName, Limit>> {
  let entry = cached.get(communityId);
  if (!entry || entry.until <= now) {
    const [row] = await db.select({ settings: communities.settings }).from(communities).where(eq(communities.id, communityId));
    entry = { limits: row?.settings.rateLimits ?? {}, until: now + SETTINGS_TTL_MS };
    cached.set(communityId, entry);
  }
  return { ...DEFAULT_LIMITS, ...entry.limits };
}

/** Drops this process's copy after /settings changed the limits, so the one who set them sees them at once. */
export const forgetLimits = (communityId: string) => cached.delete(communityId);

/** Takes one use; without a limiter (tests of other things, scripts) nothing is limited. */
export async function take(limiter: RateLimiter | undefined, key: string, limit: Limit): Promise<Verdict> {
  return limiter ? limiter.take(key, limit) : { allowed: true };
}
