/**
 * When a dripped lesson is released to a member: `offsetDays` calendar days after the day their
 * access started, at `hour`:00 in the community's time zone (IANA), as a UTC instant. Calendar days
 * in that zone, not 24-hour steps, so a daylight-saving change never moves the release off the
 * morning; an hour that does not exist that day (the spring-forward gap) is released at the first
 * instant after it. Offset 0 is released at once.
 */
export function releaseAt(startedAt: Date, offsetDays: number, timeZone: string, hour: number): Date {
  if (offsetDays <= 0) return startedAt;
  const start = zonedParts(startedAt, timeZone);
  // The local calendar date offsetDays later (Date.UTC normalises month and year overflow).
  const day = new Date(Date.UTC(start.year, start.month - 1, start.day + offsetDays));
  return zonedTimeToUtc({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour }, timeZone);
}

/** Whether the time zone is one the runtime knows (IANA names such as Asia/Shanghai). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

type Parts = { year: number; month: number; day: number; hour: number; minute: number };

function zonedParts(instant: Date, timeZone: string): Parts {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(instant);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { year: value('year'), month: value('month'), day: value('day'), hour: value('hour'), minute: value('minute') };
}

/**
 * The UTC instant of a wall-clock time in a zone: try the zone's offset from half a day before
 * and half a day after (one of them holds unless the time falls in a transition); an ambiguous
 * time (the repeated hour in autumn) takes its first occurrence, a skipped one (spring) the
 * instant the clocks jumped to.
 */
export function zonedTimeToUtc(local: { year: number; month: number; day: number; hour: number; minute?: number }, timeZone: string): Date {
  const wanted = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute ?? 0);
  const offsetAt = (instant: number) => {
    const seen = zonedParts(new Date(instant), timeZone);
    return Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute) - instant;
  };
  const before = wanted - offsetAt(wanted - 12 * 3_600_000);
  const after = wanted - offsetAt(wanted + 12 * 3_600_000);
  const matches = [before, after].filter((candidate) => candidate + offsetAt(candidate) === wanted).sort((a, b) => a - b);
  return new Date(matches[0] ?? before);
}
