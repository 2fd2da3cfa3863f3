import { and, eq, inArray } from 'drizzle-orm';
import { communityAlerts, memberships, platformIdentities } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { type Locale, t, toLocale } from '../i18n/index.ts';
import type { AccessGateway } from './access-gateway.ts';

export type AccessAlert = {
  communityId: string;
  platform: 'discord' | 'telegram';
  key: string;
  place: string;
  reason: string;
  /** The message itself, when it is not "could not give access ... run /access retry". */
  body?: (locale: Locale) => string;
};

/**
 * Tells the community's owners and creators, privately on the platform where it broke, that
 * access cannot be applied and why, with the way to retry. Once per key: a standing alert
 * (until `/access retry` clears it) is not sent again, however many members it blocks.
 */
export async function alertCreatorsOnce(deps: Pick<CoreDeps, 'db' | 'log'>, gateway: AccessGateway, alert: AccessAlert): Promise<boolean> {
  const [created] = await deps.db
    .insert(communityAlerts)
    .values({ communityId: alert.communityId, key: alert.key, message: alert.reason })
    .onConflictDoNothing()
    .returning({ id: communityAlerts.id });
  if (!created) return false;
  const recipients = await deps.db
    .select({ userId: platformIdentities.platformUserId, locale: platformIdentities.locale })
    .from(memberships)
    .innerJoin(platformIdentities, and(eq(platformIdentities.memberId, memberships.memberId), eq(platformIdentities.platform, alert.platform)))
    .where(and(eq(memberships.communityId, alert.communityId), inArray(memberships.role, ['owner', 'creator']), eq(memberships.status, 'active')));
  for (const recipient of recipients) {
    const locale = toLocale(recipient.locale) ?? 'en';
    const reached = await gateway.notify(recipient.userId, { body: alert.body?.(locale) ?? t(locale, 'access.alert', { place: alert.place, reason: alert.reason }) });
    if (!reached) deps.log.warn({ communityId: alert.communityId, key: alert.key }, 'a creator could not be alerted (private messages closed)');
  }
  deps.log.warn({ communityId: alert.communityId, key: alert.key, recipients: recipients.length }, 'access blocked; creators alerted');
  return true;
}
