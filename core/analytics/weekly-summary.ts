import { and, eq, inArray } from 'drizzle-orm';
import type { CoreDeps } from '../deps.ts';
import { communities, deliveries, memberships, platformIdentities } from '../db/schema/index.ts';
import { wantsMessage } from '../delivery/preferences.ts';
import { zonedTimeToUtc } from '../delivery/release-time.ts';
import { type Locale, t, toLocale } from '../i18n/index.ts';
import type { Platform } from '../members/actor.ts';
import { replyLimits, type Reply, type ReplyFile, truncate } from '../reply.ts';
import type { Report } from './report.ts';
import { addDays, dayIn, type Period, startOfDay } from './period.ts';
import { weeklySummary } from './summary-report.ts';

/** Monday at 09:00 in the community's zone the summary of the week just ended goes out. */
export const SUMMARY_HOUR = 9;
/** Workers that were down at 09:00 still send it within this long; later, that week's summary is skipped. */
const SEND_WINDOW_MS = 24 * 3_600_000;
/** The second message (the drop-off) follows the first by this much, so it arrives second. */
const SECOND_MESSAGE_DELAY_MS = 3_000;
const MAX_CHART_BYTES = 5 * 1024 * 1024;
/** Telegram first, then the console (npm start), then Discord: as announcements choose. */
const PLATFORM_ORDER: Platform[] = ['telegram', 'console', 'discord'];

type Deps = Pick<CoreDeps, 'db' | 'analyticsDb' | 'clock' | 'queue' | 'files' | 'charts' | 'log'>;

/**
 * The week a community's weekly message is due for at `now`: from Monday `hour` (the summary's
 * by default) local time for SEND_WINDOW_MS, the Monday-to-Sunday week before it; otherwise none.
 */
export function dueWeek(now: Date, timeZone: string, hour = SUMMARY_HOUR): Period | undefined {
  const today = dayIn(now, timeZone);
  const monday = addDays(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
  const [year, month, day] = monday.split('-').map(Number) as [number, number, number];
  const sendAt = zonedTimeToUtc({ year, month, day, hour }, timeZone);
  if (now < sendAt || now.getTime() - sendAt.getTime() >= SEND_WINDOW_MS) return undefined;
  const fromDay = addDays(monday, -7);
  return { fromDay, toDay: addDays(monday, -1), from: startOfDay(fromDay, timeZone), to: startOfDay(monday, timeZone), timeZone };
}

/**
 * The hourly job: for every community whose summary is due, each owner who has not turned
 * summaries off gets two private messages through the delivery ledger (the week with its revenue
 * chart; the largest drop-off with its lesson chart), once per week whatever the number of runs.
 */
export async function planWeeklySummaries(deps: Deps): Promise<{ planned: number }> {
  const now = deps.clock.now();
  const all = await deps.db.select({ id: communities.id, name: communities.name, timeZone: communities.timezone, locale: communities.defaultLocale }).from(communities);
  let planned = 0;
  for (const community of all) {
    const week = dueWeek(now, community.timeZone);
    if (!week) continue;
    const owners = await deps.db
      .select({ memberId: memberships.memberId, platform: platformIdentities.platform, userId: platformIdentities.platformUserId, locale: platformIdentities.locale })
      .from(memberships)
      .innerJoin(platformIdentities, eq(platformIdentities.memberId, memberships.memberId))
      .where(and(eq(memberships.communityId, community.id), eq(memberships.role, 'owner'), eq(memberships.status, 'active')));
    const recipients = new Map<string, (typeof owners)[number]>();
    for (const owner of owners.sort((a, b) => PLATFORM_ORDER.indexOf(a.platform) - PLATFORM_ORDER.indexOf(b.platform))) if (!recipients.has(owner.memberId)) recipients.set(owner.memberId, owner);
    const messages = new Map<Locale, Reply[]>();
    for (const owner of recipients.values()) {
      const key = `summary-${week.fromDay}-${owner.memberId}`;
      const [already] = await deps.db.select({ id: deliveries.id }).from(deliveries).where(and(eq(deliveries.communityId, community.id), inArray(deliveries.dedupeKey, [`${key}-1`, `${key}-skipped`])));
      if (already) continue;
      if (!(await wantsMessage(deps.db, { communityId: community.id, memberId: owner.memberId, kind: 'summary', platform: owner.platform }))) {
        // Remembered, so an opted-out owner costs one lookup per hour, not a report.
        await deps.db.insert(deliveries).values({ communityId: community.id, kind: 'summary', dedupeKey: `${key}-skipped`, memberId: owner.memberId, platform: owner.platform, targetKind: 'dm', targetId: owner.userId, status: 'skipped', lastError: 'turned off by the member', scheduledAt: now }).onConflictDoNothing();
        continue;
      }
      const locale = toLocale(owner.locale) ?? toLocale(community.locale) ?? 'en';
      let replies = messages.get(locale);
      if (!replies) {
        replies = await summaryMessages(deps, { communityId: community.id, communityName: community.name, week, locale, now });
        messages.set(locale, replies);
      }
      const rows = await deps.db
        .insert(deliveries)
        .values(replies.map((payload, index) => ({ communityId: community.id, kind: 'summary' as const, dedupeKey: `${key}-${index + 1}`, memberId: owner.memberId, platform: owner.platform, targetKind: 'dm' as const, targetId: owner.userId, payload, scheduledAt: new Date(now.getTime() + index * SECOND_MESSAGE_DELAY_MS) })))
        .onConflictDoNothing()
        .returning({ id: deliveries.id, dedupeKey: deliveries.dedupeKey });
      for (const row of rows) await deps.queue.enqueue('delivery.send', { deliveryId: row.id }, row.dedupeKey.endsWith('-1') ? {} : { delayMs: SECOND_MESSAGE_DELAY_MS });
      planned += rows.length;
    }
  }
  return { planned };
}

async function summaryMessages(deps: Deps, params: { communityId: string; communityName: string; week: Period; locale: Locale; now: Date }): Promise<Reply[]> {
  const { locale, week } = params;
  const reports = await weeklySummary(deps.analyticsDb ?? deps.db, params);
  const unsubscribe = { buttons: [{ label: t(locale, 'notifications.unsubscribe'), action: { type: 'notifications.off' as const, kind: 'summary' as const } }] };
  const first = await asMessage(deps, reports.week, { name: `week-${week.fromDay}.png`, footer: t(locale, 'summary.footer', { community: params.communityName }) });
  const replies: Reply[] = [{ ...first, actions: [unsubscribe] }];
  if (reports.dropOff) replies.push(await asMessage(deps, reports.dropOff, { name: `drop-off-${week.fromDay}.png`, footer: t(locale, 'summary.dropOffFooter') }));
  return replies;
}

/**
 * A report as a private message: its key numbers, and its chart as the photo they caption (a few
 * short fields: well within Telegram's 1,024 characters of caption).
 */
async function asMessage(deps: Deps, report: Report, options: { name: string; footer: string }): Promise<Reply> {
  const files: ReplyFile[] = [];
  if (report.chart?.rows.length && deps.charts) {
    const stored = await deps.files.put(await deps.charts.png(report.chart), { maxBytes: MAX_CHART_BYTES });
    files.push({ sha256: stored.sha256, name: options.name, kind: 'image', mime: 'image/png', size: stored.size });
  }
  return { title: truncate(report.title, replyLimits.title), fields: report.fields.map((field) => ({ name: truncate(field.name, replyLimits.fieldName), value: truncate(field.value, 200) })), footer: options.footer, files };
}
