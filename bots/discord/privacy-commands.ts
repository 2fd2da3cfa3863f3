import { type APIApplicationCommandBasicOption, ApplicationCommandOptionType as Option } from 'discord.js';
import { type Command, described, inGuilds } from './command-text.ts';

const auditFilters: APIApplicationCommandBasicOption[] = [
  { type: Option.User, name: 'member', ...described('command.audit.member') },
  { type: Option.String, name: 'what', ...described('command.audit.what'), max_length: 60 },
  { type: Option.String, name: 'period', ...described('command.stats.period'), max_length: 40 },
];

/** `/audit list|export` for owners (core's RBAC decides), and `/privacy export|delete [member]`: anyone for themselves; core's RBAC decides who may name a member. */
export const privacyCommands: Command[] = [
  {
    name: 'audit',
    ...inGuilds,
    ...described('command.audit'),
    options: [
      { type: Option.Subcommand, name: 'list', ...described('command.audit.list'), options: [...auditFilters, { type: Option.Integer, name: 'page', ...described('command.audit.page'), min_value: 1, max_value: 10_000 }] },
      { type: Option.Subcommand, name: 'export', ...described('command.audit.export'), options: auditFilters },
    ],
  },
  {
    name: 'privacy',
    ...inGuilds,
    ...described('command.privacy'),
    options: (['export', 'delete'] as const).map((name) => ({
      type: Option.Subcommand as const,
      name,
      ...described(`command.privacy.${name}`),
      options: [{ type: Option.User as const, name: 'member', ...described('command.privacy.member') }],
    })),
  },
];
