import { and, eq } from 'drizzle-orm';
import { announcements, platformIdentities } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { type Locale, toLocale } from '../i18n/index.ts';
import type { Reply } from '../reply.ts';
import { type DeliveryOutcome, type DeliveryPlan, type DeliveryRow, sendDelivery } from './send-delivery.ts';
import { type Announcement, announcementReply } from './announcements/content.ts';
import { trackLinks } from './announcements/links.ts';
import { showProgress, trackAnnouncement } from './announcements/progress.ts';
import { hintStartInGroup } from './drip.ts';

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'log' | 'pacer' | 'delivery' | 'queue' | 'web'>;

/** Rendered announcements, by id, language and kind of target: the text is fixed once it is confirmed. */
const rendered = new Map<string, Reply>();
const RENDERED_KEPT = 200;

/**
 * The send job's use case: one ledger row (see sendDelivery). An announcement's row is rendered from its
 * announcement as it stands at that moment (paused: held; canceled: skipped), and the
 * announcement's progress is tracked after every settled row.
 */
export async function deliver(deps: Deps, deliveryId: string, claimToken?: string): Promise<DeliveryOutcome> {
  let announcementId: string | null = null;
  let sent: DeliveryRow | undefined;
  const outcome = await sendDelivery(deps, deliveryId, {
    ...(claimToken ? { claimToken } : {}),
    plan: async (row, planned) => {
      announcementId = row.announcementId;
      sent = row;
      if (!row.announcementId) return row.payload ? { reply: row.payload } : { skip: 'nothing to send' };
      return planned ? stillSending(deps, row.announcementId, planned) : planAnnouncementRow(deps, row, row.announcementId);
    },
  });
  if (outcome === 'failed' && sent?.kind === 'lesson') await hintStartInGroup(deps, sent.id);
  if (!announcementId) return outcome;
  if (typeof outcome === 'object' && outcome.invalidRequests) {
    // A rising refusal rate (closed DMs): the send pauses and the creator is told; they resume it.
    const [paused] = await deps.db
      .update(announcements)
      .set({ status: 'paused', pausedReason: 'Discord refused too many requests in the last 10 minutes (closed DMs)' })
      .where(and(eq(announcements.id, announcementId), eq(announcements.status, 'sending')))
      .returning();
    if (paused) await showProgress(deps, paused, { final: true });
    return 'held';
  }
  if (outcome !== 'busy' && outcome !== 'held' && typeof outcome === 'string') await trackAnnouncement(deps, announcementId);
  return outcome;
}

async function planAnnouncementRow(deps: Pick<CoreDeps, 'db' | 'web'>, row: DeliveryRow, announcementId: string): Promise<DeliveryPlan> {
  const [announcement] = await deps.db.select().from(announcements).where(eq(announcements.id, announcementId));
  if (!announcement || announcement.status === 'canceled') return { skip: 'canceled' };
  if (announcement.status !== 'sending') return { hold: true };
  const privateMessage = row.targetKind === 'dm';
  const locale = privateMessage ? await recipientLocale(deps, row) : 'en';
  const reply = renderOnce(announcement, locale, privateMessage);
  return {
    // With a public address, links go through the redirect that counts clicks for this row.
    reply: deps.web?.linksReachable && reply.blocks ? { ...reply, blocks: trackLinks(reply.blocks, deps.web.baseUrl, row.id) } : reply,
    extras: { paidBroadcast: announcement.paidBroadcast && row.platform === 'telegram' && privateMessage, publish: row.platform === 'discord' && !privateMessage },
  };
}

/** After the claim: the rendered message still goes unless the announcement was paused or canceled meanwhile. */
async function stillSending(deps: Pick<CoreDeps, 'db'>, announcementId: string, planned: DeliveryPlan): Promise<DeliveryPlan> {
  const [announcement] = await deps.db.select({ status: announcements.status }).from(announcements).where(eq(announcements.id, announcementId));
  if (!announcement || announcement.status === 'canceled') return { skip: 'canceled' };
  return announcement.status === 'sending' ? planned : { hold: true };
}

function renderOnce(announcement: Announcement, locale: Locale, privateMessage: boolean): Reply {
  const key = `${announcement.id}:${locale}:${privateMessage}`;
  let reply = rendered.get(key);
  if (!reply) {
    reply = announcementReply(announcement, { locale, privateMessage });
    if (rendered.size >= RENDERED_KEPT) rendered.delete(rendered.keys().next().value!);
    rendered.set(key, reply);
  }
  return reply;
}

async function recipientLocale(deps: Pick<CoreDeps, 'db'>, row: DeliveryRow): Promise<Locale> {
  const [identity] = await deps.db
    .select({ locale: platformIdentities.locale })
    .from(platformIdentities)
    .where(and(eq(platformIdentities.platform, row.platform), eq(platformIdentities.platformUserId, row.targetId)));
  return toLocale(identity?.locale) ?? 'en';
}
