/**
 * Generates schemas.json: one JSON Schema per operation in param-types.ts, derived from the
 * stripe package's own types. Run after upgrading `stripe` or adding an operation:
 *
 *   node --import tsx test/sim/stripe/generate-schemas.ts
 *
 * `schema-freshness.test.ts` regenerates in memory and fails if the committed file differs.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Stripe from 'stripe';
import { createGenerator } from 'ts-json-schema-generator';
import { operationNames } from './param-types.ts';

const typesFile = fileURLToPath(new URL('./param-types.ts', import.meta.url));
const tsconfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));
export const schemasFile = fileURLToPath(new URL('./schemas.json', import.meta.url));

type JsonSchema = { [key: string]: unknown };

const generatorFile = fileURLToPath(import.meta.url);

/**
 * Every input of the generation: the stripe version (its .d.ts), this generator and the alias
 * file. The freshness test compares it with the committed one instantly; the full regeneration
 * check is the slow second test.
 */
export function schemaFingerprint() {
  const stripeVersion = Stripe.PACKAGE_VERSION;
  const hash = createHash('sha256');
  for (const file of [typesFile, generatorFile]) hash.update(readFileSync(file));
  return { stripeVersion, inputsHash: hash.digest('hex').slice(0, 16) };
}

/** Builds the whole document (slow: a TypeScript program over the stripe types, ~4 s). */
export function generateSchemas() {
  const generator = createGenerator({
    path: typesFile,
    tsconfig,
    expose: 'none',
    jsDoc: 'none',
    skipTypeCheck: true,
    topRef: false,
    additionalProperties: false,
  });
  const operations: Record<string, JsonSchema> = {};
  for (const name of operationNames) {
    const { $schema: _ignored, definitions: _none, ...schema } = generator.createSchema(name) as JsonSchema;
    operations[name] = simplify(schema) as JsonSchema;
  }
  return { generatedBy: 'test/sim/stripe/generate-schemas.ts', ...schemaFingerprint(), operations };
}

/**
 * Wire-level fixes to the generated schemas:
 * - the SDK's branded `Decimal` travels as a decimal string;
 * - open enums (`'a' | 'b' | OtherString`) become closed: the pinned API version accepts only the
 *   values its own SDK lists, so e.g. `mode=foo` is rejected as Stripe would.
 */
function simplify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(simplify);
  if (!node || typeof node !== 'object') return node;
  const schema = node as JsonSchema;
  const properties = schema.properties as JsonSchema | undefined;
  if (properties && Object.keys(properties).some((key) => key.startsWith('__@'))) {
    return { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$' };
  }
  const branches = schema.anyOf as JsonSchema[] | undefined;
  if (branches) {
    const isPlainString = (b: JsonSchema) => b.type === 'string' && Object.keys(b).length === 1;
    const closedValues = (b: JsonSchema): unknown[] | undefined =>
      Array.isArray(b.enum) ? b.enum : typeof b.const === 'string' ? [b.const] : undefined;
    const plain = branches.filter(isPlainString);
    const enums = branches.filter((b) => !isPlainString(b) && closedValues(b) !== undefined);
    if (plain.length === 1 && enums.length >= 1) {
      const values = enums.flatMap((b) => closedValues(b) ?? []);
      const rest = branches.filter((b) => !plain.includes(b) && !enums.includes(b));
      const closed = { type: values.includes(null) ? ['null', 'string'] : 'string', enum: values };
      return rest.length === 0 ? closed : { anyOf: [...rest.map(simplify), closed] };
    }
  }
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, simplify(value)]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  writeFileSync(schemasFile, `${JSON.stringify(generateSchemas(), null, 1)}\n`);
  console.log(`wrote ${schemasFile} in ${Date.now() - started} ms`);
}
