import { and, eq } from 'drizzle-orm';
import { platformIdentities } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { t, toLocale } from '../i18n/index.ts';
import type { Caller } from '../members/actor.ts';
import type { Reply } from '../reply.ts';

/**
 * The answer to free text in a Discord DM, where no slash commands live: a pointer back to the
 * server. DMs carry no locale, so the language is the one last seen on the member's interactions.
 * Read-only: a stranger's DM creates no member.
 */
export async function directMessageHint(deps: Pick<CoreDeps, 'db'>, caller: Caller): Promise<Reply> {
  const [identity] = await deps.db
    .select({ locale: platformIdentities.locale })
    .from(platformIdentities)
    .where(and(eq(platformIdentities.platform, caller.platform), eq(platformIdentities.platformUserId, caller.userId)));
  const locale = toLocale(caller.locale) ?? toLocale(identity?.locale) ?? 'en';
  return { body: t(locale, 'discord.dmHint') };
}
