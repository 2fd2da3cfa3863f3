/**
 * What a Discord client lets a member submit for a registered command, as the `data.options` of
 * an INTERACTION_CREATE: typed values (3 string, 4 integer, 5 boolean, 6 user, 7 channel, 8 role,
 * 9 mentionable, 10 number, 11 attachment: a `SimUpload`), subcommands nested under their group,
 * choices and bounds enforced.
 * A scripted user asking for something the client would not allow gets a thrown Error instead.
 */
import type { SimUpload } from './types.ts';

export type OptionValue = string | number | boolean | SimUpload;
export type InteractionOption = { name: string; type: number; value?: OptionValue; focused?: boolean; options?: InteractionOption[] };

/** The registered option definition (the subset of Discord's shape this reads). */
export type OptionDefinition = {
  type: number;
  name: string;
  required?: boolean | undefined;
  autocomplete?: boolean | undefined;
  choices?: Array<{ value: string | number }> | undefined;
  min_length?: number | undefined;
  max_length?: number | undefined;
  min_value?: number | undefined;
  max_value?: number | undefined;
  options?: OptionDefinition[] | undefined;
};

/**
 * Resolves a mentioned id (user, channel, role) for the interaction's `resolved` data, throwing if
 * unknown; for an attachment (11) it keeps the file and returns its attachment id.
 */
export type ResolveTarget = (type: number, value: string | SimUpload) => string | void;

const SUBCOMMAND = 1;
const GROUP = 2;

/**
 * Builds `data.options` for `/<command> [group] [subcommand]` (`invocation` is the words after the
 * command name). With `focused` (autocomplete), that option is sent as the raw partial input and
 * missing required options are allowed, as Discord does while the user is still typing.
 */
export function buildOptions(
  command: { name: string; options?: OptionDefinition[] | undefined },
  invocation: string[],
  given: Record<string, OptionValue>,
  resolve: ResolveTarget,
  focused?: string,
): InteractionOption[] {
  const definitions = command.options ?? [];
  const nested = definitions.some((definition) => definition.type === SUBCOMMAND || definition.type === GROUP);
  if (!nested) {
    if (invocation.length) throw refusal(`/${command.name} has no subcommand "${invocation.join(' ')}"`);
    return leafOptions(command.name, definitions, given, resolve, focused);
  }
  const [first, ...rest] = invocation;
  const branch = definitions.find((definition) => definition.name === first);
  if (!branch) throw refusal(`/${command.name} needs one of its subcommands: ${definitions.map((definition) => definition.name).join(', ')}`);
  const label = `${command.name} ${branch.name}`;
  if (branch.type === SUBCOMMAND) {
    if (rest.length) throw refusal(`/${label} has no subcommand "${rest.join(' ')}"`);
    return [{ name: branch.name, type: SUBCOMMAND, options: leafOptions(label, branch.options ?? [], given, resolve, focused) }];
  }
  return [{ name: branch.name, type: GROUP, options: buildOptions({ name: label, options: branch.options }, rest, given, resolve, focused) }];
}

function leafOptions(label: string, definitions: OptionDefinition[], given: Record<string, OptionValue>, resolve: ResolveTarget, focused?: string): InteractionOption[] {
  for (const name of Object.keys(given)) {
    if (!definitions.some((definition) => definition.name === name)) throw refusal(`/${label} has no option "${name}"`);
  }
  if (focused !== undefined && !definitions.some((definition) => definition.name === focused)) throw refusal(`/${label} has no option "${focused}" to autocomplete`);
  return definitions.flatMap((definition) => {
    const value = given[definition.name];
    if (definition.name === focused) return [{ name: definition.name, type: definition.type, value: String(value ?? ''), focused: true }];
    if (value === undefined) {
      if (definition.required && focused === undefined) throw refusal(`/${label} needs option "${definition.name}"`);
      return [];
    }
    return [{ name: definition.name, type: definition.type, value: typedValue(label, definition, value, resolve) }];
  });
}

function typedValue(label: string, definition: OptionDefinition, value: OptionValue, resolve: ResolveTarget): OptionValue {
  const where = `/${label} option "${definition.name}"`;
  let typed: OptionValue;
  const upload = typeof value === 'object' ? value : undefined;
  if (upload && definition.type !== 11) throw refusal(`${where} takes no file`);
  switch (definition.type) {
    case 3: {
      if (typeof value === 'boolean') throw refusal(`${where} takes text, not ${value}`);
      typed = String(value);
      if (definition.max_length !== undefined && typed.length > definition.max_length) throw refusal(`${where} is longer than ${definition.max_length}`);
      if (typed.length < Math.max(1, definition.min_length ?? 1)) throw refusal(`${where} is shorter than ${Math.max(1, definition.min_length ?? 1)}`);
      break;
    }
    case 4:
    case 10: {
      typed = typeof value === 'boolean' || value === '' ? Number.NaN : Number(value);
      if (definition.type === 4 ? !Number.isSafeInteger(typed) : !Number.isFinite(typed)) throw refusal(`${where} takes ${definition.type === 4 ? 'an integer' : 'a number'}, not ${JSON.stringify(value)}`);
      if (definition.min_value !== undefined && typed < definition.min_value) throw refusal(`${where} is below ${definition.min_value}`);
      if (definition.max_value !== undefined && typed > definition.max_value) throw refusal(`${where} is above ${definition.max_value}`);
      break;
    }
    case 5:
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') throw refusal(`${where} takes true or false, not ${JSON.stringify(value)}`);
      typed = value === true || value === 'true';
      break;
    case 6:
    case 7:
    case 8:
    case 9:
      typed = String(value);
      resolve(definition.type, typed);
      break;
    case 11: {
      if (!upload || typeof upload.name !== 'string' || upload.data === undefined) throw refusal(`${where} takes a file ({ name, data }), not ${JSON.stringify(value)}`);
      if (!upload.name) throw refusal(`${where}: the file needs a name`);
      typed = resolve(11, upload) ?? '';
      break;
    }
    default:
      throw refusal(`${where} has type ${definition.type}, which the simulator cannot fill in`);
  }
  if (definition.choices?.length && !definition.choices.some((choice) => choice.value === typed)) {
    throw refusal(`${where} must be one of its choices: ${definition.choices.map((choice) => JSON.stringify(choice.value)).join(', ')}`);
  }
  return typed;
}

/** The option a value list targets: the leaf options under the invoked subcommand. */
export function focusedDefinition(command: { options?: OptionDefinition[] | undefined }, invocation: string[], focused: string): OptionDefinition | undefined {
  let definitions = command.options ?? [];
  for (const word of invocation) definitions = definitions.find((definition) => definition.name === word)?.options ?? [];
  return definitions.find((definition) => definition.name === focused);
}

function refusal(message: string): Error {
  return new Error(`discord sim: ${message}`);
}
