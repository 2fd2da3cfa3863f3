import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { type CommunitySettings, platformSpaces } from '../db/schema/index.ts';
import type { DomainError } from '../errors.ts';
import { type Locale, t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { ReplyField } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';

/** The delivery options of `/settings`: where Discord announcements are posted, and whether Telegram may pay for fast broadcasts. */
export const deliverySettingsInput = z.object({
  /** Discord `<guild id>/<channel id>`: the channel announcements are posted in (and published from, if it is an announcement channel). */
  announcement_channel: z.string().trim().regex(/^\d{5,25}\/\d{5,25}$/, 'server id/channel id').optional(),
  announcement_channelBlocked: z.enum(['not_text', 'no_send_rights']).optional(),
  paid_broadcast: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
});

/**
 * Applies the delivery settings: the announcement channel belongs to its server's space (each
 * linked server has its own), paid broadcast to the community. Returns the community's part.
 */
export async function applyDeliverySettings(db: Queryable, actor: Actor, input: z.infer<typeof deliverySettingsInput>): Promise<Result<Pick<CommunitySettings, 'paidBroadcast'>, DomainError>> {
  if (input.announcement_channel) {
    if (input.announcement_channelBlocked) return err({ code: 'invalid_input', details: t(actor.locale, `settings.announcementChannel.${input.announcement_channelBlocked}`) });
    const [guildId, channelId] = input.announcement_channel.split('/') as [string, string];
    const updated = await db
      .update(platformSpaces)
      .set({ settings: sql`${platformSpaces.settings} || ${JSON.stringify({ announcementChannelId: channelId })}::jsonb` })
      .where(and(eq(platformSpaces.communityId, actor.communityId), eq(platformSpaces.platform, 'discord'), eq(platformSpaces.externalId, guildId)))
      .returning({ id: platformSpaces.id });
    if (!updated.length) return err({ code: 'invalid_input', details: t(actor.locale, 'product.unknownSpace') });
  }
  return ok(input.paid_broadcast ? { paidBroadcast: input.paid_broadcast === 'on' } : {});
}

/** The delivery part of the settings view. */
export async function deliverySettingFields(db: Queryable, locale: Locale, communityId: string, settings: CommunitySettings): Promise<ReplyField[]> {
  const spaces = await db.select({ title: platformSpaces.title, settings: platformSpaces.settings }).from(platformSpaces).where(and(eq(platformSpaces.communityId, communityId), eq(platformSpaces.platform, 'discord')));
  const channels = spaces.filter((space) => space.settings.announcementChannelId).map((space) => `${space.title}: #${space.settings.announcementChannelId}`);
  return [
    { name: t(locale, 'settings.announcementChannel'), value: channels.join('\n') || t(locale, 'settings.announcementChannelNone') },
    { name: t(locale, 'settings.paidBroadcast'), value: t(locale, settings.paidBroadcast ? 'settings.on' : 'settings.off'), inline: true },
  ];
}
