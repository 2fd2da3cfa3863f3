import { z } from 'zod';

/**
 * Request bodies as Discord validates them (limits from the API reference and the published
 * OpenAPI description), and failures in its 50035 "Invalid Form Body" shape.
 */
const customId = z.string().min(1, 'BASE_TYPE_BAD_LENGTH').max(100, 'BASE_TYPE_BAD_LENGTH');

const button = z
  .object({
    type: z.literal(2),
    style: z.number().int().min(1).max(6),
    label: z.string().max(80, 'BASE_TYPE_MAX_LENGTH').optional(),
    custom_id: customId.optional(),
    url: z.string().max(512).optional(),
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
    custom_id: customId,
    placeholder: z.string().max(150, 'BASE_TYPE_MAX_LENGTH').optional(),
    min_values: z.number().int().min(0).max(25).optional(),
    max_values: z.number().int().min(1).max(25).optional(),
    disabled: z.boolean().optional(),
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
  .strict();

const actionRow = z
  .object({ type: z.literal(1), components: z.array(z.union([button, stringSelect])).min(1).max(5, 'BASE_TYPE_BAD_LENGTH') })
  .strict()
  .superRefine((row, ctx) => {
    const selects = row.components.filter((component) => component.type === 3).length;
    if (selects && row.components.length > 1) ctx.addIssue({ code: 'custom', path: ['components'], message: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED' });
  });

const embed = z
  .object({
    title: z.string().max(256, 'BASE_TYPE_MAX_LENGTH').optional(),
    description: z.string().max(4096, 'BASE_TYPE_MAX_LENGTH').optional(),
    url: z.string().optional(),
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
    for (const [index, item] of (body.embeds ?? []).entries()) {
      const total = [item.title, item.description, item.footer?.text, item.author?.name, ...(item.fields ?? []).flatMap((f) => [f.name, f.value])]
        .filter((text): text is string => typeof text === 'string')
        .reduce((sum, text) => sum + text.length, 0);
      if (total > 6000) ctx.addIssue({ code: 'custom', path: ['embeds', index], message: 'MAX_EMBED_SIZE_EXCEEDED' });
    }
  });

/** Creating a message needs something to show; an edit may change any subset. */
export const newMessageBody = messageBody.superRefine((body, ctx) => {
  if (!body.content && !body.embeds?.length && !body.components?.length && !body.sticker_ids?.length && !body.poll) {
    ctx.addIssue({ code: 'custom', path: [], message: 'Cannot send an empty message' });
  }
});

const NAME = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
const LOCALES = new Set(['id', 'da', 'de', 'en-GB', 'en-US', 'es-ES', 'es-419', 'fr', 'hr', 'it', 'lt', 'hu', 'nl', 'no', 'pl', 'pt-BR', 'ro', 'fi', 'sv-SE', 'vi', 'tr', 'cs', 'el', 'bg', 'ru', 'uk', 'hi', 'th', 'zh-CN', 'ja', 'zh-TW', 'ko']);
const localizations = (max: number) =>
  z
    .record(z.string(), z.string().min(1).max(max))
    .nullable()
    .optional()
    .refine((value) => !value || Object.keys(value).every((locale) => LOCALES.has(locale)), 'INVALID_LOCALE');
const lowerName = z.string().regex(NAME, 'APPLICATION_COMMAND_INVALID_NAME').refine((name) => name === name.toLowerCase(), 'APPLICATION_COMMAND_INVALID_NAME');

const commandOption = z
  .object({
    type: z.number().int().min(1).max(11),
    name: lowerName,
    name_localizations: localizations(32),
    description: z.string().min(1).max(100, 'BASE_TYPE_BAD_LENGTH'),
    description_localizations: localizations(100),
    required: z.boolean().optional(),
    choices: z.array(z.object({ name: z.string().min(1).max(100), value: z.union([z.string().max(100), z.number()]) }).loose()).max(25).optional(),
    autocomplete: z.boolean().optional(),
    min_length: z.number().int().min(0).max(6000).optional(),
    max_length: z.number().int().min(1).max(6000).optional(),
    min_value: z.number().optional(),
    max_value: z.number().optional(),
    channel_types: z.array(z.number()).optional(),
    options: z.array(z.unknown()).optional(),
  })
  .strict()
  .superRefine((option, ctx) => {
    if (option.autocomplete && option.choices?.length) ctx.addIssue({ code: 'custom', path: ['autocomplete'], message: 'AUTOCOMPLETE_AND_CHOICES' });
  });

export const commandBody = z
  .object({
    name: lowerName,
    name_localizations: localizations(32),
    description: z.string().max(100, 'BASE_TYPE_BAD_LENGTH').optional(),
    description_localizations: localizations(100),
    type: z.number().int().min(1).max(4).optional(),
    options: z.array(commandOption).max(25, 'BASE_TYPE_MAX_LENGTH').optional(),
    default_member_permissions: z.string().regex(/^\d+$/).nullable().optional(),
    dm_permission: z.boolean().nullable().optional(),
    nsfw: z.boolean().optional(),
    contexts: z.array(z.number().int().min(0).max(2)).nullable().optional(),
    integration_types: z.array(z.number().int().min(0).max(1)).optional(),
    id: z.string().optional(),
  })
  .strict()
  .superRefine((command, ctx) => {
    const type = command.type ?? 1;
    if (type === 1 && !command.description) ctx.addIssue({ code: 'custom', path: ['description'], message: 'BASE_TYPE_REQUIRED' });
    const options = command.options ?? [];
    const firstOptional = options.findIndex((option) => !option.required);
    if (firstOptional >= 0 && options.slice(firstOptional).some((option) => option.required)) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID' });
    }
  });

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

export const commandsBody = z.array(commandBody).max(100, 'BASE_TYPE_MAX_LENGTH');

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
    const code = /^[A-Z_]+$/.test(issue.message) ? issue.message : issue.code === 'too_big' ? 'BASE_TYPE_MAX_LENGTH' : 'BASE_TYPE_INVALID';
    const list = (node._errors ??= []) as Array<{ code: string; message: string }>;
    list.push({ code, message: issue.message === code ? describeCode(code, issue) : issue.message });
  }
  return tree;
}

function describeCode(code: string, issue: z.core.$ZodIssue): string {
  if (issue.code === 'too_big' && 'maximum' in issue) return `Must be ${String(issue.maximum)} or fewer in length.`;
  if (issue.code === 'too_small' && 'minimum' in issue) return `Must be ${String(issue.minimum)} or more in length.`;
  return code.toLowerCase().replaceAll('_', ' ');
}
