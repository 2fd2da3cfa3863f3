import { ACTIVE_KINDS } from '../../core/analytics/rollups.ts';
import type { History } from '../../core/seed/history.ts';
import { plans } from '../../core/seed/history.ts';

/**
 * The metrics recomputed from a generated history's rows in plain TypeScript, straight from the
 * definitions in the README, without the SQL or the rollups: what the analytics queries must equal.
 */
const DAY = 86_400_000;
const PAID = new Set(['paid', 'partially_refunded', 'refunded', 'disputed']);
const MONTHLY = { week: 52 / 12, month: 1, year: 1 / 12 } as const;

export const dayIn = (at: Date, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

export function referenceRevenue(history: History, timeZone: string, fromDay: string, toDay: string) {
  const days = new Map<string, { day: string; currency: string; charges: number; gross: number; refunds: number; net: number }>();
  for (const entry of history.ledger) {
    const day = dayIn(entry.occurredAt, timeZone);
    if (day < fromDay || day > toDay) continue;
    const key = `${day}|${entry.currency}`;
    const row = days.get(key) ?? { day, currency: entry.currency, charges: 0, gross: 0, refunds: 0, net: 0 };
    if (entry.kind === 'charge') {
      row.charges += 1;
      row.gross += entry.amount;
      row.net += entry.amount;
    } else {
      row.refunds += entry.amount;
      row.net -= entry.amount;
    }
    days.set(key, row);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day) || a.currency.localeCompare(b.currency));
}

type Span = { memberId: string; currency: string; monthly: number; paidFrom: number | null; endedAt: number | null };

export function spans(history: History): Span[] {
  const orderOf = new Map(history.orders.map((order) => [order.id, order]));
  const firstPaid = new Map<string, number>();
  for (const entry of history.ledger) {
    if (entry.kind !== 'charge' || entry.amount <= 0) continue;
    const at = entry.occurredAt.getTime();
    firstPaid.set(entry.orderId, Math.min(firstPaid.get(entry.orderId) ?? Infinity, at));
  }
  return history.subscriptions.map((sub) => {
    const order = orderOf.get(sub.orderId)!;
    const plan = plans[sub.plan];
    const forever = order.couponId === history.couponIds.forever;
    const amount = forever ? order.amount : (order.listAmount ?? order.amount);
    let endedAt: number | null = null;
    if (order.status === 'refunded') endedAt = (order.refundedAt ?? sub.canceledAt ?? sub.currentPeriodEnd).getTime();
    else if (sub.status === 'canceled' || sub.status === 'expired') endedAt = (sub.canceledAt ?? sub.currentPeriodEnd).getTime();
    else if (sub.provider !== 'stripe') endedAt = sub.currentPeriodEnd.getTime() + 2 * 3_600_000;
    return { memberId: sub.memberId, currency: order.currency, monthly: amount * MONTHLY[plan.interval!], paidFrom: firstPaid.get(sub.orderId) ?? null, endedAt };
  });
}

const active = (span: Span, at: number) => span.paidFrom !== null && span.paidFrom <= at && (span.endedAt === null || span.endedAt > at);

function memberMrr(all: Span[], at: number): Map<string, number> {
  const mrr = new Map<string, number>();
  for (const span of all) if (active(span, at)) mrr.set(`${span.memberId}|${span.currency}`, (mrr.get(`${span.memberId}|${span.currency}`) ?? 0) + span.monthly);
  return mrr;
}

export function referenceMrr(history: History, at: Date) {
  const byCurrency = new Map<string, { mrr: number; paying: number }>();
  for (const [key, value] of memberMrr(spans(history), at.getTime())) {
    const currency = key.split('|')[1]!;
    const row = byCurrency.get(currency) ?? { mrr: 0, paying: 0 };
    row.mrr += value;
    row.paying += 1;
    byCurrency.set(currency, row);
  }
  return [...byCurrency.entries()]
    .map(([currency, row]) => ({ currency, mrr: Math.round(row.mrr), payingMembers: row.paying, arpu: Math.round(row.mrr / row.paying) }))
    .sort((a, b) => b.mrr - a.mrr);
}

export function referenceMovements(history: History, months: Array<{ month: string; start: Date; end: Date }>) {
  const all = spans(history);
  const result = [];
  for (const { month, start, end } of months) {
    const before = memberMrr(all, start.getTime());
    const after = memberMrr(all, end.getTime());
    const earlier = new Set(all.filter((span) => span.paidFrom !== null && span.paidFrom <= start.getTime()).map((span) => `${span.memberId}|${span.currency}`));
    const totals = new Map<string, { start: number; end: number; new: number; expansion: number; contraction: number; churned: number; reactivation: number }>();
    for (const key of new Set([...before.keys(), ...after.keys()])) {
      const currency = key.split('|')[1]!;
      const row = totals.get(currency) ?? { start: 0, end: 0, new: 0, expansion: 0, contraction: 0, churned: 0, reactivation: 0 };
      const a = before.get(key) ?? 0;
      const b = after.get(key) ?? 0;
      row.start += a;
      row.end += b;
      if (a === 0 && b > 0) earlier.has(key) ? (row.reactivation += b) : (row.new += b);
      else if (a > 0 && b === 0) row.churned += a;
      else if (b > a) row.expansion += b - a;
      else if (b < a) row.contraction += a - b;
      totals.set(currency, row);
    }
    for (const [currency, row] of [...totals.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      result.push({ month, currency, ...Object.fromEntries(Object.entries(row).map(([name, value]) => [name, Math.round(value)])) });
    }
  }
  return result;
}

export function referenceChurn(history: History, at: Date, windowDays = 30) {
  const all = spans(history);
  const payingAt = (time: number) => new Set(all.filter((span) => active(span, time)).map((span) => span.memberId));
  const a = payingAt(at.getTime() - windowDays * DAY);
  const b = payingAt(at.getTime());
  const newIn = [...b].filter((member) => !a.has(member)).length;
  const churned = [...a].filter((member) => !b.has(member)).length;
  return { activeAtStart: a.size, newInWindow: newIn, churned, rate: a.size + newIn ? churned / (a.size + newIn) : null };
}

export function referenceTrialConversion(history: History, at: Date) {
  const ended = history.trials.filter((trial) => trial.endsAt.getTime() > at.getTime() - 30 * DAY && trial.endsAt.getTime() <= at.getTime());
  const converted = ended.filter((trial) => trial.status === 'converted').length;
  return { ended: ended.length, converted, rate: ended.length ? converted / ended.length : null };
}

export function referenceFunnel(history: History, from: Date, to: Date) {
  const within = (at: Date) => at >= from && at < to;
  const viewed = new Set(history.events.filter((event) => event.kind === 'course_view' && within(event.occurredAt)).map((event) => event.memberId));
  const checkouts = history.orders.filter((order) => viewed.has(order.memberId) && within(order.createdAt));
  const started = new Set(checkouts.map((order) => order.memberId));
  const paid = new Set(checkouts.filter((order) => PAID.has(order.status)).map((order) => order.memberId));
  return { viewed: viewed.size, startedCheckout: started.size, paid: paid.size };
}

export function referenceActivity(history: History, timeZone: string, day: string) {
  const dayMs = Date.parse(`${day}T00:00:00Z`);
  const offset = (other: string) => (dayMs - Date.parse(`${other}T00:00:00Z`)) / DAY;
  const activeKinds = new Set<string>(ACTIVE_KINDS);
  const days = new Map<string, Set<string>>();
  for (const event of history.events) {
    if (!activeKinds.has(event.kind)) continue;
    const on = dayIn(event.occurredAt, timeZone);
    if (!days.has(on)) days.set(on, new Set());
    days.get(on)!.add(event.memberId);
  }
  const within = (size: number) => new Set([...days.entries()].filter(([on]) => offset(on) >= 0 && offset(on) < size).flatMap(([, set]) => [...set]));
  const mau = within(30).size;
  const memberDays = [...days.entries()].filter(([on]) => offset(on) >= 0 && offset(on) < 30).reduce((sum, [, set]) => sum + set.size, 0);
  return { dau: days.get(day)?.size ?? 0, wau: within(7).size, mau, stickiness: mau ? memberDays / 30 / mau : null };
}

export function referenceCohorts(history: History, timeZone: string, months: string[], ends: Date[]) {
  const orderOf = new Map(history.orders.map((order) => [order.id, order]));
  const firstPaid = new Map<string, number>();
  for (const entry of history.ledger) {
    if (entry.kind !== 'charge' || entry.amount <= 0) continue;
    const member = orderOf.get(entry.orderId)!.memberId;
    firstPaid.set(member, Math.min(firstPaid.get(member) ?? Infinity, entry.occurredAt.getTime()));
  }
  const cohortOf = new Map([...firstPaid.entries()].map(([member, at]) => [member, dayIn(new Date(at), timeZone).slice(0, 7)]));
  const until = (row: History['entitlements'][number]) => (row.status === 'revoked' ? row.revokedAt : row.status === 'grace' ? (row.graceUntil ?? row.endsAt) : row.endsAt);
  const holds = (member: string, at: number) =>
    history.entitlements.some((row) => row.memberId === member && row.startsAt.getTime() <= at && (until(row) === null || until(row)!.getTime() > at));
  return months
    .map((month, index) => {
      const cohort = [...cohortOf.entries()].filter(([, start]) => start === month).map(([member]) => member);
      return { month, size: cohort.length, retained: ends.slice(index).map((end) => cohort.filter((member) => holds(member, end.getTime())).length) };
    })
    .filter((cohort) => cohort.size > 0);
}

export function referenceCourses(history: History, from: Date, to: Date) {
  return history.courses
    .map((course) => {
      const enrolled = history.enrollments.filter((row) => row.courseId === course.id && row.startedAt >= from && row.startedAt < to);
      const finished = enrolled.filter((row) => row.completedAt).map((row) => (row.completedAt!.getTime() - row.startedAt.getTime()) / 1000).sort((a, b) => a - b);
      const middle = finished.length / 2;
      const median = finished.length ? (finished.length % 2 ? finished[Math.floor(middle)]! : (finished[middle - 1]! + finished[middle]!) / 2) : null;
      const stopped = new Map<number, number>();
      for (const row of enrolled.filter((candidate) => !candidate.completedAt)) stopped.set(row.done, (stopped.get(row.done) ?? 0) + 1);
      return { courseId: course.id, title: course.title, enrolments: enrolled.length, completed: finished.length, medianSeconds: median === null ? null : Math.round(median), stopped };
    })
    .filter((course) => course.enrolments > 0);
}
