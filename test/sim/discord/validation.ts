import { z } from 'zod';

/**
 * Request bodies as Discord validates them (limits from the API reference and the published
 * OpenAPI description), and failures in its 50035 "Invalid Form Body" shape.
 */
const customId = z.string().min(1, 'BASE_TYPE_BAD_LENGTH').max(100, 'BASE_TYPE_BAD_LENGTH');
/** The optional numeric component id (unique per message; Discord assigns one when absent). */
const componentId = z.number().int().min(0).max(2_147_483_647).optional();
const selectBounds = {
  placeholder: z.string().max(150, 'BASE_TYPE_MAX_LENGTH').optional(),
  min_values: z.number().int().min(0).max(25).optional(),
  max_values: z.number().int().min(1).max(25).optional(),
  disabled: z.boolean().optional(),
};

/** min_values <= max_values, and a string select cannot ask for more values than it offers. */
function checkSelectValues(select: { min_values?: number | undefined; max_values?: number | undefined; options?: unknown[] }, ctx: z.RefinementCtx): void {
  const min = select.min_values ?? 1;
  const max = select.max_values ?? 1;
  if (min > max) ctx.addIssue({ code: 'custom', path: ['min_values'], message: 'BASE_TYPE_INVALID' });
  if (select.options && Math.max(min, max) > select.options.length) {
    ctx.addIssue({ code: 'custom', path: [select.min_values !== undefined && min > select.options.length ? 'min_values' : 'max_values'], message: 'BASE_TYPE_INVALID' });
  }
}

const button = z
  .object({
    type: z.literal(2),
    id: componentId,
    style: z.number().int().min(1).max(6),
    label: z.string().max(80, 'BASE_TYPE_MAX_LENGTH').optional(),
    custom_id: customId.optional(),
    url: z.string().max(512, 'BASE_TYPE_MAX_LENGTH').optional(),
    emoji: z.unknown().optional(),
    disabled: z.boolean().optional(),
    sku_id: z.string().optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.style === 5 ? !value.url || value.custom_id !== undefined : !value.custom_id || value.url !== undefined) {
      ctx.addIssue({ code: 'custom', path: value.style === 5 ? ['url'] : ['custom_id'], message: 'COMPONENT_LAYOUT_INVALID' });
    }
    if (value.style !== 6 && !value.label && !value.emoji) {
      ctx.addIssue({ code: 'custom', path: ['label'], message: 'BUTTON_COMPONENT_MISSING_LABEL' });
    }
  });

const stringSelect = z
  .object({
    type: z.literal(3),
    id: componentId,
    custom_id: customId,
    ...selectBounds,
    options: z
      .array(
        z
          .object({
            label: z.string().min(1).max(100, 'BASE_TYPE_MAX_LENGTH'),
            value: z.string().min(1).max(100, 'BASE_TYPE_MAX_LENGTH'),
            description: z.string().max(100, 'BASE_TYPE_MAX_LENGTH').optional(),
            emoji: z.unknown().optional(),
            default: z.boolean().optional(),
          })
          .strict(),
      )
      .min(1, 'BASE_TYPE_BAD_LENGTH')
      .max(25, 'BASE_TYPE_BAD_LENGTH'),
  })
  .strict()
  .superRefine(checkSelectValues);

/** User (5), role (6), mentionable (7) and channel (8) selects: Discord fills in the choices. */
const autoSelect = z
  .object({
    type: z.union([z.literal(5), z.literal(6), z.literal(7), z.literal(8)]),
    id: componentId,
    custom_id: customId,
    ...selectBounds,
    default_values: z.array(z.object({ id: z.string().regex(/^\d{17,20}$/), type: z.enum(['user', 'role', 'channel']) }).strict()).max(25).optional(),
    channel_types: z.array(z.number().int()).optional(),
  })
  .strict()
  .superRefine(checkSelectValues);

const actionRow = z
  .object({ type: z.literal(1), id: componentId, components: z.array(z.discriminatedUnion('type', [button, stringSelect, autoSelect])).min(1, 'BASE_TYPE_BAD_LENGTH').max(5, 'BASE_TYPE_BAD_LENGTH') })
  .strict()
  .superRefine((row, ctx) => {
    const selects = row.components.filter((component) => component.type !== 2).length;
    if (selects && row.components.length > 1) ctx.addIssue({ code: 'custom', path: ['components'], message: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED' });
  });

const embed = z
  .object({
    title: z.string().max(256, 'BASE_TYPE_MAX_LENGTH').optional(),
    description: z.string().max(4096, 'BASE_TYPE_MAX_LENGTH').optional(),
    url: z.string().max(2048, 'BASE_TYPE_MAX_LENGTH').optional(),
    color: z.number().int().min(0).max(0xffffff).optional(),
    timestamp: z.string().optional(),
    footer: z.object({ text: z.string().min(1).max(2048, 'BASE_TYPE_MAX_LENGTH'), icon_url: z.string().optional() }).optional(),
    author: z.object({ name: z.string().max(256), url: z.string().optional(), icon_url: z.string().optional() }).optional(),
    thumbnail: z.object({ url: z.string() }).loose().optional(),
    image: z.object({ url: z.string() }).loose().optional(),
    fields: z
      .array(
        z.object({
          name: z.string().min(1, 'BASE_TYPE_REQUIRED').max(256, 'BASE_TYPE_MAX_LENGTH'),
          value: z.string().min(1, 'BASE_TYPE_REQUIRED').max(1024, 'BASE_TYPE_MAX_LENGTH'),
          inline: z.boolean().optional(),
        }),
      )
      .max(25, 'BASE_TYPE_MAX_LENGTH')
      .optional(),
    type: z.string().optional(),
  })
  .loose();

export const messageBody = z
  .object({
    content: z.string().max(2000, 'BASE_TYPE_MAX_LENGTH').optional(),
    embeds: z.array(embed).max(10, 'BASE_TYPE_MAX_LENGTH').optional(),
    components: z.array(actionRow).max(5, 'BASE_TYPE_MAX_LENGTH').optional(),
    flags: z.number().int().optional(),
    tts: z.boolean().optional(),
    allowed_mentions: z.unknown().optional(),
    message_reference: z.object({ message_id: z.string() }).loose().optional(),
    attachments: z.array(z.unknown()).optional(),
    sticker_ids: z.array(z.string()).optional(),
    nonce: z.union([z.string(), z.number()]).optional(),
    enforce_nonce: z.boolean().optional(),
    poll: z.unknown().optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    const ids = (body.components ?? []).flatMap((row) => row.components.map((component) => component.custom_id)).filter(Boolean);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['components'], message: 'COMPONENT_CUSTOM_ID_DUPLICATED' });
    // 6000 characters in title, description, field names and values, footer and author, summed over all embeds.
    const total = (body.embeds ?? [])
      .flatMap((item) => [item.title, item.description, item.footer?.text, item.author?.name, ...(item.fields ?? []).flatMap((f) => [f.name, f.value])])
      .reduce((sum, text) => sum + (typeof text === 'string' ? text.length : 0), 0);
    if (total > 6000) ctx.addIssue({ code: 'custom', path: ['embeds'], message: 'MAX_EMBED_SIZE_EXCEEDED' });
  });

export const EMPTY_MESSAGE = 'Cannot send an empty message';

/** Creating a message needs something to show; an edit may change any subset. */
export const newMessageBody = messageBody.superRefine((body, ctx) => {
  if (!body.content && !body.embeds?.length && !body.components?.length && !body.sticker_ids?.length && !body.poll) {
    ctx.addIssue({ code: 'custom', path: [], message: EMPTY_MESSAGE });
  }
});

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

const choice = z
  .object({ name: z.string().min(1).max(100, 'BASE_TYPE_BAD_LENGTH'), name_localizations: localizations(100), value: z.union([z.string().max(100, 'BASE_TYPE_BAD_LENGTH'), z.number()]) })
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
  for (const [index, item] of (option.choices ?? []).entries()) {
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

/** The choices of an autocomplete result (callback type 8). */
export const autocompleteBody = z.object({ choices: z.array(choice).max(25, 'BASE_TYPE_BAD_LENGTH') }).strict();

const textInput = z
  .object({
    type: z.literal(4),
    custom_id: customId,
    style: z.union([z.literal(1), z.literal(2)]),
    label: z.string().min(1).max(45, 'BASE_TYPE_MAX_LENGTH'),
    min_length: z.number().int().min(0).max(4000).optional(),
    max_length: z.number().int().min(1).max(4000).optional(),
    required: z.boolean().optional(),
    value: z.string().max(4000, 'BASE_TYPE_MAX_LENGTH').optional(),
    placeholder: z.string().max(100, 'BASE_TYPE_MAX_LENGTH').optional(),
  })
  .strict();

/** A modal (callback type 9): a title and one to five rows of one text input each. */
export const modalBody = z
  .object({
    custom_id: customId,
    title: z.string().min(1).max(45, 'BASE_TYPE_MAX_LENGTH'),
    components: z
      .array(z.object({ type: z.literal(1), components: z.array(textInput).length(1, 'BASE_TYPE_BAD_LENGTH') }).strict())
      .min(1, 'BASE_TYPE_BAD_LENGTH')
      .max(5, 'BASE_TYPE_BAD_LENGTH'),
  })
  .strict();

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

/** The `errors` tree of a 50035: `{ data: { components: { 0: { _errors: [...] } } } }`. */
export function formErrors(error: z.ZodError, prefix: Array<string | number> = []): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const issue of error.issues) {
    let node = tree;
    for (const key of [...prefix, ...issue.path]) {
      const name = String(key);
      node[name] ??= {};
      node = node[name] as Record<string, unknown>;
    }
    const code = /^[A-Z_]+$/.test(issue.message) ? issue.message : defaultCode(issue);
    const list = (node._errors ??= []) as Array<{ code: string; message: string }>;
    list.push({ code, message: describeCode(code, issue) });
  }
  return tree;
}

/** Whether the only problem is an empty message (Discord answers that with 50006, not 50035). */
export function isEmptyMessage(error: z.ZodError): boolean {
  return error.issues.length === 1 && error.issues[0]?.message === EMPTY_MESSAGE;
}

function defaultCode(issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_big') return issue.origin === 'number' ? 'NUMBER_TYPE_MAX' : 'BASE_TYPE_MAX_LENGTH';
  if (issue.code === 'too_small') return issue.origin === 'number' ? 'NUMBER_TYPE_MIN' : 'BASE_TYPE_BAD_LENGTH';
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'BASE_TYPE_REQUIRED';
  return 'BASE_TYPE_INVALID';
}

/** Discord's wording for the codes this simulator emits. */
const MESSAGES: Record<string, string> = {
  BASE_TYPE_REQUIRED: 'This field is required',
  BASE_TYPE_INVALID: 'Invalid value.',
  COMPONENT_CUSTOM_ID_DUPLICATED: 'Component custom id cannot be duplicated',
  COMPONENT_LAYOUT_WIDTH_EXCEEDED: 'The specified component exceeds the maximum width',
  COMPONENT_LAYOUT_INVALID: 'Invalid component layout: a link button needs a url and no custom_id, other buttons a custom_id and no url',
  BUTTON_COMPONENT_MISSING_LABEL: 'A button needs a label or an emoji',
  MAX_EMBED_SIZE_EXCEEDED: 'Embed size exceeds maximum size of 6000',
  APPLICATION_COMMAND_INVALID_NAME: 'Command name is invalid',
  APPLICATION_COMMANDS_DUPLICATE_NAME: 'Application command names must be unique',
  APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS: 'Option names must be unique',
  APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID: 'Required options must be placed before non-required options',
  APPLICATION_COMMAND_OPTIONS_TYPE_INVALID: 'Sub-command and sub-command group option types are mutually exclusive to all other types',
  APPLICATION_COMMAND_OPTION_TYPE_INVALID: 'Invalid option type for this parent option',
  AUTOCOMPLETE_AND_CHOICES: 'Autocomplete cannot be enabled with choices',
  INVALID_LOCALE: 'Invalid locale',
};

function describeCode(code: string, issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_big') return issue.origin === 'number' ? `int value should be less than or equal to ${String(issue.maximum)}.` : `Must be ${String(issue.maximum)} or fewer in length.`;
  if (issue.code === 'too_small') return issue.origin === 'number' ? `int value should be greater than or equal to ${String(issue.minimum)}.` : `Must be ${String(issue.minimum)} or more in length.`;
  return MESSAGES[code] ?? (/^[A-Z_]+$/.test(issue.message) ? code.toLowerCase().replaceAll('_', ' ') : issue.message);
}
