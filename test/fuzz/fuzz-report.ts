import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

/** `npm test` runs a bounded number of cases per input; `npm run fuzz` multiplies it (FUZZ_SCALE). */
export const runs = (base: number) => Math.max(1, Math.round(base * Number(process.env.FUZZ_SCALE ?? 1)));

/**
 * Runs one property over one external input and records how many cases ran and whether it held,
 * for `npm run fuzz` to print (FUZZ_REPORT names the file). The property fails the test as usual.
 */
export async function fuzz<T>(input: string, arbitrary: fc.Arbitrary<T>, property: (value: T) => Promise<void> | void, base: number): Promise<void> {
  const numRuns = runs(base);
  let failed = false;
  try {
    await fc.assert(fc.asyncProperty(arbitrary, async (value) => { await property(value); }), { numRuns, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined });
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    if (process.env.FUZZ_REPORT) appendFileSync(process.env.FUZZ_REPORT, `${JSON.stringify({ input, cases: numRuns, failures: failed ? 1 : 0 })}\n`);
  }
}
