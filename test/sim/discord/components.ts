/**
 * Message components as Discord validates them: action rows of up to five buttons or one select.
 * Buttons follow Discord's style rules (components reference): styles 1-4 need a custom_id and
 * no url; a link (5) needs an http, https or discord url of at most 512 characters and no
 * custom_id; a premium button (6) needs a sku_id and nothing else. Codes and wording are the ones
 * Discord answers where known (components.test.ts names the sources).
 */
import { z } from 'zod';
import { coded } from './form-errors.ts';

const between = (min: number, max: number) => coded('BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
export const customId = z.string().min(1, between(1, 100)).max(100, between(1, 100));
/** The optional numeric component id (unique per message; Discord assigns one when absent). */
export const componentId = z.number().int().min(0).max(2_147_483_647).optional();
const snowflake = z.string().regex(/^\d{17,20}$/, coded('NUMBER_TYPE_COERCE', 'Value is not snowflake.'));
export const selectBounds = {
  placeholder: z.string().max(150, 'BASE_TYPE_MAX_LENGTH').optional(),
  min_values: z.number().int().min(0).max(25).optional(),
  max_values: z.number().int().min(1).max(25).optional(),
  disabled: z.boolean().optional(),
};

/** min_values <= max_values, and a string select cannot ask for more values than it offers. */
export function checkSelectValues(select: { min_values?: number | undefined; max_values?: number | undefined; options?: unknown[] }, ctx: z.RefinementCtx): void {
  const min = select.min_values ?? 1;
  const max = select.max_values ?? 1;
  if (min > max) ctx.addIssue({ code: 'custom', path: ['min_values'], message: 'BASE_TYPE_INVALID' });
  if (select.options && Math.max(min, max) > select.options.length) {
    ctx.addIssue({ code: 'custom', path: [select.min_values !== undefined && min > select.options.length ? 'min_values' : 'max_values'], message: 'BASE_TYPE_INVALID' });
  }
}

const CUSTOM_ID_REQUIRED = coded('BUTTON_COMPONENT_CUSTOM_ID_REQUIRED', 'A custom id is required');
const URL_REQUIRED = coded('BUTTON_COMPONENT_URL_REQUIRED', 'A url is required');
const MUTUALLY_EXCLUSIVE = coded('BUTTON_COMPONENT_CUSTOM_ID_URL_MUTUALLY_EXCLUSIVE', 'A custom id and url cannot both be specified');
const LINK_SCHEMES = new Set(['http:', 'https:', 'discord:']);

/** The url error Discord gives a link button, if any (scheme first, then well-formedness). */
function urlIssue(url: string): string | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1];
  if (scheme && !LINK_SCHEMES.has(`${scheme.toLowerCase()}:`)) {
    return coded('URL_TYPE_INVALID_SCHEME', `Scheme "${scheme}" is not supported. Scheme must be one of ('http', 'https', 'discord').`);
  }
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'discord:' && !parsed.hostname) throw new Error('no host');
    return undefined;
  } catch {
    return coded('URL_TYPE_INVALID_URL', 'Not a well formed URL.');
  }
}

type Button = { style: number; custom_id?: string | undefined; url?: string | undefined; sku_id?: string | undefined; label?: string | undefined; emoji?: unknown };

function checkButton(button: Button, ctx: z.RefinementCtx): void {
  const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
  if (button.style === 6) {
    if (button.sku_id === undefined) issue('sku_id', 'BASE_TYPE_REQUIRED');
    for (const field of ['custom_id', 'url', 'label', 'emoji'] as const) if (button[field] !== undefined) issue(field, 'BASE_TYPE_INVALID');
    return;
  }
  if (button.sku_id !== undefined) issue('sku_id', 'BASE_TYPE_INVALID');
  if (button.custom_id !== undefined && button.url !== undefined) {
    issue('custom_id', MUTUALLY_EXCLUSIVE);
    issue('url', MUTUALLY_EXCLUSIVE);
  } else if (button.style === 5) {
    if (button.url === undefined) issue('url', URL_REQUIRED);
    else if (button.url.length <= 512) {
      const problem = urlIssue(button.url);
      if (problem) issue('url', problem);
    }
  } else if (button.custom_id === undefined) issue('custom_id', CUSTOM_ID_REQUIRED);
  else if (button.url !== undefined) issue('url', 'BASE_TYPE_INVALID');
  if (!button.label && !button.emoji) issue('label', 'BUTTON_COMPONENT_MISSING_LABEL');
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
    sku_id: snowflake.optional(),
  })
  .strict()
  .superRefine(checkButton);

/** A string select's options: 1-25, labels and values 1-100 characters. */
export const selectOptions = z
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
  .max(25, 'BASE_TYPE_BAD_LENGTH');

const stringSelect = z
  .object({
    type: z.literal(3),
    id: componentId,
    custom_id: customId,
    ...selectBounds,
    options: selectOptions,
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
    default_values: z.array(z.object({ id: snowflake, type: z.enum(['user', 'role', 'channel']) }).strict()).max(25).optional(),
    channel_types: z.array(z.number().int()).optional(),
  })
  .strict()
  .superRefine(checkSelectValues);

export const actionRow = z
  .object({ type: z.literal(1), id: componentId, components: z.array(z.discriminatedUnion('type', [button, stringSelect, autoSelect])).min(1, 'BASE_TYPE_BAD_LENGTH').max(5, 'BASE_TYPE_BAD_LENGTH') })
  .strict()
  .superRefine((row, ctx) => {
    const selects = row.components.filter((component) => component.type !== 2).length;
    if (selects && row.components.length > 1) ctx.addIssue({ code: 'custom', path: ['components'], message: 'COMPONENT_LAYOUT_WIDTH_EXCEEDED' });
  });
