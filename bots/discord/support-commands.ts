import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type APIApplicationCommandStringOption,
  ApplicationCommandOptionType,
  ChannelType,
} from 'discord.js';
import type { MessageKey } from '../../core/i18n/index.ts';
import { type Command, described, inGuilds } from './command-text.ts';

const string = (name: string, key: MessageKey, limits: { required?: boolean; min_length?: number; max_length: number }): APIApplicationCommandStringOption => ({ type: ApplicationCommandOptionType.String, name, ...described(key), ...limits });

/** Typed in a ticket's thread, /claim, /handback and /close act on that ticket; elsewhere `ticket` names it. */
const ticket = string('ticket', 'command.claim.ticket', { min_length: 8, max_length: 37 });
const faqFields = {
  question: string('question', 'command.faq.question', { min_length: 3, max_length: 300 }),
  answer: string('answer', 'command.faq.answer', { min_length: 2, max_length: 1500 }),
  lang: { type: ApplicationCommandOptionType.String, name: 'lang', ...described('command.faq.lang'), choices: [{ name: 'English', value: 'en' }, { name: '中文', value: 'zh' }] },
  entry: string('entry', 'command.faq.entry', { required: true, min_length: 8, max_length: 9 }),
} satisfies Record<string, APIApplicationCommandBasicOption>;

/** The support commands of staff and creators; core's RBAC decides who may run them. */
export const supportCommands: Command[] = [
  {
    name: 'tickets',
    ...inGuilds,
    ...described('command.tickets'),
    options: [{ type: ApplicationCommandOptionType.String, name: 'view', ...described('command.tickets.view'), choices: [{ name: 'open', value: 'open' }, { name: 'stats', value: 'stats' }] }],
  },
  {
    name: 'claim',
    ...inGuilds,
    ...described('command.claim'),
    options: [ticket, { type: ApplicationCommandOptionType.Boolean, name: 'take_over', ...described('command.claim.takeOver') }],
  },
  { name: 'handback', ...inGuilds, ...described('command.handback'), options: [ticket] },
  { name: 'close', ...inGuilds, ...described('command.close'), options: [string('resolution', 'command.close.resolution', { required: true, min_length: 3, max_length: 500 }), ticket] },
  {
    name: 'faq',
    ...inGuilds,
    ...described('command.faq'),
    options: [
      { type: ApplicationCommandOptionType.Subcommand, name: 'list', ...described('command.faq.list') },
      { type: ApplicationCommandOptionType.Subcommand, name: 'add', ...described('command.faq.add'), options: [{ ...faqFields.question, required: true }, { ...faqFields.answer, required: true }, faqFields.lang] },
      { type: ApplicationCommandOptionType.Subcommand, name: 'edit', ...described('command.faq.edit'), options: [faqFields.entry, faqFields.question, faqFields.answer, faqFields.lang] },
      { type: ApplicationCommandOptionType.Subcommand, name: 'remove', ...described('command.faq.remove'), options: [faqFields.entry] },
    ],
  },
];

/** The support options of /settings; a channel becomes "<guild id>/<channel id>" in command-input. */
export const supportSettingOptions: APIApplicationCommandOption[] = [
  { type: ApplicationCommandOptionType.Channel, name: 'support_channel', ...described('command.settings.supportChannel'), channel_types: [ChannelType.GuildText] },
  { type: ApplicationCommandOptionType.Role, name: 'support_role', ...described('command.settings.supportRole') },
  { type: ApplicationCommandOptionType.Integer, name: 'first_response_minutes', ...described('command.settings.firstResponse'), min_value: 5, max_value: 10_080 },
  { type: ApplicationCommandOptionType.Integer, name: 'refund_window_days', ...described('command.settings.refundWindow'), min_value: 0, max_value: 60 },
];
