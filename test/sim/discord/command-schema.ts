/**
 * Application command definitions as Discord validates a bulk overwrite (limits from the API
 * reference and the OpenAPI description), and autocomplete choices (the same choice shape).
 */
import { z } from 'zod';
import { coded } from './form-errors.ts';

const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
/** Discord's locales (AvailableLocalesEnum in the OpenAPI description). */
export const LOCALES: ReadonlySet<string> = new Set(['ar', 'bg', 'cs', 'da', 'de', 'el', 'en-GB', 'en-US', 'es-419', 'es-ES', 'fi', 'fr', 'he', 'hi', 'hr', 'hu', 'id', 'it', 'ja', 'ko', 'lt', 'nl', 'no', 'pl', 'pt-BR', 'ro', 'ru', 'sv-SE', 'th', 'tr', 'uk', 'vi', 'zh-CN', 'zh-TW']);
const localizations = (max: number) =>
  z
    .record(z.string(), z.string().min(1).max(max, 'BASE_TYPE_BAD_LENGTH'))
    .nullable()
    .optional()
    .refine((value) => !value || Object.keys(value).every((locale) => LOCALES.has(locale)), 'INVALID_LOCALE');
const lowerName = z.string().regex(NAME, 'APPLICATION_COMMAND_INVALID_NAME').refine((name) => name === name.toLowerCase(), 'APPLICATION_COMMAND_INVALID_NAME');

/** Option types: 1 subcommand, 2 group, 3 string, 4 integer, 5 boolean, 6 user, 7 channel, 8 role, 9 mentionable, 10 number, 11 attachment. */
const SUBCOMMAND = 1;
const GROUP = 2;
const CHOICE_TYPES = new Set([3, 4, 10]);

const nameLength = coded('BASE_TYPE_BAD_LENGTH', 'Must be between 1 and 100 in length.');
/** A choice: name 1-100 characters, a string value up to 100 characters (API reference; the OpenAPI description allows 6000). */
export const choice = z
  .object({ name: z.string().min(1, nameLength).max(100, nameLength), name_localizations: localizations(100), value: z.union([z.string().max(100, 'BASE_TYPE_MAX_LENGTH'), z.number()]) })
  .strict();

/** Whether a choice value fits the option type (strings for 3, integers for 4, numbers for 10). */
export function choiceFits(type: number, value: unknown): boolean {
  if (type === 3) return typeof value === 'string';
  if (type === 4) return Number.isSafeInteger(value);
  return typeof value === 'number' && Number.isFinite(value);
}

type CommandOption = {
  type: number;
  name: string;
  description: string;
  required?: boolean | undefined;
  choices?: Array<{ name: string; value: string | number }> | undefined;
  autocomplete?: boolean | undefined;
  min_length?: number | undefined;
  max_length?: number | undefined;
  min_value?: number | undefined;
  max_value?: number | undefined;
  channel_types?: number[] | undefined;
  options?: CommandOption[] | undefined;
  name_localizations?: Record<string, string> | null | undefined;
  description_localizations?: Record<string, string> | null | undefined;
};

const commandOption: z.ZodType<CommandOption> = z.lazy(() =>
  z
    .object({
      type: z.number().int().min(1).max(11),
      name: lowerName,
      name_localizations: localizations(32),
      description: z.string().min(1, 'BASE_TYPE_BAD_LENGTH').max(100, 'BASE_TYPE_BAD_LENGTH'),
      description_localizations: localizations(100),
      required: z.boolean().optional(),
      choices: z.array(choice).max(25, 'BASE_TYPE_BAD_LENGTH').optional(),
      autocomplete: z.boolean().optional(),
      min_length: z.number().int().min(0).max(6000).optional(),
      max_length: z.number().int().min(1).max(6000).optional(),
      min_value: z.number().optional(),
      max_value: z.number().optional(),
      channel_types: z.array(z.number().int()).optional(),
      options: z.array(commandOption).max(25, 'BASE_TYPE_BAD_LENGTH').optional(),
    })
    .strict()
    .superRefine(checkOption),
);

function checkOption(option: CommandOption, ctx: z.RefinementCtx): void {
  const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (option.autocomplete && option.choices?.length) issue(['autocomplete'], 'AUTOCOMPLETE_AND_CHOICES');
  if ((option.choices || option.autocomplete) && !CHOICE_TYPES.has(option.type)) issue([option.choices ? 'choices' : 'autocomplete'], 'BASE_TYPE_INVALID');
  for (const [index, item] of (CHOICE_TYPES.has(option.type) ? (option.choices ?? []) : []).entries()) {
    if (!choiceFits(option.type, item.value)) issue(['choices', index, 'value'], 'BASE_TYPE_INVALID');
  }
  if ((option.min_length !== undefined || option.max_length !== undefined) && option.type !== 3) issue(['min_length'], 'BASE_TYPE_INVALID');
  if ((option.min_value !== undefined || option.max_value !== undefined) && option.type !== 4 && option.type !== 10) issue(['min_value'], 'BASE_TYPE_INVALID');
  if (option.channel_types && option.type !== 7) issue(['channel_types'], 'BASE_TYPE_INVALID');
  if (option.type === SUBCOMMAND || option.type === GROUP) {
    const nested = option.options ?? [];
    const allowed = (type: number) => (option.type === GROUP ? type === SUBCOMMAND : type !== SUBCOMMAND && type !== GROUP);
    for (const [index, child] of nested.entries()) if (!allowed(child.type)) issue(['options', index, 'type'], 'APPLICATION_COMMAND_OPTION_TYPE_INVALID');
    checkSiblings(nested, ctx, ['options']);
  } else if (option.options) issue(['options'], 'BASE_TYPE_INVALID');
}

/** Option names are unique; required options come first; subcommands are not mixed with plain options. */
function checkSiblings(options: CommandOption[], ctx: z.RefinementCtx, path: Array<string | number>): void {
  const names = new Set<string>();
  for (const [index, option] of options.entries()) {
    if (names.has(option.name)) ctx.addIssue({ code: 'custom', path: [...path, index, 'name'], message: 'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS' });
    names.add(option.name);
  }
  const firstOptional = options.findIndex((option) => !option.required);
  if (firstOptional >= 0 && options.slice(firstOptional).some((option) => option.required)) {
    ctx.addIssue({ code: 'custom', path, message: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID' });
  }
  const subcommands = options.filter((option) => option.type === SUBCOMMAND || option.type === GROUP).length;
  if (subcommands && subcommands !== options.length) ctx.addIssue({ code: 'custom', path, message: 'APPLICATION_COMMAND_OPTIONS_TYPE_INVALID' });
}

export const commandBody = z
  .object({
    name: lowerName,
    name_localizations: localizations(32),
    description: z.string().max(100, 'BASE_TYPE_BAD_LENGTH').optional(),
    description_localizations: localizations(100),
    type: z.number().int().min(1).max(4).optional(),
    options: z.array(commandOption).max(25, 'BASE_TYPE_BAD_LENGTH').optional(),
    default_member_permissions: z.union([z.string().regex(/^\d+$/), z.number().int().min(0)]).nullable().optional(),
    dm_permission: z.boolean().nullable().optional(),
    nsfw: z.boolean().optional(),
    contexts: z.array(z.number().int().min(0).max(2)).min(1).nullable().optional(),
    integration_types: z.array(z.number().int().min(0).max(1)).min(1).optional(),
    id: z.string().optional(),
  })
  .strict()
  .superRefine((command, ctx) => {
    const type = command.type ?? 1;
    if (type === 1 && !command.description) ctx.addIssue({ code: 'custom', path: ['description'], message: 'BASE_TYPE_REQUIRED' });
    // User and message commands carry neither a description nor options.
    if (type !== 1 && (command.description || command.options?.length)) ctx.addIssue({ code: 'custom', path: [command.description ? 'description' : 'options'], message: 'BASE_TYPE_INVALID' });
    checkSiblings(command.options ?? [], ctx, ['options']);
  });

/** A bulk overwrite: at most 100 commands, names unique per command type. */
export const commandsBody = z
  .array(commandBody)
  .max(100, 'BASE_TYPE_MAX_LENGTH')
  .superRefine((commands, ctx) => {
    const seen = new Set<string>();
    for (const [index, command] of commands.entries()) {
      const key = `${command.type ?? 1}:${command.name}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'APPLICATION_COMMANDS_DUPLICATE_NAME' });
      seen.add(key);
    }
  });

