import { ApplicationCommandOptionType } from 'discord.js';
import { type Command, described, inGuilds } from './command-text.ts';

/** `/privacy export|delete [member]`: anyone for themselves; core's RBAC decides who may name a member. */
export const privacyCommands: Command[] = [
  {
    name: 'privacy',
    ...inGuilds,
    ...described('command.privacy'),
    options: (['export', 'delete'] as const).map((name) => ({
      type: ApplicationCommandOptionType.Subcommand as const,
      name,
      ...described(`command.privacy.${name}`),
      options: [{ type: ApplicationCommandOptionType.User as const, name: 'member', ...described('command.privacy.member') }],
    })),
  },
];
