import { and, eq, isNull, lte, sql } from 'drizzle-orm';
import { deliveries, liveSessions, platformSpaces } from '../../db/schema/index.ts';
import type { CoreDeps } from '../../deps.ts';
import { t } from '../../i18n/index.ts';
import type { Reply } from '../../reply.ts';
import { planPrivateMessages } from '../announcements/audience.ts';
import { type CommunityTime, communityTime, formatInZone } from '../schedule-time.ts';

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'log' | 'queue' | 'delivery'>;
type Session = typeof liveSessions.$inferSelect;

/** How long a session lasts where a platform needs an end (Discord's external events). */
const ASSUMED_LENGTH_MS = 60 * 60_000;
const REMIND_BEFORE_MS = 60 * 60_000;
/** A start reminder later than this after the start is no use: it is left out. */
const START_REMINDER_LATE_MS = 15 * 60_000;

/**
 * Puts a live session where members see it, or takes it back once canceled: a Discord scheduled
 * event in each linked server (ids kept, so a retry creates none twice), and a post in each linked
 * Telegram group or channel through the delivery ledger (once per chat).
 */
export async function publishLive(deps: Deps, sessionId: string): Promise<{ events: number; posts: number }> {
  const [session] = await deps.db.select().from(liveSessions).where(eq(liveSessions.id, sessionId));
  if (!session) return { events: 0, posts: 0 };
  const spaces = await deps.db.select().from(platformSpaces).where(eq(platformSpaces.communityId, session.communityId));
  const place = await communityTime(deps.db, session.communityId);
  const discord = deps.delivery?.discord;
  let events = 0;
  if (session.status === 'scheduled' && discord?.createEvent) {
    for (const space of spaces.filter((candidate) => candidate.platform === 'discord')) {
      if (session.discordEvents.some((event) => event.guildId === space.externalId)) continue;
      const [guildId, channelId] = session.voiceChannel?.split('/') ?? [];
      const eventId = await discord.createEvent(space.externalId, {
        name: session.title,
        description: t(place.locale, 'live.eventDescription'),
        startsAt: session.startsAt,
        endsAt: new Date(session.startsAt.getTime() + ASSUMED_LENGTH_MS),
        ...(session.link ? { link: session.link } : {}),
        ...(channelId && guildId === space.externalId ? { channelId } : {}),
      });
      // Appended in SQL, so a concurrent run's event is not lost.
      await deps.db.update(liveSessions).set({ discordEvents: sql`${liveSessions.discordEvents} || ${JSON.stringify([{ guildId: space.externalId, eventId }])}::jsonb` }).where(eq(liveSessions.id, session.id));
      events += 1;
    }
  }
  if (session.status === 'canceled' && discord?.cancelEvent) {
    for (const event of session.discordEvents) await discord.cancelEvent(event.guildId, event.eventId);
    events = session.discordEvents.length;
  }
  const chats = spaces.filter((space) => space.kind === 'telegram_group' || space.kind === 'telegram_supergroup' || space.kind === 'telegram_channel');
  const post = session.status === 'scheduled' ? liveReply(place, session, 'announce') : liveReply(place, session, 'canceled');
  const planned = chats.length
    ? await deps.db
        .insert(deliveries)
        .values(chats.map((chat) => ({ communityId: session.communityId, kind: 'reminder' as const, dedupeKey: `live-${session.id}-${session.status}-${chat.externalId}`, platform: 'telegram' as const, targetKind: 'group' as const, targetId: chat.externalId, payload: post, scheduledAt: deps.clock.now() })))
        .onConflictDoNothing()
        .returning({ id: deliveries.id })
    : [];
  for (const row of planned) await deps.queue.enqueue('delivery.send', { deliveryId: row.id });
  return { events, posts: planned.length };
}

/**
 * Reminds each session's audience an hour before and at the start, once each, in a private
 * message through the delivery ledger (members who turned reminders off are skipped there).
 */
export async function remindLive(deps: Deps): Promise<{ reminded: number }> {
  const now = deps.clock.now();
  const due = await deps.db
    .select()
    .from(liveSessions)
    .where(and(eq(liveSessions.status, 'scheduled'), lte(liveSessions.startsAt, new Date(now.getTime() + REMIND_BEFORE_MS)), isNull(liveSessions.remindedStartAt)));
  let reminded = 0;
  for (const session of due) {
    const starting = session.startsAt <= now;
    if (!starting && session.remindedBeforeAt) continue;
    const column = starting ? { remindedStartAt: now } : { remindedBeforeAt: now };
    const [claimed] = await deps.db
      .update(liveSessions)
      .set(column)
      .where(and(eq(liveSessions.id, session.id), starting ? isNull(liveSessions.remindedStartAt) : isNull(liveSessions.remindedBeforeAt)))
      .returning({ id: liveSessions.id });
    if (!claimed || (starting && now.getTime() - session.startsAt.getTime() > START_REMINDER_LATE_MS)) continue;
    const place = await communityTime(deps.db, session.communityId);
    const ids = await planPrivateMessages(deps.db, {
      communityId: session.communityId,
      audience: session.courseId ? { segment: 'owners', courseId: session.courseId } : { segment: 'everyone' },
      kind: 'reminder',
      dedupePrefix: `live-${session.id}-${starting ? 'start' : 'soon'}-`,
      payload: liveReply(place, session, starting ? 'starting' : 'soon'),
      now,
    });
    for (const deliveryId of ids) await deps.queue.enqueue('delivery.send', { deliveryId }, { bulk: true });
    reminded += ids.length;
  }
  return { reminded };
}

function liveReply({ locale, timeZone }: CommunityTime, session: Session, moment: 'announce' | 'soon' | 'starting' | 'canceled'): Reply {
  const when = `${formatInZone(session.startsAt, timeZone, locale)} (${timeZone})`;
  return {
    title: t(locale, `live.${moment}`, { title: session.title }),
    body: [t(locale, 'live.when', { when }), session.link ?? undefined].filter(Boolean).join('\n'),
    actions: [
      {
        buttons: [
          ...(session.link && moment !== 'canceled' ? [{ label: t(locale, 'live.join'), url: session.link }] : []),
          // Reminders are private messages: they carry the one-press way out.
          ...(moment === 'soon' || moment === 'starting' ? [{ label: t(locale, 'notifications.unsubscribe'), action: { type: 'notifications.off' as const, kind: 'reminders' as const } }] : []),
        ],
      },
    ].filter((row) => row.buttons.length),
  };
}
