import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import { type MessageKey, t } from '../../core/i18n/index.ts';

const described = (key: MessageKey) => ({
  description: t('en', key),
  description_localizations: { 'zh-CN': t('zh', key), 'zh-TW': t('zh', key) },
});

/**
 * The slash commands of every guild, registered per guild (bulk overwrite, so registering twice
 * changes nothing). Names stay English on every client; descriptions follow the user's language.
 * Option limits mirror the core's input schemas so Discord rejects oversized text before we see it.
 */
export const guildCommands: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  {
    name: 'courses',
    type: ApplicationCommandType.ChatInput,
    ...described('command.courses'),
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'category',
        ...described('command.courses.category'),
        autocomplete: true,
        max_length: 60,
      },
      {
        type: ApplicationCommandOptionType.String,
        name: 'query',
        ...described('command.courses.query'),
        max_length: 100,
      },
    ],
  },
  {
    name: 'course',
    type: ApplicationCommandType.ChatInput,
    ...described('command.course'),
    contexts: [InteractionContextType.Guild],
    options: [
      {
        type: ApplicationCommandOptionType.String,
        name: 'name',
        ...described('command.course.name'),
        required: true,
        autocomplete: true,
        max_length: 100,
      },
    ],
  },
  { name: 'help', type: ApplicationCommandType.ChatInput, ...described('command.help'), contexts: [InteractionContextType.Guild] },
  {
    name: 'setup',
    type: ApplicationCommandType.ChatInput,
    ...described('command.setup'),
    contexts: [InteractionContextType.Guild],
    // Hidden from members without Manage Server by default; the core checks again either way,
    // because server admins can change who sees a command.
    default_member_permissions: PermissionFlagsBits.ManageGuild.toString(),
    options: [
      { type: ApplicationCommandOptionType.String, name: 'name', ...described('command.setup.name'), min_length: 2, max_length: 80 },
      { type: ApplicationCommandOptionType.String, name: 'code', ...described('command.setup.code'), min_length: 8, max_length: 9 },
    ],
  },
];
