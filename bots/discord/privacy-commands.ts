import { ApplicationCommandOptionType } from 'discord.js';
import { type Command, described, inGuilds } from './command-text.ts';

/** `/privacy export [member]`: anyone for themselves; core's RBAC decides who may name a member. */
export const privacyCommands: Command[] = [
  {
    name: 'privacy',
    ...inGuilds,
    ...described('command.privacy'),
    options: [
      {
        type: ApplicationCommandOptionType.Subcommand,
        name: 'export',
        ...described('command.privacy.export'),
        options: [{ type: ApplicationCommandOptionType.User, name: 'member', ...described('command.privacy.member') }],
      },
    ],
  },
];
