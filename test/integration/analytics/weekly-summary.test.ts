import { and, eq } from 'drizzle-orm';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramDeliveryGateway } from '../../../bots/telegram/delivery-gateway.ts';
import { refreshRollups } from '../../../core/analytics/rollups.ts';
import { weeklySummary } from '../../../core/analytics/summary-report.ts';
import { dueWeek, planWeeklySummaries } from '../../../core/analytics/weekly-summary.ts';
import { communities, deliveries, members, memberships, platformIdentities } from '../../../core/db/schema/index.ts';
import { deliver } from '../../../core/delivery/deliver.ts';
import { manageNotifications } from '../../../core/delivery/preferences.ts';
import { telegramFileCache } from '../../../core/files/telegram-file-ids.ts';
import { formatMoney } from '../../../core/format.ts';
import type { Actor } from '../../../core/members/actor.ts';
import { generateHistory, type History } from '../../../core/seed/history.ts';
import { insertHistory } from '../../../core/seed/insert-history.ts';
import { startTelegramSim, type TelegramSim } from '../../sim/telegram/index.ts';
import { referenceChurn, referenceMrr, referenceRevenue } from '../../support/analytics-reference.ts';
import { commandDeps, RecordingQueue } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { FakeClock, silentLog } from '../../support/fakes.ts';
import { createCommunity } from '../../support/fixtures.ts';
import { testPacers } from '../../support/pacers.ts';

const ZONE = 'Asia/Shanghai';
/** Monday 16 November 2026, 08:30 in Shanghai: the history ends just before the summary is due. */
const HISTORY_END = new Date('2026-11-16T00:30:00Z');
const HOUR = 3_600_000;

/**
 * The owners' weekly summary: due at Monday 09:00 in each community's own zone, two private
 * messages (the week with its revenue chart, the largest drop-off with its lesson chart) through
 * the delivery ledger and the Telegram simulator, once per week and owner, in the owner's
 * language, with numbers equal to a recomputation from the generated rows; an owner who turned
 * summaries off gets none, nor does anyone who is not an owner.
 */
describe('the weekly summary', () => {
  let database: TestDatabase;
  let sim: TelegramSim;
  let history: History;
  let communityId: string;
  let utcCommunityId: string;
  const clock = new FakeClock(HISTORY_END);
  const queue = new RecordingQueue();
  const paced = testPacers();
  const people: Record<'olivia' | 'chen' | 'casey' | 'uma', { userId: number; memberId: string }> = {} as never;
  let deps: ReturnType<typeof commandDeps> & Parameters<typeof deliver>[0];

  const addPerson = async (name: keyof typeof people, community: string, role: 'owner' | 'creator', languageCode: string) => {
    const userId = sim.createUser({ firstName: name, languageCode, startedBot: true }).id;
    const [member] = await database.db.insert(members).values({ displayName: name }).returning();
    await database.db.insert(platformIdentities).values({ memberId: member!.id, platform: 'telegram', platformUserId: String(userId), locale: languageCode });
    await database.db.insert(memberships).values({ communityId: community, memberId: member!.id, role });
    people[name] = { userId, memberId: member!.id };
  };
  const rowsOf = (name: keyof typeof people) => database.db.select().from(deliveries).where(and(eq(deliveries.memberId, people[name].memberId), eq(deliveries.kind, 'summary')));
  const planAt = async (at: string) => {
    clock.set(new Date(at));
    return (await planWeeklySummaries(deps)).planned;
  };
  const sendPlanned = async () => {
    for (const { deliveryId } of queue.of('delivery.send') as Array<{ deliveryId: string }>) {
      let outcome = await deliver(deps, deliveryId);
      // Two messages to one chat in a row: the second waits for the chat's one-a-second slot.
      while (typeof outcome === 'object') {
        await new Promise((resolve) => setTimeout(resolve, outcome && typeof outcome === 'object' ? outcome.retryInMs : 0));
        outcome = await deliver(deps, deliveryId);
      }
    }
    queue.jobs.length = 0;
  };
  const sentTo = (name: keyof typeof people, methods = ['sendPhoto']) =>
    sim.calls.filter((call) => call.ok && methods.includes(call.method) && String((call.params as { chat_id: unknown }).chat_id) === String(people[name].userId)).map((call) => {
        const caption = (call.params as { caption?: string }).caption ?? '';
        // The caption's text without its HTML markup.
        return { caption: caption.replace(/<[^>]+>/g, ''), length: caption.length };
      });
  const photosTo = (name: keyof typeof people) => sentTo(name);
  /** Photos, and texts for a message with no chart (a week without revenue). */
  const messagesTo = (name: keyof typeof people) => sentTo(name, ['sendPhoto', 'sendMessage']);

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startTelegramSim({ botUsername: 'lyceum_summary_bot' });
    communityId = (await createCommunity(database.db, { name: 'Summary Academy' })).id;
    await database.db.update(communities).set({ timezone: ZONE }).where(eq(communities.id, communityId));
    history = generateHistory({ seed: 5, members: 800, now: new Date(HISTORY_END.getTime() - HOUR) });
    await insertHistory(database.db, communityId, history);
    utcCommunityId = (await createCommunity(database.db, { name: 'Greenwich Guild' })).id;
    await insertHistory(database.db, utcCommunityId, generateHistory({ seed: 6, members: 200, now: new Date(HISTORY_END.getTime() - HOUR) }));
    await refreshRollups(database.db);
    await addPerson('olivia', communityId, 'owner', 'en');
    await addPerson('chen', communityId, 'owner', 'zh');
    await addPerson('casey', communityId, 'creator', 'en');
    await addPerson('uma', utcCommunityId, 'owner', 'en');
    const files = commandDeps(database.db).files;
    deps = {
      ...commandDeps(database.db, { queue, clock, files }),
      log: silentLog,
      pacer: paced.pacers[0]!,
      delivery: { telegram: createTelegramDeliveryGateway({ token: sim.token, apiRoot: sim.apiRoot, files: { cache: telegramFileCache(database.db, sim.token.split(':')[0]!), store: files, log: silentLog } }) },
    };
  }, 120_000);
  afterAll(async () => {
    await sim?.close();
    await paced.close();
    await database?.drop();
  });

  it('is due from Monday 09:00 in the community’s zone for a day, for the Monday-to-Sunday week before', () => {
    expect(dueWeek(new Date('2026-11-16T00:59:00Z'), ZONE)).toBeUndefined();
    expect(dueWeek(new Date('2026-11-16T01:00:00Z'), ZONE)).toMatchObject({ fromDay: '2026-11-09', toDay: '2026-11-15', from: new Date('2026-11-08T16:00:00Z'), to: new Date('2026-11-15T16:00:00Z') });
    expect(dueWeek(new Date('2026-11-17T00:59:00Z'), ZONE)?.fromDay).toBe('2026-11-09');
    expect(dueWeek(new Date('2026-11-17T01:00:00Z'), ZONE)).toBeUndefined();
    // New York's clocks went back on Sunday 1 November: that week has 169 hours, and 09:00 is still 09:00.
    const newYork = dueWeek(new Date('2026-11-02T14:30:00Z'), 'America/New_York');
    expect(newYork).toMatchObject({ fromDay: '2026-10-26', toDay: '2026-11-01', to: new Date('2026-11-02T05:00:00Z') });
    expect((newYork!.to.getTime() - newYork!.from.getTime()) / HOUR).toBe(169);
    expect(dueWeek(new Date('2026-11-02T13:59:00Z'), 'America/New_York')).toBeUndefined();
  });

  it('numbers the week as the ledger, subscriptions and members have it', async () => {
    const week = dueWeek(new Date('2026-11-16T01:05:00Z'), ZONE)!;
    const { week: report, dropOff } = await weeklySummary(database.db, { communityId, week, locale: 'en', now: clock.now() });
    const totals = new Map<string, number>();
    for (const day of referenceRevenue(history, ZONE, week.fromDay, week.toDay)) totals.set(day.currency, (totals.get(day.currency) ?? 0) + day.net);
    expect(totals.size).toBeGreaterThan(0);
    const field = (name: string) => report.fields.find((candidate) => candidate.name === name)?.value;
    for (const [currency, net] of totals) expect(field('Net revenue')).toContain(formatMoney('en', net, currency));
    for (const after of referenceMrr(history, week.to)) {
      const before = referenceMrr(history, week.from).find((row) => row.currency === after.currency)?.mrr ?? 0;
      const change = after.mrr - before;
      expect(field('MRR (change over the week)')).toContain(`${formatMoney('en', after.mrr, after.currency)} (${change < 0 ? '−' : '+'}${formatMoney('en', Math.abs(change), after.currency)})`);
    }
    const joined = history.members.filter((member) => member.joinedAt >= week.from && member.joinedAt < week.to).length;
    expect(field('New members')).toBe(String(joined));
    expect(field('Subscribers who stopped paying')).toBe(String(referenceChurn(history, week.to, 7).churned));
    expect(report.chart?.rows.length).toBeGreaterThan(0);
    expect(dropOff?.title).toMatch(/^Largest drop-off: .+ \(2026-10-19 to 2026-11-15\)$/);
    expect(dropOff?.chart?.rows.length).toBeGreaterThan(1);
  });

  it('sends each owner two photos with captions in their language, once, and nobody else anything', async () => {
    expect(await planAt('2026-11-16T00:59:00Z')).toBe(0);
    expect(await planAt('2026-11-16T01:05:00Z')).toBe(4);
    expect(await rowsOf('casey')).toHaveLength(0);
    expect(await rowsOf('uma')).toHaveLength(0);
    await sendPlanned();

    const english = photosTo('olivia');
    expect(english).toHaveLength(2);
    expect(english[0]!.caption).toMatch(/^Your week: 2026-11-09 to 2026-11-15\n/);
    expect(english[0]!.caption).toContain('Summary Academy · weekly summary');
    expect(english[1]!.caption).toMatch(/^Largest drop-off: /);
    for (const photo of english) expect(photo.length).toBeLessThan(1_024);
    const chinese = photosTo('chen');
    expect(chinese.map((photo) => photo.caption.split('\n')[0])).toEqual([expect.stringMatching(/^本周概况：2026-11-09 至 2026-11-15$/), expect.stringMatching(/^流失最多的课程：/)]);

    // The first photo is the revenue chart: a real PNG with something drawn on it.
    const sent = sim.privateChatMessages(people.olivia.userId).filter((message) => message.photo?.length);
    const png = PNG.sync.read(Buffer.from(sim.file(sent[0]!.photo!.at(-1)!.file_id)!.bytes));
    let ink = 0;
    for (let offset = 0; offset < png.data.length; offset += 4) if (png.data[offset]! < 200) ink += 1;
    expect(png.width).toBeGreaterThan(600);
    expect(ink).toBeGreaterThan(5_000);

    // The hourly job runs again that day: nothing more.
    expect(await planAt('2026-11-16T02:02:00Z')).toBe(0);
    expect(await planAt('2026-11-16T08:02:00Z')).toBe(0);
    // Greenwich reaches Monday 09:00 eight hours after Shanghai: its owner's turn.
    expect(await planAt('2026-11-16T09:02:00Z')).toBe(2);
    expect((await rowsOf('uma')).map((row) => row.targetId)).toEqual([String(people.uma.userId), String(people.uma.userId)]);
    await sendPlanned();
    expect(photosTo('uma')[0]!.caption).toContain('Greenwich Guild · weekly summary');
    expect(photosTo('olivia')).toHaveLength(2);
  });

  it('goes no more to an owner who turned it off, and the switch is shown to owners only', async () => {
    const actor = (name: 'olivia' | 'casey', role: 'owner' | 'creator'): Actor => ({ memberId: people[name].memberId, communityId, communityName: 'Summary Academy', communitySlug: 'summary', role, locale: 'en', platform: 'telegram', platformUserId: String(people[name].userId) });
    const olivia = await manageNotifications(deps, actor('olivia', 'owner'), { kind: 'summary', state: 'off' });
    expect(olivia.ok && olivia.value.body).toContain('Weekly summary (owners): discord ✗ · telegram ✗');
    const casey = await manageNotifications(deps, actor('casey', 'creator'), {});
    expect(casey.ok && casey.value.body).not.toContain('Weekly summary');

    // The first message's button turns it off too: the action it carries.
    const [first] = (await rowsOf('chen')).filter((row) => row.dedupeKey.endsWith('-1'));
    expect(first!.payload?.actions?.[0]).toEqual({ buttons: [expect.objectContaining({ action: { type: 'notifications.off', kind: 'summary' } })] });

    expect(await planAt('2026-11-23T01:05:00Z')).toBe(2);
    await sendPlanned();
    expect(messagesTo('olivia')).toHaveLength(2);
    expect(messagesTo('chen')).toHaveLength(4);
    expect(await planAt('2026-11-23T02:02:00Z')).toBe(0);
  });
});
