import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleSupportGateway } from '../../../bots/console/support-gateway.ts';
import type { CommandDeps } from '../../../core/commands/index.ts';
import { supportMessages, supportTickets } from '../../../core/db/schema/index.ts';
import { handleCommand, handleMessage } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import { rotateSealedValues, unsealedCounts } from '../../../core/safety/rotate-keys.ts';
import { installDataKeys, newDataKeyText, parseDataKeys, SealedValueError } from '../../../core/safety/sealed-values.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { defaultClassifier } from '../../../core/support/intents/default-classifier.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { dumpText } from '../../support/dump.ts';
import { TEST_DATA_KEY_TEXT } from '../../support/data-keys.ts';

const persona = (role: keyof typeof consolePersonas): Caller => ({ platform: 'console', userId: consolePersonas[role].userId, displayName: consolePersonas[role].displayName, locale: 'en', spaceId: CONSOLE_SPACE_ID });
const keysOf = (text: string) => {
  const keys = parseDataKeys(text);
  if ('error' in keys) throw new Error(keys.error);
  return keys;
};

describe('sealed columns', () => {
  let database: TestDatabase;
  let deps: CommandDeps;
  const secrets = ['My card ending 4242 was charged twice, please call me at +44 7700 900123', 'Refunded the duplicate charge to the card on file', 'I want to speak to a person about my refund'];

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    deps = commandDeps(database.db, { support: { classifier: defaultClassifier(), gateways: { console: new ConsoleSupportGateway() } } });
    await handleMessage(deps, persona('member'), secrets[2]!);
    await handleMessage(deps, persona('member'), secrets[0]!);
    expect((await handleCommand(deps, persona('member'), 'buy', { product: 'python-bootcamp' })).error).toBeUndefined();
    expect((await handleCommand(deps, persona('staff'), 'claim', {})).error).toBeUndefined();
    expect((await handleCommand(deps, persona('staff'), 'close', { resolution: secrets[1] })).error).toBeUndefined();
  });
  afterAll(async () => {
    installDataKeys(keysOf(TEST_DATA_KEY_TEXT));
    await database.drop();
  });

  it('stores support messages, ticket subjects, resolutions and transcripts sealed, and reads them back', async () => {
    const dump = await dumpText(database.db);
    for (const secret of secrets) expect(dump).not.toContain(secret);
    expect(dump).not.toContain('charged twice');
    const raw = (await database.db.execute(sql`select body from support_messages`)) as unknown as Array<{ body: string }>;
    expect(raw.length).toBeGreaterThan(2);
    for (const { body } of raw) expect(body).toMatch(/^lyc1:test:[\w-]+$/);

    const bodies = (await database.db.select({ body: supportMessages.body }).from(supportMessages)).map((row) => row.body);
    expect(bodies).toEqual(expect.arrayContaining([secrets[0], secrets[2]]));
    const [ticket] = await database.db.select().from(supportTickets);
    expect(ticket!.resolution).toBe(secrets[1]);
    expect(ticket!.transcript).toContain(secrets[0]);
  });

  it('refuses a value that was tampered with or moved to another column, and says so', async () => {
    const failures: SealedValueError[] = [];
    installDataKeys(keysOf(TEST_DATA_KEY_TEXT), (failure) => failures.push(failure));
    const [ticket] = (await database.db.execute(sql`select subject, resolution from support_tickets`)) as unknown as Array<{ subject: string; resolution: string }>;
    // Flip one character of the ciphertext in a copy; then put a message body where the subject was.
    const flipped = ticket!.resolution.slice(0, -2) + (ticket!.resolution.at(-2) === 'A' ? 'B' : 'A') + ticket!.resolution.at(-1);
    await database.db.execute(sql`update support_tickets set resolution = ${flipped}, subject = (select body from support_messages limit 1)`);
    await expect(database.db.select({ resolution: supportTickets.resolution }).from(supportTickets)).rejects.toThrow(/support_tickets.resolution could not be opened \(authentication\)/);
    await expect(database.db.select({ subject: supportTickets.subject }).from(supportTickets)).rejects.toThrow(/support_tickets.subject could not be opened \(authentication\)/);
    expect(failures.map((failure) => failure.column)).toEqual(['support_tickets.resolution', 'support_tickets.subject']);
    await database.db.execute(sql`update support_tickets set resolution = ${ticket!.resolution}, subject = ${ticket!.subject}`);
  });

  it('rotates to a new key while the old one still opens, leaves nothing under the old key, and the product reads on', async () => {
    const nextKey = newDataKeyText('next');
    installDataKeys(keysOf(`${nextKey},${TEST_DATA_KEY_TEXT}`));
    const before = await unsealedCounts(database.db);
    expect(before['support_messages.body']).toBeGreaterThan(2);
    // Rows written before sealing existed are plain: the rotation seals them too.
    await database.db.execute(sql`update orders set provider_customer_id = 'cus_legacy_plain' where id = (select id from orders limit 1)`);

    const report = await rotateSealedValues(database.db, { batch: 2 });
    expect(report.find((row) => row.column === 'support_messages.body')).toEqual({ column: 'support_messages.body', resealed: before['support_messages.body'], failed: 0 });
    expect(report.find((row) => row.column === 'orders.provider_customer_id')?.resealed).toBeGreaterThanOrEqual(1);
    expect(Object.values(await unsealedCounts(database.db)).every((count) => count === 0)).toBe(true);
    expect(await rotateSealedValues(database.db)).toEqual(report.map((row) => ({ ...row, resealed: 0 })));

    // Only the new key from here on: the old one can be dropped.
    installDataKeys(keysOf(nextKey));
    const bodies = (await database.db.select({ body: supportMessages.body }).from(supportMessages)).map((row) => row.body);
    expect(bodies).toEqual(expect.arrayContaining([secrets[0], secrets[2]]));
    const listed = await handleCommand(deps, persona('staff'), 'tickets', {});
    expect(listed.error).toBeUndefined();
    const dump = await dumpText(database.db);
    for (const secret of [...secrets, 'cus_legacy_plain']) expect(dump).not.toContain(secret);
  });
});
