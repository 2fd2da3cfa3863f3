import type { Result } from '../result.ts';
import { ok } from '../result.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';

/** What the actor can do here, in their language; staff learn that they also see drafts. */
export async function showHelp(actor: Actor): Promise<Result<Reply, DomainError>> {
  const { locale } = actor;
  const commands = [t(locale, 'help.courses'), t(locale, 'help.course'), t(locale, 'help.recommend'), t(locale, 'help.buy'), t(locale, 'help.my'), t(locale, 'help.cancel'), t(locale, 'help.link'), t(locale, 'help.privacy'), t(locale, 'help.help')];
  if (can(actor.role, 'support.handle')) commands.push(t(locale, 'help.tickets'), t(locale, 'help.claim'));
  if (can(actor.role, 'commerce.manage')) commands.push(t(locale, 'help.creator'), t(locale, 'help.creatorAccess'), t(locale, 'help.faq'));
  if (can(actor.role, 'audit.view')) commands.push(t(locale, 'help.audit'));
  const staffNote = can(actor.role, 'catalog.view_unpublished')
    ? `\n\n${t(locale, 'help.staffNote', { role: t(locale, `role.${actor.role}`) })}`
    : '';
  return ok({
    title: t(locale, 'help.title'),
    body: t(locale, 'help.intro', { community: actor.communityName }) + staffNote,
    fields: [{ name: t(locale, 'help.commands'), value: commands.join('\n') }],
    ephemeral: true,
  });
}
