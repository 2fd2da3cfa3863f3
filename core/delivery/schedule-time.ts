import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { type CommunitySettings, communities } from '../db/schema/index.ts';
import { type Locale, toLocale } from '../i18n/index.ts';
import { zonedTimeToUtc } from './release-time.ts';

const RELATIVE = /^in\s+(\d{1,4})\s*(m|min|minutes?|h|hours?|d|days?)$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Nothing is scheduled further ahead than this. */
export const MAX_AHEAD_DAYS = 90;

export type When = { at: Date } | { error: 'format' | 'past' | 'too_far' };

/**
 * A time a creator typed: `in 30m`, `in 2h`, `in 1d`, or a wall-clock `2026-12-24 18:00` in the
 * community's time zone (a bare date: its last minute; an ISO instant with its own offset is taken
 * as it is). A time already past, or more than `maxAheadDays` away, is refused.
 */
export function parseWhen(text: string, timeZone: string, now: Date, maxAheadDays = MAX_AHEAD_DAYS): When {
  const typed = /^\d{4}-\d{2}-\d{2}$/.test(text.trim()) ? `${text.trim()} 23:59` : text.trim();
  let at: Date | undefined;
  const relative = RELATIVE.exec(typed);
  const local = LOCAL.exec(typed);
  if (relative) at = new Date(now.getTime() + Number(relative[1]) * UNIT_MS[relative[2]![0]!.toLowerCase()]!);
  else if (local) {
    const [year, month, day, hour, minute] = local.slice(1).map(Number) as [number, number, number, number, number];
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return { error: 'format' };
    at = zonedTimeToUtc({ year, month, day, hour, minute }, timeZone);
  } else if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(typed)) at = new Date(typed);
  if (!at || Number.isNaN(at.getTime())) return { error: 'format' };
  if (at.getTime() <= now.getTime()) return { error: 'past' };
  if (at.getTime() - now.getTime() > maxAheadDays * 86_400_000) return { error: 'too_far' };
  return { at };
}

/** Where a community lives in time: its IANA zone, its own language, its settings. */
export type CommunityTime = { timeZone: string; locale: Locale; settings: CommunitySettings };

export async function communityTime(db: Queryable, communityId: string): Promise<CommunityTime> {
  const [community] = await db
    .select({ timeZone: communities.timezone, locale: communities.defaultLocale, settings: communities.settings })
    .from(communities)
    .where(eq(communities.id, communityId));
  return { timeZone: community?.timeZone ?? 'UTC', locale: toLocale(community?.locale) ?? 'en', settings: community?.settings ?? {} };
}

/** A date and time as a reader in `locale` writes it, on the clock of `timeZone`. */
export function formatInZone(at: Date, timeZone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(at);
}
