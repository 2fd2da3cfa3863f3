/**
 * Validates a qs-parsed request against the JSON Schema generated from the stripe package's own
 * param types (schemas.json), and renders failures the way Stripe does:
 * "Received unknown parameter: foo" (parameter_unknown), "Missing required param: x."
 * (parameter_missing), "Invalid integer: abc" (parameter_invalid_integer), empty strings for
 * params that cannot be unset (parameter_invalid_empty), "Invalid mode: must be one of ...".
 * `''` where the type is `Emptyable` means "unset" and comes back as `null`.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { invalidRequest } from './errors.ts';
import type { OperationName } from './param-types.ts';

type Schema = { [key: string]: unknown };
export type Params = Record<string, unknown>;

let operations: Record<string, Schema> | undefined;
const compiled = new Map<string, ValidateFunction>();
const ajv = new Ajv({ coerceTypes: true, allErrors: true, strict: false, code: { optimize: false } });

function schemaFor(operation: OperationName): Schema {
  operations ??= (JSON.parse(readFileSync(new URL('./schemas.json', import.meta.url), 'utf8')) as {
    operations: Record<string, Schema>;
  }).operations;
  const schema = operations[operation];
  if (!schema) throw new Error(`schemas.json has no ${operation}: run generate-schemas.ts`);
  return schema;
}

/** Returns the params with `''` unsets turned into `null` and numbers/booleans coerced, or throws. */
export function validateParams(operation: OperationName, raw: Params): Params {
  const schema = schemaFor(operation);
  const params = normalizeEmpty(structuredClone(raw), schema, [], false) as Params;
  const validate = validatorFor(operation, schema, Object.keys(params));
  if (!validate(params)) throw toStripeError(validate.errors ?? [], params);
  return params;
}

/**
 * Compiling a whole create schema takes ajv 1-2 s (Checkout's is 32 KB), so the sim compiles the
 * schema cut down to the top-level params this request has (plus `required`), cached per set of
 * names. Top-level properties are independent, so the verdict is the same as the full schema's:
 * a name outside the cut is unknown to the full schema too.
 */
function validatorFor(operation: OperationName, schema: Schema, present: string[]): ValidateFunction {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const known = present.filter((name) => Object.hasOwn(properties, name)).sort();
  const cacheKey = `${operation}:${known.join(',')}`;
  let validate = compiled.get(cacheKey);
  if (!validate) {
    validate = ajv.compile({ ...schema, properties: Object.fromEntries(known.map((name) => [name, properties[name]])) });
    compiled.set(cacheKey, validate);
  }
  return validate;
}

/** Bracket notation Stripe uses in `param`: line_items[0][price_data][currency]. */
export function paramPath(segments: readonly (string | number)[]): string {
  const [first, ...rest] = segments;
  return `${first ?? ''}${rest.map((s) => `[${s}]`).join('')}`;
}

function branches(schema: Schema | undefined): Schema[] {
  if (!schema) return [];
  return Array.isArray(schema.anyOf) ? (schema.anyOf as Schema[]).flatMap(branches) : [schema];
}

function hasType(schema: Schema, type: string): boolean {
  return schema.type === type || (Array.isArray(schema.type) && schema.type.includes(type));
}

function normalizeEmpty(value: unknown, schema: Schema | undefined, path: (string | number)[], inMap: boolean): unknown {
  const options = branches(schema);
  if (value === '') {
    if (!schema) return value; // unknown parameter: ajv reports it
    if (inMap && options.some((b) => hasType(b, 'string'))) return value;
    if (options.some((b) => b.const === '' || (Array.isArray(b.enum) && b.enum.includes('')))) return null;
    const name = paramPath(path);
    throw invalidRequest(
      `You passed an empty string for '${name}'. We assume empty values are an attempt to unset a parameter; however '${name}' cannot be unset. You should remove '${name}' from your request or supply a non-empty value.`,
      { param: name, code: 'parameter_invalid_empty' },
    );
  }
  if (Array.isArray(value)) {
    const items = options.find((b) => hasType(b, 'array'))?.items as Schema | undefined;
    return value.map((item, index) => normalizeEmpty(item, items, [...path, index], false));
  }
  if (value && typeof value === 'object') {
    const object = options.find((b) => hasType(b, 'object'));
    const properties = (object?.properties ?? {}) as Record<string, Schema>;
    const extra = object?.additionalProperties;
    for (const [key, child] of Object.entries(value)) {
      const known = properties[key];
      const childSchema = known ?? (extra && typeof extra === 'object' ? (extra as Schema) : undefined);
      (value as Params)[key] = normalizeEmpty(child, childSchema, [...path, key], !known && childSchema !== undefined);
    }
  }
  return value;
}

const rank: Record<string, number> = { additionalProperties: 0, required: 1, enum: 2, pattern: 3, type: 4 };

function toStripeError(errors: ErrorObject[], params: Params) {
  const candidates = errors.filter((e) => e.keyword in rank && !(e.keyword === 'type' && e.params.type === 'null'));
  candidates.sort(
    (a, b) => (rank[a.keyword] ?? 9) - (rank[b.keyword] ?? 9) || depth(b.instancePath) - depth(a.instancePath),
  );
  const error = candidates[0] ?? errors[0];
  const segments = error ? error.instancePath.split('/').slice(1).map(decodePointer) : [];
  if (!error) return invalidRequest('Invalid request parameters.');
  if (error.keyword === 'additionalProperties') {
    const name = paramPath([...segments, error.params.additionalProperty as string]);
    return invalidRequest(`Received unknown parameter: ${name}`, { param: name, code: 'parameter_unknown' });
  }
  if (error.keyword === 'required') {
    const name = paramPath([...segments, error.params.missingProperty as string]);
    return invalidRequest(`Missing required param: ${name}.`, { param: name, code: 'parameter_missing' });
  }
  const name = paramPath(segments);
  const value = valueAt(params, segments);
  const field = String(segments.at(-1) ?? name);
  if (error.keyword === 'enum') {
    return invalidRequest(`Invalid ${field}: must be one of ${oxfordOr(error.params.allowedValues as string[])}`, {
      param: name,
    });
  }
  if (error.keyword === 'pattern') return invalidRequest(`Invalid decimal: ${String(value)}`, { param: name });
  const expected = String(error.params.type);
  if (expected.includes('number')) {
    return invalidRequest(`Invalid integer: ${String(value)}`, { param: name, code: 'parameter_invalid_integer' });
  }
  if (expected.includes('boolean')) return invalidRequest(`Invalid boolean: ${String(value)}`, { param: name });
  if (expected.includes('array')) return invalidRequest('Invalid array', { param: name });
  if (expected.includes('object')) return invalidRequest('Invalid object', { param: name });
  return invalidRequest(`Invalid string: ${JSON.stringify(value)}`, { param: name });
}

function depth(pointer: string) {
  return pointer.split('/').length;
}

function decodePointer(segment: string): string | number {
  const text = segment.replaceAll('~1', '/').replaceAll('~0', '~');
  return /^\d+$/.test(text) ? Number(text) : text;
}

function valueAt(root: unknown, segments: (string | number)[]): unknown {
  return segments.reduce<unknown>((node, key) => (node as Record<string | number, unknown> | undefined)?.[key], root);
}

function oxfordOr(values: string[]): string {
  if (values.length <= 2) return values.join(' or ');
  return `${values.slice(0, -1).join(', ')}, or ${values.at(-1)}`;
}

/** Stripe amounts, counts and timestamps are integers; the .d.ts only says `number`. */
export function requireInteger(value: unknown, param: string, { min }: { min?: number } = {}): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidRequest(`Invalid integer: ${String(value)}`, { param, code: 'parameter_invalid_integer' });
  }
  if (min !== undefined && value < min) {
    throw invalidRequest(`This value must be greater than or equal to ${min}.`, { param, code: 'parameter_invalid_integer' });
  }
  return value;
}
