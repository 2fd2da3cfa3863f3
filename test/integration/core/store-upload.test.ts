import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalFileStore } from '../../../bots/files/local-file-store.ts';
import { communityFiles } from '../../../core/db/schema/index.ts';
import { describeError } from '../../../core/errors.ts';
import type { FileStore } from '../../../core/files/file-store.ts';
import { storeUpload } from '../../../core/files/store-upload.ts';
import type { Actor } from '../../../core/members/actor.ts';
import { resolveActor } from '../../../core/members/resolve-actor.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

/** A creator's upload on real Postgres and the local file store. */
describe('storeUpload', () => {
  let database: TestDatabase;
  let files: FileStore;
  let root: string;
  const actors: Partial<Record<'creator' | 'member', Actor>> = {};

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    root = await mkdtemp(path.join(tmpdir(), 'lyceum-uploads-'));
    files = createLocalFileStore(root);
    for (const role of ['creator', 'member'] as const) {
      const resolved = await resolveActor({ db: database.db }, { platform: 'console', userId: consolePersonas[role].userId, displayName: consolePersonas[role].displayName, spaceId: CONSOLE_SPACE_ID });
      if (!resolved.ok) throw new Error('no actor');
      actors[role] = resolved.value;
    }
  });
  afterAll(async () => {
    await database.drop();
    await rm(root, { recursive: true, force: true });
  });

  it('stores a creator’s PDF once, however often it is uploaded, and records what the bytes are', async () => {
    const first = await storeUpload({ db: database.db, files }, actors.creator!, { name: 'slides-week-1.txt', bytes: PDF });
    expect(first).toMatchObject({ ok: true, value: { kind: 'document', mime: 'application/pdf', size: PDF.length, deduplicated: false } });
    const again = await storeUpload({ db: database.db, files }, actors.creator!, { name: 'copy.pdf', bytes: PDF });
    expect(again).toMatchObject({ ok: true, value: { deduplicated: true } });
    if (!first.ok || !again.ok) throw new Error('unreachable');
    expect(again.value.fileId).toBe(first.value.fileId);
    expect(await files.has(first.value.sha256)).toBe(true);
    expect(await database.db.select().from(communityFiles)).toHaveLength(1);
  });

  it('refuses members, oversized files and types lessons may not carry, with a clear reason, writing nothing', async () => {
    expect(await storeUpload({ db: database.db, files }, actors.member!, { name: 'x.pdf', bytes: PDF })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const big = await storeUpload({ db: database.db, files }, actors.creator!, { name: 'x.pdf', bytes: PDF }, { maxBytes: 10, maxFilesPerLesson: 1 });
    expect(big).toMatchObject({ ok: false, error: { code: 'upload_refused', reason: 'too_large' } });
    const exe = await storeUpload({ db: database.db, files }, actors.creator!, { name: 'lesson.pdf', bytes: new Uint8Array([0x4d, 0x5a, ...new Array(200).fill(0)]) });
    expect(exe).toMatchObject({ ok: false, error: { code: 'upload_refused', reason: 'type_refused' } });
    if (exe.ok) throw new Error('unreachable');
    expect(describeError('en', exe.error).body).toMatch(/^That file can't be used: lessons take PDF/);
    expect(await database.db.select().from(communityFiles)).toHaveLength(1);
  });
});
