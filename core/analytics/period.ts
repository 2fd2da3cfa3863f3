import { zonedTimeToUtc } from '../delivery/release-time.ts';

/**
 * A reporting period in a community's own days: `fromDay`..`toDay` inclusive (YYYY-MM-DD), and
 * the instants that bound it (`from` inclusive, `to` exclusive).
 */
export type Period = { fromDay: string; toDay: string; from: Date; to: Date; timeZone: string };

export type PeriodError = 'format' | 'reversed' | 'too_long' | 'future';

const RELATIVE = /^(\d{1,3})\s*(d|w|m)$/i;
const DAYS = /^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$/;
const MONTHS = /^(\d{4}-\d{2})\s*\.\.\s*(\d{4}-\d{2})$/;
/** Reports reach back at most this far (the cohort table is a few years wide at most). */
const MAX_DAYS = 3 * 366;

/** The community's calendar day that `at` falls on. */
export function dayIn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function startOfDay(day: string, timeZone: string): Date {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return zonedTimeToUtc({ year, month, day: date, hour: 0 }, timeZone);
}

export function addDays(day: string, days: number): string {
  const at = new Date(`${day}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

const lastDayOfMonth = (month: string) => addDays(`${addMonths(month, 1)}-01`, -1);
export function addMonths(month: string, months: number): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

const validDay = (day: string) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;

/**
 * What a creator typed as a period: `7d`, `30d`, `12w`, `6m` (ending today), `2026-01-01..2026-03-31`,
 * or `2026-01..2026-03` (whole months). Undefined text is the last 30 days. A period that ends
 * before it starts, lies wholly in the future or spans more than three years is refused.
 */
export function parsePeriod(text: string | undefined, timeZone: string, now: Date): { period: Period } | { error: PeriodError } {
  const today = dayIn(now, timeZone);
  const typed = (text ?? '30d').trim();
  let fromDay: string;
  let toDay = today;
  const relative = RELATIVE.exec(typed);
  const days = DAYS.exec(typed);
  const months = MONTHS.exec(typed);
  if (relative) {
    const n = Number(relative[1]);
    const unit = relative[2]!.toLowerCase();
    if (n < 1) return { error: 'format' };
    fromDay = unit === 'm' ? addDays(`${addMonths(today.slice(0, 7), -n)}${today.slice(7)}`, 1) : addDays(today, -(unit === 'w' ? 7 * n : n) + 1);
  } else if (days) {
    [fromDay, toDay] = [days[1]!, days[2]!];
    if (!validDay(fromDay) || !validDay(toDay)) return { error: 'format' };
  } else if (months) {
    if (!validDay(`${months[1]}-01`) || !validDay(`${months[2]}-01`)) return { error: 'format' };
    [fromDay, toDay] = [`${months[1]}-01`, lastDayOfMonth(months[2]!)];
  } else return { error: 'format' };
  if (toDay < fromDay) return { error: 'reversed' };
  if (fromDay > today) return { error: 'future' };
  if (toDay > today) toDay = today;
  if ((Date.parse(toDay) - Date.parse(fromDay)) / 86_400_000 + 1 > MAX_DAYS) return { error: 'too_long' };
  return { period: { fromDay, toDay, from: startOfDay(fromDay, timeZone), to: startOfDay(addDays(toDay, 1), timeZone), timeZone } };
}

/** The months a period touches, as YYYY-MM, oldest first. */
export function monthsOf(period: Pick<Period, 'fromDay' | 'toDay'>): string[] {
  const months: string[] = [];
  for (let month = period.fromDay.slice(0, 7); month <= period.toDay.slice(0, 7); month = addMonths(month, 1)) months.push(month);
  return months;
}
