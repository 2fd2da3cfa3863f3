import { eq } from 'drizzle-orm';
import { platformIdentities } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { type Locale, toLocale } from '../i18n/index.ts';
import type { Reply } from '../reply.ts';

/**
 * A private message to a member on every platform where they have an account the bot can
 * reach, each in that account's language. True when at least one arrived.
 */
export async function notifyMember(deps: Pick<CoreDeps, 'db' | 'access'>, memberId: string, reply: (locale: Locale) => Reply): Promise<boolean> {
  const identities = await deps.db
    .select({ platform: platformIdentities.platform, userId: platformIdentities.platformUserId, locale: platformIdentities.locale })
    .from(platformIdentities)
    .where(eq(platformIdentities.memberId, memberId));
  let reached = false;
  for (const identity of identities) {
    const gateway = identity.platform === 'discord' ? deps.access?.discord : identity.platform === 'telegram' ? deps.access?.telegram : undefined;
    if (!gateway) continue;
    const locale = toLocale(identity.locale) ?? 'en';
    reached = (await gateway.notify(identity.userId, reply(locale), locale)) || reached;
  }
  return reached;
}
