import { ApplicationCommandType, InteractionContextType, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { type MessageKey, t } from '../../core/i18n/index.ts';

export type Command = RESTPostAPIChatInputApplicationCommandsJSONBody;
/** A slash command usable in servers only (DMs hold no commands: free text goes to the assistant). */
export const inGuilds: Pick<Command, 'type' | 'contexts'> = { type: ApplicationCommandType.ChatInput, contexts: [InteractionContextType.Guild] };

export type CommandTextKey = MessageKey;

/** English text with its Chinese localizations, for a `description` or a choice `name`. */
export const localized = (key: MessageKey) => {
  const zh = t('zh', key);
  return { en: t('en', key), localizations: { 'zh-CN': zh, 'zh-TW': zh } };
};

/** `description` + `description_localizations` of a command or option. */
export const described = (key: MessageKey) => {
  const { en, localizations } = localized(key);
  return { description: en, description_localizations: localizations };
};
