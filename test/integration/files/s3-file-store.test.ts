import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3FileStore } from '../../../bots/files/s3-file-store.ts';
import { fileStoreContract } from '../../contract/file-store.ts';
import { type S3Sim, startS3Sim } from '../../sim/s3/index.ts';

let sim: S3Sim;
beforeAll(async () => {
  sim = await startS3Sim();
});
afterAll(() => sim?.close());

const storeOn = (s3: S3Sim, overrides: { secretAccessKey?: string } = {}) =>
  createS3FileStore({ bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: overrides.secretAccessKey ?? s3.secretAccessKey, prefix: `run-${randomBytes(4).toString('hex')}/` });

// Leftovers on S3: objects written by puts that failed (there is no temporary area; a failed put must write nothing).
fileStoreContract('S3', async () => {
  const before = sim.objects.size;
  const store = storeOn(sim);
  return { store, leftovers: async () => sim.objects.size - before };
});

describe('S3 file store against the simulator', () => {
  it('signs its requests the way S3 checks them: a wrong secret is refused, nothing is written', async () => {
    const before = sim.objects.size;
    // The HEAD before the PUT is refused first; a HEAD answer has no body, so the SDK sees a bare 403.
    await expect(storeOn(sim, { secretAccessKey: 'wrong' }).put(randomBytes(10), { maxBytes: 100 })).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    expect(sim.calls.at(-1)).toMatchObject({ method: 'HEAD', status: 403, code: 'SignatureDoesNotMatch' });
    expect(sim.objects.size).toBe(before);
  });

  it('retries a PUT the server failed, and writes the same bytes once', async () => {
    const store = storeOn(sim);
    const bytes = randomBytes(1_000);
    sim.failNextPut();
    const stored = await store.put(bytes, { maxBytes: 10_000 });
    expect(await store.put(bytes, { maxBytes: 10_000 })).toEqual(stored);
    expect(sim.calls.filter((call) => call.method === 'PUT' && call.key.endsWith(stored.sha256)).map((call) => call.status)).toEqual([500, 200]);
  });
});
