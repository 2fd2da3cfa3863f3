import { z } from 'zod';
import { findCourseIdByName } from '../../catalog/get-course.ts';
import { findProduct } from '../../commerce/products.ts';
import { announcements, type Audience } from '../../db/schema/index.ts';
import type { CoreDeps } from '../../deps.ts';
import type { DomainError } from '../../errors.ts';
import { storeUpload } from '../../files/store-upload.ts';
import { t } from '../../i18n/index.ts';
import type { Actor } from '../../members/actor.ts';
import { can } from '../../members/rbac.ts';
import type { Reply, ReplyFile } from '../../reply.ts';
import { err, ok, type Result } from '../../result.ts';
import { uploadInput } from '../../studio/fields.ts';
import { parseMarkdown } from '../../studio/markdown.ts';
import { communityUploadLimits } from '../../studio/studio-settings.ts';
import { platformLimits } from '../platform-limits.ts';
import { communityTime, formatInZone, parseWhen } from '../schedule-time.ts';
import { type AudienceCount, countAudience } from './audience.ts';
import { announcementLimits, announcementReply, tooLong } from './content.ts';
import { formatDuration } from './progress.ts';

/** Telegram DM audiences larger than this go as a paid broadcast, where the creator turned it on. */
export const PAID_BROADCAST_FROM = 1_000;
/** What a paid broadcast costs per message, in Stars. */
export const STARS_PER_PAID_MESSAGE = 0.1;

export const announceSendInput = z.object({
  action: z.literal('send'),
  text: z.string().trim().min(1).max(20_000).optional(),
  title: z.string().trim().min(1).max(announcementLimits.title).optional(),
  file: uploadInput.optional(),
  audience: z.enum(['everyone', 'owners', 'grace', 'lapsed'], { error: 'must be everyone, owners, grace or lapsed' }).optional(),
  product: z.string().trim().min(1).max(120).optional(),
  course: z.string().trim().min(1).max(120).optional(),
  platform: z.enum(['discord', 'telegram', 'console'], { error: 'must be discord or telegram' }).optional(),
  at: z.string().trim().min(1).max(40).optional(),
});

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'files' | 'delivery'>;

/**
 * `/announce [text] [audience] [product|course] [platform] [at] [file]` (creators): checks the
 * message against every limit it will meet, counts who it will reach, and answers with a
 * preview and a Confirm button; nothing is sent before the confirm. Without text, a form asks for it.
 */
export async function composeAnnouncement(deps: Deps, actor: Actor, input: z.infer<typeof announceSendInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'delivery.announce')) return err({ code: 'forbidden', permission: 'delivery.announce' });
  const invalid = (key: Parameters<typeof t>[1], params: Record<string, string | number> = {}) => err<DomainError>({ code: 'invalid_input', details: t(actor.locale, key, params) });
  if (!input.text) return ok({ body: t(actor.locale, 'announce.form.hint'), form: announceForm(actor, input), ephemeral: true });

  const audience: Audience = { segment: input.audience ?? (input.product || input.course ? 'owners' : 'everyone'), ...(input.platform ? { platform: input.platform } : {}) };
  if (input.product) {
    const product = await findProduct(deps.db, { communityId: actor.communityId, ref: input.product, includeArchived: true });
    if (!product) return err({ code: 'product_not_found' });
    audience.productId = product.id;
  } else if (input.course) {
    const courseId = await findCourseIdByName(deps.db, { communityId: actor.communityId, name: input.course, statuses: ['published', 'archived'] });
    if (!courseId) return err({ code: 'course_not_found' });
    audience.courseId = courseId;
  } else if (audience.segment === 'owners') return invalid('announce.ownersOfWhat');

  const { timeZone, settings } = await communityTime(deps.db, actor.communityId);
  const now = deps.clock.now();
  const when = input.at ? parseWhen(input.at, timeZone, now) : undefined;
  if (when && 'error' in when) return invalid(`announce.when.${when.error}`, { zone: timeZone });

  const [problem] = parseMarkdown(input.text).problems;
  if (problem) return err({ code: 'markdown_refused', ...problem });
  const long = tooLong(input.text, { file: Boolean(input.file), telegram: audience.platform !== 'discord' });
  if (long) return invalid(`announce.tooLong.${long.reason}`, { length: long.length, limit: long.limit });

  const count = await countAudience(deps.db, actor.communityId, audience, actor.memberId);
  if (count.telegram + count.discord + count.console + count.channels === 0) return invalid('announce.emptyAudience');

  let file: ReplyFile | undefined;
  if (input.file) {
    const uploaded = await storeUpload(deps, actor, input.file, await communityUploadLimits(deps.db, actor.communityId));
    if (!uploaded.ok) return uploaded;
    file = { sha256: uploaded.value.sha256, name: input.file.name, kind: uploaded.value.kind, mime: uploaded.value.mime, size: uploaded.value.size };
  }
  const paidBroadcast = settings.paidBroadcast === true && count.telegram > PAID_BROADCAST_FROM;
  const [draft] = await deps.db
    .insert(announcements)
    .values({ communityId: actor.communityId, authorMemberId: actor.memberId, title: input.title ?? actor.communityName, body: input.text, audience, file, paidBroadcast, scheduledAt: when && 'at' in when ? when.at : null })
    .returning();
  const preview = announcementReply(draft!, { locale: actor.locale, privateMessage: false });
  const schedule = when && 'at' in when ? formatInZone(when.at, timeZone, actor.locale) : t(actor.locale, 'announce.now');
  return ok({
    ...preview,
    fields: [
      { name: t(actor.locale, 'announce.preview.audience'), value: t(actor.locale, `announce.segment.${audience.segment ?? 'everyone'}`) + (audience.platform ? ` · ${audience.platform}` : '') },
      { name: t(actor.locale, 'announce.preview.reach'), value: reachText(actor, count) },
      { name: t(actor.locale, 'announce.preview.when'), value: t(actor.locale, 'announce.preview.takes', { when: schedule, duration: formatDuration(estimatedSeconds(deps, count, paidBroadcast)) }) },
      ...(paidBroadcast ? [{ name: t(actor.locale, 'announce.preview.paid'), value: t(actor.locale, 'announce.preview.paidCost', { stars: Math.ceil(count.telegram * STARS_PER_PAID_MESSAGE), count: count.telegram }) }] : []),
    ],
    footer: t(actor.locale, 'announce.preview.footer'),
    actions: [
      {
        buttons: [
          { label: t(actor.locale, 'announce.confirm'), action: { type: 'announce.confirm', announcementId: draft!.id }, style: 'primary' },
          { label: t(actor.locale, 'announce.discard'), action: { type: 'announce.control', announcementId: draft!.id, op: 'cancel' } },
        ],
      },
    ],
    ephemeral: true,
  });
}

function reachText(actor: Actor, count: AudienceCount): string {
  const parts = [
    count.telegram && t(actor.locale, 'announce.reach.telegram', { count: count.telegram }),
    count.discord && t(actor.locale, 'announce.reach.discord', { count: count.discord }),
    count.console && t(actor.locale, 'announce.reach.console', { count: count.console }),
    count.channels && t(actor.locale, 'announce.reach.channels', { count: count.channels }),
  ].filter(Boolean);
  return parts.join('\n');
}

/** How long the paced send takes: the slowest platform's share at its allowed rate. */
function estimatedSeconds(deps: Deps, count: AudienceCount, paid: boolean): number {
  const telegram = count.telegram / (paid ? platformLimits.telegram.paidPerSecond : platformLimits.telegram.perSecond);
  const discord = (count.discord / (deps.delivery?.discord?.dmsPerMinute ?? platformLimits.discord.dmsPerMinute)) * 60;
  return Math.max(1, Math.ceil(Math.max(telegram, discord)));
}

function announceForm(actor: Actor, input: z.infer<typeof announceSendInput>) {
  const fixed = Object.fromEntries(Object.entries({ action: 'send', audience: input.audience, product: input.product, course: input.course, platform: input.platform, at: input.at, title: input.title }).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  return {
    title: t(actor.locale, 'announce.form.title'),
    submit: { type: 'form.submit' as const, command: 'announce', options: fixed },
    inputs: [
      { key: 'text', label: t(actor.locale, 'announce.form.text'), style: 'paragraph' as const, required: true, minLength: 1, maxLength: announcementLimits.text },
      { key: 'file', label: t(actor.locale, 'announce.form.file'), style: 'file' as const, required: false, maxLength: 0 },
    ],
  };
}
