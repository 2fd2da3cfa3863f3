import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { type CommunitySettings, platformSpaces } from '../db/schema/index.ts';
import type { DomainError } from '../errors.ts';
import { type Locale, t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { ReplyField } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { FIRST_RESPONSE_MINUTES } from './open-ticket.ts';

/** The support options of `/settings`; adapters turn a channel, role or "this group" into ids and report what the bot may not do there. */
export const supportSettingsInput = z.object({
  /** Discord `<guild id>/<channel id>`: the text channel where each ticket gets a private thread. */
  support_channel: z.string().trim().regex(/^\d{5,25}\/\d{5,25}$/, 'server id/channel id').optional(),
  support_channelBlocked: z.enum(['not_text', 'no_thread_rights']).optional(),
  /** Discord `<guild id>/<role id>`: pinged in new tickets and when a first reply is overdue. */
  support_role: z.string().trim().regex(/^\d{5,25}\/\d{5,25}$/, 'server id/role id').optional(),
  /** Telegram: the forum supergroup where each ticket gets a topic (`here` in that group). */
  support_chat: z.string().trim().regex(/^-?\d{5,25}$/, 'run it in the staff group as support_chat:here').optional(),
  support_chatBlocked: z.enum(['not_forum', 'no_topic_rights']).optional(),
  first_response_minutes: z.coerce.number().int().min(5).max(10_080).optional(),
  /** Refund requests this many days after payment are approved without a person; 0 turns it off. */
  refund_window_days: z.coerce.number().int().min(0).max(60).optional(),
});

type Changes = Pick<CommunitySettings, 'supportHandoff' | 'firstResponseMinutes'> & { refundWindowDays?: number | null };

/** The support settings to merge, checked against the community's own linked spaces. */
export async function supportSettingChanges(db: Queryable, actor: Actor, current: CommunitySettings, input: z.infer<typeof supportSettingsInput>): Promise<Result<Changes, DomainError>> {
  const changes: Changes = {};
  const linked = async (platform: 'discord' | 'telegram', externalId: string) =>
    (await db.select({ id: platformSpaces.id }).from(platformSpaces).where(and(eq(platformSpaces.communityId, actor.communityId), eq(platformSpaces.platform, platform), eq(platformSpaces.externalId, externalId))))[0];
  const unknownSpace = err<DomainError>({ code: 'invalid_input', details: t(actor.locale, 'product.unknownSpace') });
  const handoff = { ...current.supportHandoff };
  if (input.support_channel) {
    if (input.support_channelBlocked) return err({ code: 'invalid_input', details: t(actor.locale, `settings.supportChannel.${input.support_channelBlocked}`) });
    const [guildId, channelId] = input.support_channel.split('/') as [string, string];
    if (!(await linked('discord', guildId))) return unknownSpace;
    handoff.discord = { guildId, channelId, ...(handoff.discord?.guildId === guildId && handoff.discord.roleId ? { roleId: handoff.discord.roleId } : {}) };
  }
  if (input.support_role) {
    const [guildId, roleId] = input.support_role.split('/') as [string, string];
    if (handoff.discord?.guildId !== guildId) return err({ code: 'invalid_input', details: t(actor.locale, 'settings.supportRoleNeedsChannel') });
    handoff.discord = { ...handoff.discord, roleId };
  }
  if (input.support_chat) {
    if (input.support_chatBlocked) return err({ code: 'invalid_input', details: t(actor.locale, `settings.supportChat.${input.support_chatBlocked}`) });
    if (!(await linked('telegram', input.support_chat))) return unknownSpace;
    handoff.telegram = { chatId: input.support_chat };
  }
  if (input.support_channel || input.support_role || input.support_chat) changes.supportHandoff = handoff;
  if (input.first_response_minutes !== undefined) changes.firstResponseMinutes = input.first_response_minutes;
  if (input.refund_window_days !== undefined) changes.refundWindowDays = input.refund_window_days || null;
  return ok(changes);
}

/** The support part of the settings view. */
export function supportSettingFields(locale: Locale, settings: CommunitySettings): ReplyField[] {
  const handoff = settings.supportHandoff;
  const places = [
    handoff?.discord && t(locale, 'settings.supportDiscord', { channel: handoff.discord.channelId, role: handoff.discord.roleId ?? '–' }),
    handoff?.telegram && t(locale, 'settings.supportTelegram', { chat: handoff.telegram.chatId }),
  ].filter(Boolean);
  return [
    { name: t(locale, 'settings.supportSpace'), value: places.join('\n') || t(locale, 'settings.supportNone') },
    { name: t(locale, 'settings.firstResponse'), value: String(settings.firstResponseMinutes ?? FIRST_RESPONSE_MINUTES), inline: true },
    { name: t(locale, 'settings.refundWindow'), value: settings.refundWindowDays ? String(settings.refundWindowDays) : t(locale, 'settings.refundWindowOff'), inline: true },
  ];
}
