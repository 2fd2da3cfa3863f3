import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateSchemas, schemaFingerprint, schemasFile } from './generate-schemas.ts';

const committed = JSON.parse(readFileSync(schemasFile, 'utf8')) as ReturnType<typeof generateSchemas>;

describe('schemas.json', () => {
  it('was generated from the installed stripe package, this generator and param-types.ts', () => {
    expect({ stripeVersion: committed.stripeVersion, inputsHash: committed.inputsHash }).toEqual(schemaFingerprint());
  });

  it('equals a fresh generation (run generate-schemas.ts if not)', { timeout: 60_000 }, () => {
    expect(JSON.parse(JSON.stringify(generateSchemas()))).toEqual(committed);
  });
});
