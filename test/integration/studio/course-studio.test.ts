import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeAction } from '../../../core/actions.ts';
import { auditLog, courseRevisions, courses, lessons, revisionLessons } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand, handleForm, type Outcome } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import type { MemberRole } from '../../../core/members/rbac.ts';
import type { ReplyButton } from '../../../core/reply.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { commandDeps, RecordingQueue } from '../../support/core-deps.ts';
import { createCommunity, createCourse } from '../../support/fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

export const PDF = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const as = (role: MemberRole): Caller => ({ platform: 'console', userId: consolePersonas[role].userId, displayName: consolePersonas[role].displayName, spaceId: CONSOLE_SPACE_ID, locale: 'en' });
const text = (outcome: Outcome) => [outcome.reply.title, outcome.reply.body, ...(outcome.reply.fields ?? []).map((field) => `${field.name}: ${field.value}`), outcome.reply.footer].filter(Boolean).join('\n');
const buttons = (outcome: Outcome) => (outcome.reply.actions ?? []).flatMap((row) => ('buttons' in row ? row.buttons : [])).filter((button): button is Extract<ReplyButton, { action: unknown }> => 'action' in button);
const press = (outcome: Outcome, label: RegExp) => {
  const button = buttons(outcome).find((candidate) => label.test(candidate.label));
  if (!button) throw new Error(`no button ${label} in ${buttons(outcome).map((b) => b.label).join(', ')}`);
  return encodeAction(button.action);
};

/** The course studio through core's dispatch, as the console drives it: author, review, publish, learn. */
describe('course studio', () => {
  let database: TestDatabase;
  const queue = new RecordingQueue();
  let deps: ReturnType<typeof commandDeps>;
  const run = (role: MemberRole, name: Parameters<typeof handleCommand>[2], options: Record<string, unknown>) => handleCommand(deps, as(role), name, options);

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemoCommunity(database.db, new Date());
    deps = commandDeps(database.db, { queue });
  });
  afterAll(() => database.drop());

  it('takes a course from draft through checks, changes requested and approval to a member who marks lesson 1 done', async () => {
    const created = await run('creator', 'course', { action: 'new', title: 'Spreadsheet Modelling', category: 'Data' });
    expect(created.error).toBeUndefined();
    expect(text(created)).toMatch(/Draft \(revision 1\)/);
    const [course] = await database.db.select().from(courses).where(eq(courses.slug, 'spreadsheet-modelling'));
    expect(course?.status).toBe('draft');

    expect((await run('creator', 'lesson', { action: 'add', course: 'spreadsheet-modelling', title: 'Cells and ranges', body: 'A **cell** holds one value.', file: { name: 'cells.pdf', bytes: PDF } })).error).toBeUndefined();
    expect((await run('creator', 'lesson', { action: 'add', course: 'spreadsheet-modelling', title: 'Formulas' })).error).toBeUndefined();
    const third = await run('creator', 'lesson', { action: 'add', course: 'spreadsheet-modelling', title: 'Scenarios', body: '- best case\n- worst case' });
    expect(text(third)).toMatch(/1\. Cells and ranges · 📎 cells\.pdf/);
    expect(text(third)).toMatch(/2\. Formulas · empty/);

    const blocked = await run('creator', 'course', { action: 'submit', course: 'spreadsheet-modelling' });
    expect(text(blocked)).toMatch(/✗ A summary/);
    expect(text(blocked)).toMatch(/✗ lesson 2 \("Formulas"\) is empty/);
    expect((await database.db.select().from(courseRevisions).where(eq(courseRevisions.courseId, course!.id)))[0]?.status).toBe('draft');

    await run('creator', 'course', { action: 'edit', course: 'spreadsheet-modelling', summary: 'Model a business in a sheet.', description: 'Three lessons from cells to scenarios.' });
    await run('creator', 'lesson', { action: 'edit', course: 'spreadsheet-modelling', lesson: '2', body: 'Start every formula with `=`.' });
    const submitted = await run('creator', 'course', { action: 'submit', course: 'spreadsheet-modelling' });
    expect(text(submitted)).toMatch(/Submitted for review/);
    expect(text(submitted)).not.toMatch(/✗/);

    // Only reviewers decide: the author (a creator) and members are refused.
    expect((await run('member', 'review', {})).error?.code).toBe('forbidden');
    expect((await run('creator', 'review', {})).error?.code).toBe('forbidden');
    const waiting = await run('staff', 'review', {});
    expect(text(waiting)).toMatch(/Spreadsheet Modelling · revision 1 · by Chen/);
    expect(text(waiting)).toMatch(/\+ 3\. Scenarios/);
    expect((await handleAction(deps, as('member'), press(waiting, /^Approve/))).error?.code).toBe('forbidden');

    const asked = await handleAction(deps, as('staff'), press(waiting, /^Request changes/));
    expect(asked.reply.form?.inputs.map((input) => input.key)).toEqual(['comment']);
    const sentBack = await handleForm(deps, as('staff'), encodeAction(asked.reply.form!.submit), { comment: 'Add an example to Scenarios.' });
    expect(sentBack.error).toBeUndefined();
    const card = await run('creator', 'lesson', { action: 'edit', course: 'spreadsheet-modelling', lesson: 3, body: '- best case: +20%\n- worst case: -30%' });
    expect(text(card)).toMatch(/Reviewer asked for changes\s*:?\s*Add an example to Scenarios\./);
    expect(queue.of('delivery.notify-review')).toHaveLength(1);

    await run('creator', 'course', { action: 'submit', course: 'spreadsheet-modelling' });
    const again = await run('staff', 'review', {});
    const approved = await handleAction(deps, as('staff'), press(again, /^Approve/));
    expect(text(approved)).toMatch(/approved and published/);
    const [published] = await database.db.select().from(courses).where(eq(courses.id, course!.id));
    expect(published?.status).toBe('published');
    expect(await database.db.select({ title: lessons.title }).from(lessons).where(eq(lessons.courseId, course!.id)).orderBy(lessons.position)).toEqual([{ title: 'Cells and ranges' }, { title: 'Formulas' }, { title: 'Scenarios' }]);
    const audited = (await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, course!.id))).map((row) => row.action);
    expect(audited).toEqual(expect.arrayContaining(['course.created', 'course.submitted', 'course.changes_requested', 'course.approved']));

    // A member without the course sees locks and a Buy button; after a grant, opens lesson 1 with its PDF.
    expect((await run('creator', 'product', { action: 'create', name: 'Modelling Pass', price: '19', courses: 'spreadsheet-modelling' })).error).toBeUndefined();
    const locked = await run('member', 'course', { name: 'spreadsheet-modelling' });
    expect(text(locked)).toMatch(/🔒 1\. Cells and ranges/);
    expect(buttons(locked).some((button) => /Buy/.test(button.label))).toBe(true);
    expect((await run('member', 'lesson', { action: 'open', course: 'spreadsheet-modelling', lesson: 1 })).error?.code).toBe('course_not_owned');

    expect((await run('owner', 'grant', { member: 'Mia', product: 'Modelling Pass' })).error).toBeUndefined();
    const owned = await run('member', 'course', { name: 'spreadsheet-modelling' });
    expect(text(owned)).not.toMatch(/🔒/);
    const lesson1 = await handleAction(deps, as('member'), press(owned, /Start lesson 1/));
    expect(lesson1.reply.title).toBe('Lesson 1/3: Cells and ranges');
    expect(lesson1.reply.files?.map((file) => [file.name, file.mime])).toEqual([['cells.pdf', 'application/pdf']]);
    expect(await deps.files.get(lesson1.reply.files![0]!.sha256)).toEqual(PDF);
    const done = await handleAction(deps, as('member'), press(lesson1, /Mark done/));
    expect(done.reply.footer).toMatch(/1\/3 done/);
    // Pressing Mark done twice (a stale message) counts once.
    await handleAction(deps, as('member'), press(lesson1, /Mark done/));
    const mine = await run('member', 'my', {});
    expect(text(mine)).toMatch(/Spreadsheet Modelling · 1\/3 done/);
    expect(buttons(mine).some((button) => /Continue Spreadsheet Modelling: lesson 1/.test(button.label))).toBe(true);
  });

  it('keeps the published course visible while an edit waits for review', async () => {
    await run('creator', 'course', { action: 'edit', course: 'spreadsheet-modelling', title: 'Spreadsheet Modelling 2027' });
    await run('creator', 'lesson', { action: 'remove', course: 'spreadsheet-modelling', lesson: 2 });
    await run('creator', 'course', { action: 'submit', course: 'spreadsheet-modelling' });
    const member = await run('member', 'course', { name: 'spreadsheet-modelling' });
    expect(member.reply.title).toBe('Spreadsheet Modelling');
    expect(text(member)).toMatch(/2\. Formulas/);
    const waiting = await run('staff', 'review', {});
    expect(text(waiting)).toMatch(/title: Spreadsheet Modelling → Spreadsheet Modelling 2027/);
    expect(text(waiting)).toMatch(/- 2\. Formulas/);
    expect((await run('creator', 'lesson', { action: 'edit', course: 'spreadsheet-modelling', lesson: 1, title: 'x' })).error?.code).toBe('course_in_review');
    await handleAction(deps, as('staff'), press(waiting, /^Approve/));
    const after = await run('member', 'course', { name: 'spreadsheet-modelling' });
    expect(after.reply.title).toBe('Spreadsheet Modelling 2027');
    expect(text(after)).toMatch(/2\. Scenarios/);
    // Progress on a kept lesson survives the new revision.
    expect(text(after)).toMatch(/1\/2 done/);
  });

  it('refuses the second of two saves made from the same form, losing neither', async () => {
    const form = await run('creator', 'lesson', { action: 'edit', course: 'spreadsheet-modelling', lesson: 1 });
    expect(form.reply.form).toBeDefined();
    const submit = encodeAction(form.reply.form!.submit);
    const first = await handleForm(deps, as('creator'), submit, { title: 'Cells', body: 'First writer.' });
    const second = await handleForm(deps, as('owner'), submit, { title: 'Cells!', body: 'Second writer.' });
    expect(first.error).toBeUndefined();
    expect(second.error?.code).toBe('stale_edit');
    expect(second.reply.body).toMatch(/changed this since you opened it/);
    const card = await run('creator', 'course', { action: 'edit', course: 'spreadsheet-modelling' });
    expect(card.reply.form?.inputs.find((input) => input.key === 'title')?.value).toBe('Spreadsheet Modelling 2027');
    const kept = await database.db.select({ title: revisionLessons.title, body: revisionLessons.body, version: revisionLessons.version }).from(revisionLessons).where(eq(revisionLessons.position, 1));
    expect(kept).toContainEqual({ title: 'Cells', body: 'First writer.', version: 2 });
  });

  it('answers bad input clearly and writes nothing', async () => {
    const before = await database.db.select().from(courses);
    const lessonsBefore = await database.db.select().from(revisionLessons);
    expect((await run('creator', 'course', { action: 'new', title: 'x'.repeat(10_000) })).error?.code).toBe('invalid_input');
    const html = await run('creator', 'lesson', { action: 'add', course: 'spreadsheet-modelling', title: 'Bad', body: 'Hi <script>alert(1)</script>' });
    expect(html.error?.code).toBe('markdown_refused');
    expect(html.reply.body).toMatch(/Line 1: HTML is not allowed/);
    const link = await run('creator', 'lesson', { action: 'add', course: 'spreadsheet-modelling', title: 'Bad', body: '[x](javascript:alert(1))' });
    expect(link.error?.code).toBe('markdown_refused');
    const exe = await run('creator', 'lesson', { action: 'add', course: 'spreadsheet-modelling', title: 'Bad', file: { name: 'notes.pdf', bytes: new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff]) } });
    expect(exe.error?.code).toBe('upload_refused');
    expect((await run('member', 'course', { action: 'new', title: 'Mine' })).error?.code).toBe('forbidden');
    expect((await run('creator', 'lesson', { action: 'edit', course: 'no-such-course', lesson: 1, title: 'x' })).error?.code).toBe('course_not_found');
    expect((await handleAction(deps, as('member'), encodeAction({ type: 'lesson.open', courseId: crypto.randomUUID(), position: 1 }))).error?.code).toBe('course_not_found');
    expect(await database.db.select().from(courses)).toEqual(before);
    expect(await database.db.select().from(revisionLessons)).toEqual(lessonsBefore);
  });

  it('holds a course to the community’s limits and blocked words, set with /settings', async () => {
    const settings = await run('creator', 'settings', { upload_max_mb: '1', files_per_lesson: '1', blocked_words: 'Crypto, get rich' });
    expect(settings.reply.fields?.find((field) => field.name === 'Lesson files')?.value).toBe('up to 1 MB each, 1 per lesson');
    expect(settings.reply.fields?.find((field) => field.name === 'Blocked words')?.value).toBe('crypto, get rich');
    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(PDF);
    expect((await run('creator', 'course', { action: 'new', title: 'Get Rich Slowly', summary: 'Patience.', description: 'Index funds.' })).error).toBeUndefined();
    const tooBig = await run('creator', 'lesson', { action: 'add', course: 'get-rich-slowly', title: 'Funds', body: 'Buy the index.', file: { name: 'big.pdf', bytes: big } });
    expect(tooBig.error?.code).toBe('upload_refused');
    await run('creator', 'lesson', { action: 'add', course: 'get-rich-slowly', title: 'Funds', body: 'Buy the index.', file: { name: 'a.pdf', bytes: PDF } });
    const second = await run('creator', 'lesson', { action: 'edit', course: 'get-rich-slowly', lesson: 1, file: { name: 'b.pdf', bytes: Uint8Array.from([...PDF, 0x25]) } });
    expect(second.error).toEqual({ code: 'too_many_files', max: 1 });
    const checked = await run('creator', 'course', { action: 'submit', course: 'get-rich-slowly' });
    expect(text(checked)).toMatch(/✗ Blocked words found: get rich/);
    await run('creator', 'settings', { blocked_words: 'none', upload_max_mb: '50', files_per_lesson: '10' });
  });

  it('archives a published course: gone from the catalogue, kept by the member who owns it', async () => {
    expect((await run('member', 'course', { action: 'archive', course: 'spreadsheet-modelling' })).error?.code).toBe('forbidden');
    expect((await run('creator', 'course', { action: 'archive', course: 'get-rich-slowly' })).error?.code).toBe('invalid_input');
    expect((await run('creator', 'course', { action: 'archive', course: 'spreadsheet-modelling' })).reply.body).toMatch(/is archived/);
    expect(text(await run('member', 'courses', { query: 'Spreadsheet' }))).not.toMatch(/Spreadsheet Modelling/);
    expect((await run('member', 'lesson', { action: 'open', course: 'spreadsheet-modelling', lesson: 1 })).reply.title).toMatch(/^Lesson 1\/2/);
  });

  it('takes an image as the course cover, and refuses anything else', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
    const refused = await run('creator', 'course', { action: 'edit', course: 'get-rich-slowly', cover: { name: 'cover.pdf', bytes: PDF } });
    expect(refused.error).toMatchObject({ code: 'upload_refused', reason: 'type_refused' });
    const covered = await run('creator', 'course', { action: 'edit', course: 'get-rich-slowly', cover: { name: 'cover.png', bytes: new Uint8Array(png) } });
    expect(covered.reply.fields?.find((field) => field.name === 'Cover')?.value).toBe('cover.png');
  });

  it('answers a form submitted after its course was deleted, and a comment on another community’s lesson, with clear errors', async () => {
    await run('creator', 'course', { action: 'new', title: 'Short Lived', summary: 'x', description: 'y' });
    await run('creator', 'lesson', { action: 'add', course: 'short-lived', title: 'Only', body: 'Text.' });
    const form = await run('creator', 'lesson', { action: 'edit', course: 'short-lived', lesson: 1 });
    await database.db.delete(courses).where(eq(courses.slug, 'short-lived'));
    const late = await handleForm(deps, as('creator'), encodeAction(form.reply.form!.submit), { title: 'Only', body: 'Changed.' });
    expect(late.error?.code).toBe('course_not_found');
    const other = await createCommunity(database.db, { name: 'Elsewhere' });
    const course = await createCourse(database.db, other.id, { title: 'Elsewhere Course', slug: 'elsewhere' });
    const [foreign] = await database.db.insert(lessons).values({ communityId: other.id, courseId: course.id, position: 1, title: 'Theirs' }).returning();
    expect((await run('member', 'comment', { action: 'add', lesson: foreign!.id, text: 'hello' })).error?.code).toBe('lesson_not_found');
    expect((await handleAction(deps, as('member'), encodeAction({ type: 'comments.page', lessonId: foreign!.id, page: 1 }))).error?.code).toBe('lesson_not_found');
  });
});
