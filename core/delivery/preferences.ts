import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.ts';
import { notificationPreferences } from '../db/schema/index.ts';
import { type NotificationKind, notificationKinds } from './notification-kinds.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor, Platform } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { ok, type Result } from '../result.ts';

const platforms = ['all', 'discord', 'telegram'] as const;

export const notificationsInput = z.object({
  kind: z.enum(notificationKinds, { error: `must be one of ${notificationKinds.join(', ')}` }).optional(),
  state: z.enum(['on', 'off'], { error: 'must be on or off' }).optional(),
  platform: z.enum(platforms, { error: 'must be all, discord or telegram' }).optional(),
});

/**
 * Whether the member wants this kind of private message on this platform: a choice for that
 * platform beats one for all, and "no DMs at all" turns every kind off. Unset means yes, except
 * announcements on Discord: those are read in the announcement channel, and DMed only to members
 * who ask (Discord quarantines bots that DM people who did not).
 */
export async function wantsMessage(db: Queryable, params: { communityId: string; memberId: string; kind: NotificationKind; platform: Platform }): Promise<boolean> {
  const rows = await db
    .select()
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.communityId, params.communityId), eq(notificationPreferences.memberId, params.memberId), inArray(notificationPreferences.kind, [params.kind, 'dms'])));
  const unset = !(params.kind === 'announcements' && params.platform === 'discord');
  const choice = (kind: NotificationKind) => (rows.find((row) => row.kind === kind && row.platform === params.platform) ?? rows.find((row) => row.kind === kind && row.platform === 'all'))?.enabled ?? (kind === 'dms' || unset);
  return choice(params.kind) && choice('dms');
}

export async function setPreference(db: Queryable, actor: Actor, kind: NotificationKind, platform: (typeof platforms)[number], enabled: boolean): Promise<void> {
  await db
    .insert(notificationPreferences)
    .values({ communityId: actor.communityId, memberId: actor.memberId, kind, platform, enabled })
    .onConflictDoUpdate({ target: [notificationPreferences.communityId, notificationPreferences.memberId, notificationPreferences.kind, notificationPreferences.platform], set: { enabled } });
}

/** `/notifications [kind] [on|off] [platform]`: the member's choices, changed when given. Billing and access messages always go. */
export async function manageNotifications(deps: Pick<CoreDeps, 'db'>, actor: Actor, input: z.infer<typeof notificationsInput>): Promise<Result<Reply, DomainError>> {
  if (input.kind && input.state) await setPreference(deps.db, actor, input.kind, input.platform ?? 'all', input.state === 'on');
  return ok(await preferencesReply(deps.db, actor, input.kind && input.state ? t(actor.locale, 'notifications.saved') : undefined));
}

/** The one-press unsubscribe under a private message: this kind, off on every platform. */
export async function turnOff(deps: Pick<CoreDeps, 'db'>, actor: Actor, kind: NotificationKind): Promise<Result<Reply, DomainError>> {
  await setPreference(deps.db, actor, kind, 'all', false);
  return ok({ body: t(actor.locale, 'notifications.turnedOff', { kind: t(actor.locale, `notifications.kind.${kind}`) }), ephemeral: true, separate: true });
}

async function preferencesReply(db: Queryable, actor: Actor, headline?: string): Promise<Reply> {
  const lines = [];
  // The weekly summary goes to owners only: nobody else is shown a switch for it.
  for (const kind of notificationKinds.filter((kind) => kind !== 'summary' || actor.role === 'owner')) {
    const states = await Promise.all((['discord', 'telegram'] as const).map(async (platform) => `${platform} ${(await wantsMessage(db, { communityId: actor.communityId, memberId: actor.memberId, kind, platform })) ? '✓' : '✗'}`));
    lines.push(`${t(actor.locale, `notifications.kind.${kind}`)}: ${states.join(' · ')}`);
  }
  return { title: t(actor.locale, 'notifications.title'), body: [headline, lines.join('\n'), t(actor.locale, 'notifications.hint')].filter(Boolean).join('\n\n'), ephemeral: true };
}
