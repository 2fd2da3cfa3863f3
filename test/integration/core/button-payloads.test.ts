import { commandDeps } from '../../support/core-deps.ts';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAction } from '../../../core/actions.ts';
import { pruneStoredPayloads } from '../../../core/button-payloads.ts';
import { buttonPayloads } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand, payloadEncoderFor } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import { CONSOLE_SPACE_ID, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity, consoleCaller } from '../../support/fixtures.ts';

const fitsIn = (max: number) => (encoded: string) => Buffer.byteLength(encoded) <= max;

describe('stored button payloads', () => {
  let database: TestDatabase;
  let member: Caller;
  let outsider: Caller;
  const longQuery = 'python '.repeat(12).trim();

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    member = consoleCaller(CONSOLE_SPACE_ID);
    outsider = consoleCaller((await createCommunity(database.db, { name: 'Elsewhere' })).spaceId);
  });
  afterAll(() => database.drop());

  it('leaves payloads that fit alone and stores the others once, as short references', async () => {
    const outcome = await handleCommand(commandDeps(database.db), member, 'courses', { query: longQuery, category: 'Programming' });
    const before = (await database.db.select().from(buttonPayloads)).length;
    const encode = await payloadEncoderFor(commandDeps(database.db), outcome, fitsIn(64));
    const again = await payloadEncoderFor(commandDeps(database.db), outcome, fitsIn(64));
    const stored = await database.db.select().from(buttonPayloads);
    expect(stored.length).toBeGreaterThan(before);
    const courseButton = (outcome.reply.actions ?? []).flatMap((row) => ('buttons' in row ? row.buttons : []))[0]!;
    expect('action' in courseButton && encode(courseButton.action)).toBe('action' in courseButton && encodeAction(courseButton.action));
    for (const row of outcome.reply.actions ?? []) {
      const actions = 'buttons' in row ? row.buttons.flatMap((b) => ('action' in b ? [b.action] : [])) : row.select.options.map((o) => o.action);
      for (const action of actions) {
        expect(Buffer.byteLength(encode(action))).toBeLessThanOrEqual(64);
        expect(again(action)).toBe(encode(action));
      }
    }
  });

  it('stores nothing when every payload fits', async () => {
    const outcome = await handleCommand(commandDeps(database.db), member, 'courses', { query: 'sql' });
    const before = await database.db.select().from(buttonPayloads);
    await payloadEncoderFor(commandDeps(database.db), outcome, fitsIn(64));
    expect(await database.db.select().from(buttonPayloads)).toEqual(before);
  });

  it('follows a reference in the presser’s community, and nowhere else', async () => {
    const outcome = await handleCommand(commandDeps(database.db), member, 'courses', { query: longQuery });
    expect(outcome.error).toBeUndefined();
    const encode = await payloadEncoderFor(commandDeps(database.db), outcome, fitsIn(20));
    const filter = (outcome.reply.actions ?? []).flatMap((row) => ('select' in row ? row.select.options : []))[1]!;
    const reference = encode(filter.action);
    expect(reference).toMatch(/^sp\|[A-Za-z0-9_-]{16}$/);

    const followed = await handleAction(commandDeps(database.db), member, reference);
    expect(followed.error).toBeUndefined();
    expect(followed.reply.title).toBe(`Courses matching "${longQuery}"`);

    const elsewhere = await handleAction(commandDeps(database.db), outsider, reference);
    expect(elsewhere.error).toEqual({ code: 'invalid_action' });
    for (const forged of ['sp|AAAAAAAAAAAAAAAA', 'sp|short', 'sp|']) {
      expect((await handleAction(commandDeps(database.db), member, forged)).error).toEqual({ code: 'invalid_action' });
    }
  });

  it('prunes references nobody has been shown for 30 days', async () => {
    const now = new Date();
    const [kept] = await database.db.select({ key: buttonPayloads.key }).from(buttonPayloads).limit(1);
    await database.db.update(buttonPayloads).set({ lastUsedAt: sql`now() - interval '31 days'` }).where(sql`${buttonPayloads.key} <> ${kept!.key}`);
    const stale = (await database.db.select().from(buttonPayloads)).length - 1;
    expect(await pruneStoredPayloads(database.db, now)).toBe(stale);
    expect(await database.db.select({ key: buttonPayloads.key }).from(buttonPayloads)).toEqual([{ key: kept!.key }]);
    expect(await pruneStoredPayloads(database.db, now)).toBe(0);
    await database.db.delete(buttonPayloads).where(eq(buttonPayloads.key, kept!.key));
  });
});
