import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAction } from '../../core/actions.ts';
import { type CommandDeps, commandNames } from '../../core/commands/index.ts';
import { handleAction, handleCommand, handleForm } from '../../core/dispatch.ts';
import { storeUpload } from '../../core/files/store-upload.ts';
import type { Caller } from '../../core/members/actor.ts';
import { resolveActor } from '../../core/members/resolve-actor.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../core/seed/seed-demo.ts';
import { commandDeps } from '../support/core-deps.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createCommunity, createCourse } from '../support/fixtures.ts';
import { fuzz } from './fuzz-report.ts';

const persona = (role: keyof typeof consolePersonas): Caller => ({ platform: 'console', userId: consolePersonas[role].userId, displayName: consolePersonas[role].displayName, locale: 'en', spaceId: CONSOLE_SPACE_ID });
/** Tables a refused input must leave alone (money, access, content, support, the audit log). */
const WATCHED = ['orders', 'entitlements', 'ledger_entries', 'access_grants', 'products', 'coupons', 'courses', 'lessons', 'announcements', 'lesson_comments', 'course_ratings', 'support_messages', 'audit_log', 'live_sessions'];
const option = fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.boolean(), fc.constant(null), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.constantFrom('all-access', 'python-bootcamp', 'next', 'on', 'off', '7d', 'export', 'list', 'create', '#1', '@mia', '<@123>'));
const optionNames = fc.constantFrom('action', 'name', 'price', 'product', 'course', 'member', 'code', 'page', 'query', 'category', 'period', 'kind', 'state', 'text', 'title', 'score', 'review', 'ticket', 'resolution', 'days', 'percent', 'metric', 'what', 'rate_limits', 'grace_days');

/**
 * Every external input that reaches core: command options, buttons and forms of any shape, from
 * a member and from a creator, and a real payload of another community. Each ends in an answer
 * or a clear error; an error writes nothing, and nothing of the other community shows.
 */
describe('fuzz: what reaches core from any platform', () => {
  let database: TestDatabase;
  let deps: CommandDeps;
  let foreignPayloads: string[];
  const counts = async () => {
    const rows = (await database.db.execute(sql.raw(WATCHED.map((table) => `select '${table}' as t, count(*)::int as n from ${table}`).join(' union all ')))) as unknown as Array<{ t: string; n: number }>;
    return Object.fromEntries(rows.map((row) => [row.t, row.n]));
  };
  const unchangedOnError = async (run: () => Promise<{ error?: { code: string } | undefined; reply: unknown }>) => {
    const before = await counts();
    const outcome = await run();
    expect(outcome.reply).toBeDefined();
    if (outcome.error) expect(await counts()).toEqual(before);
    expect(JSON.stringify(outcome.reply)).not.toContain('Secret Other Course');
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    deps = commandDeps(database.db);
    const other = await createCommunity(database.db, { name: 'Other Academy' });
    const course = await createCourse(database.db, other.id, { title: 'Secret Other Course', lessonTitles: ['Hidden lesson'] });
    foreignPayloads = [encodeAction({ type: 'course.show', courseId: course.id }), encodeAction({ type: 'lesson.open', courseId: course.id, position: 1 }), encodeAction({ type: 'privacy.erase', memberId: course.id }), encodeAction({ type: 'audit.page', page: 2 })];
    for (const role of ['member', 'creator'] as const) await resolveActor(deps, persona(role));
  });
  afterAll(() => database.drop());

  it('command options of any shape, from a member and a creator', () =>
    fuzz('command options', fc.tuple(fc.constantFrom('member', 'creator' as const), fc.constantFrom(...commandNames), fc.oneof(fc.dictionary(optionNames, option, { maxKeys: 5 }), fc.anything())), ([role, name, options]) =>
      unchangedOnError(() => handleCommand(deps, persona(role), name, options)), 150));

  it('button payloads: random, truncated, and another community\'s', () =>
    fuzz('button payloads', fc.oneof(fc.string({ maxLength: 100 }), fc.constantFrom(...foreignPayloads), fc.tuple(fc.constantFrom(...foreignPayloads), fc.nat()).map(([payload, cut]) => payload.slice(0, cut % payload.length))), async (payload) => {
      const before = await counts();
      const outcome = await handleAction(deps, persona('member'), payload);
      expect(outcome.error).toBeDefined();
      expect(await counts()).toEqual(before);
      expect(JSON.stringify(outcome.reply)).not.toMatch(/Secret Other Course|Hidden lesson/);
    }, 150));

  it('form submissions of any shape', () =>
    fuzz('form submissions', fc.tuple(fc.oneof(fc.string({ maxLength: 80 }), fc.record({ command: fc.constantFrom(...commandNames), options: fc.dictionary(fc.stringMatching(/^[a-z_]{1,12}$/), fc.string({ maxLength: 30 }), { maxKeys: 3 }) }).map((submit) => encodeAction({ type: 'form.submit', ...submit }))), fc.dictionary(optionNames, fc.oneof(fc.string({ maxLength: 300 }), fc.anything()), { maxKeys: 4 })), ([encoded, answers]) =>
      unchangedOnError(() => handleForm(deps, persona('member'), encoded, answers as Record<string, unknown>)), 100));

  it('uploaded files of any bytes and name', async () => {
    const creator = await resolveActor(deps, persona('creator'));
    if (!creator.ok) throw new Error('no creator');
    await fuzz('uploaded files', fc.tuple(fc.string({ unit: 'grapheme', maxLength: 120 }), fc.uint8Array({ maxLength: 4096 })), async ([name, bytes]) => {
      const stored = await storeUpload(deps, { ...creator.value, role: 'creator' }, { name, bytes });
      if (!stored.ok) expect(['upload_refused']).toContain(stored.error.code);
    }, 100);
  });
});
