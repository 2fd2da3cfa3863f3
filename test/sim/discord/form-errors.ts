/**
 * Discord's 50035 "Invalid Form Body" `errors` tree, built from zod issues. A schema names the
 * Discord code in the issue message (`'BASE_TYPE_MAX_LENGTH'`), or the code and Discord's exact
 * wording (`'BUTTON_COMPONENT_URL_REQUIRED|A url is required'`).
 */
import { z } from 'zod';

export const EMPTY_MESSAGE = 'Cannot send an empty message';

/** An issue message carrying a Discord code and its wording. */
export const coded = (code: string, message: string) => `${code}|${message}`;

/** A number that must be one of `values` (Discord's BASE_TYPE_CHOICES). */
export const choices = (values: number[]) =>
  z.number().refine((value) => values.includes(value), coded('BASE_TYPE_CHOICES', `Value must be one of {${values.join(', ')}}.`));

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
    const [head, wording] = issue.message.split('|', 2);
    const code = head && /^[A-Z_]+$/.test(head) ? head : defaultCode(issue);
    const list = (node._errors ??= []) as Array<{ code: string; message: string }>;
    list.push({ code, message: wording ?? describeCode(code, issue) });
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

/** Discord's wording for the codes this simulator emits without an explicit one. */
const MESSAGES: Record<string, string> = {
  BASE_TYPE_REQUIRED: 'This field is required',
  BASE_TYPE_INVALID: 'Invalid value.',
  COMPONENT_CUSTOM_ID_DUPLICATED: 'Component custom id cannot be duplicated',
  COMPONENT_LAYOUT_WIDTH_EXCEEDED: 'The specified component exceeds the maximum width',
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
