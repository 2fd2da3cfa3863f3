import { commandDeps } from '../../support/core-deps.ts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAction, encodeAction } from '../../../core/actions.ts';
import { behaviourEvents, courses } from '../../../core/db/schema/index.ts';
import { handleAction, handleCommand } from '../../../core/dispatch.ts';
import type { Caller } from '../../../core/members/actor.ts';
import type { Reply } from '../../../core/reply.ts';
import { CONSOLE_SPACE_ID, consolePersonas, seedDemoCommunity } from '../../../core/seed/seed-demo.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { createCommunity, createCourse } from '../../support/fixtures.ts';

const persona = (role: keyof typeof consolePersonas, locale = 'en'): Caller => ({
  platform: 'console',
  userId: consolePersonas[role].userId,
  displayName: consolePersonas[role].displayName,
  locale,
  spaceId: CONSOLE_SPACE_ID,
});

const buttons = (reply: Reply) => (reply.actions ?? []).flatMap((row) => ('buttons' in row ? row.buttons : []));
const buttonAction = (reply: Reply, label: string) => {
  const button = buttons(reply).find((b) => b.label === label);
  if (!button || !('action' in button)) throw new Error(`no button ${label}`);
  return encodeAction(button.action);
};

describe('handleCommand and handleAction', () => {
  let database: TestDatabase;
  let communityId: string;
  const courseId = async (slug: string) => {
    const [row] = await database.db
      .select({ id: courses.id })
      .from(courses)
      .where(and(eq(courses.communityId, communityId), eq(courses.slug, slug)));
    return row!.id;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    communityId = (await seedDemoCommunity(database.db, new Date())).communityId;
  });
  afterAll(() => database.drop());

  it('lists the first page with course, paging and category controls', async () => {
    const { reply, error } = await handleCommand(commandDeps(database.db), persona('member'), 'courses', {});
    expect(error).toBeUndefined();
    expect(reply.title).toBe('Courses');
    expect(reply.body).toBe('Showing 1-5 of 19');
    expect(reply.fields).toHaveLength(5);
    expect(reply.footer).toBe('Page 1 of 4');
    expect(buttons(reply).map((b) => b.label)).toEqual(['1', '2', '3', '4', '5', 'Next ▶']);
    const select = reply.actions?.find((row) => 'select' in row);
    expect(select && 'select' in select && select.select.options.map((o) => o.label)).toEqual([
      'All categories',
      'Business',
      'Data',
      'Design',
      'Growth',
      'Programming',
      'Writing',
    ]);
  });

  it('pages forward and back through the buttons it returned', async () => {
    const first = await handleCommand(commandDeps(database.db), persona('member'), 'courses', {});
    const second = await handleAction(commandDeps(database.db), persona('member'), buttonAction(first.reply, 'Next ▶'));
    expect(second.reply.body).toBe('Showing 6-10 of 19');
    expect(buttons(second.reply).map((b) => b.label)).toEqual(['6', '7', '8', '9', '10', '◀ Prev', 'Next ▶']);
    const back = await handleAction(commandDeps(database.db), persona('member'), buttonAction(second.reply, '◀ Prev'));
    expect(back.reply.fields).toEqual(first.reply.fields);
  });

  it('keeps the search and category while paging', async () => {
    const first = await handleCommand(commandDeps(database.db), persona('member'), 'courses', { query: 'python', category: 'Programming' });
    const next = buttons(first.reply).find((b) => b.label === 'Next ▶');
    expect(first.reply.title).toBe('Courses matching "python"');
    expect(first.reply.body).toBe('Showing 1-2 of 2');
    expect(next).toBeUndefined();
  });

  it('shows the last page when asked for a page past the end', async () => {
    const { reply } = await handleCommand(commandDeps(database.db), persona('member'), 'courses', { page: '99' });
    expect(reply.footer).toBe('Page 4 of 4');
    expect(reply.body).toBe('Showing 16-19 of 19');
  });

  it('answers in Chinese for a Chinese-speaking member', async () => {
    const { reply } = await handleCommand(commandDeps(database.db), persona('member', 'zh-CN'), 'courses', { query: '增长' });
    expect(reply.title).toBe('与“增长”匹配的课程');
    expect(reply.body).toBe('第 1-2 门，共 2 门');
  });

  it('opens a course with its lessons and the products that include it, and records the view', async () => {
    const listing = await handleCommand(commandDeps(database.db), persona('member'), 'courses', { query: 'pandas' });
    const { reply, actor } = await handleAction(commandDeps(database.db), persona('member'), buttonAction(listing.reply, '1'));
    expect(reply.title).toBe('Data Analysis with Python and pandas');
    const field = (name: string) => reply.fields?.find((f) => f.name === name)?.value;
    // The member owns none of the products that include it: every lesson shows its lock.
    expect(field('Lessons')).toBe(
      '🔒 1. DataFrames in ten minutes\n🔒 2. Cleaning messy data\n🔒 3. Group by and pivot (day 4)\n🔒 4. Charts that explain (day 7)',
    );
    expect(field('Included in')).toBe('All-Access Membership: $29.00 / ⭐ 1500 per month\nPython Bootcamp: $99.00 / ⭐ 5000');
    const views = await database.db
      .select()
      .from(behaviourEvents)
      .where(and(eq(behaviourEvents.memberId, actor!.memberId), eq(behaviourEvents.kind, 'course_view')));
    expect(views).toHaveLength(1);
    expect(views[0]?.courseId).toBe(await courseId('python-data-analysis'));
  });

  it('finds a course by exact title or slug, and by search otherwise', async () => {
    const byTitle = await handleCommand(commandDeps(database.db), persona('member'), 'course', { name: 'sql for analysts' });
    expect(byTitle.reply.title).toBe('SQL for Analysts');
    const bySlug = await handleCommand(commandDeps(database.db), persona('member'), 'course', { name: 'growth-hacking-zh' });
    expect(bySlug.reply.title).toBe('增长黑客入门');
    const bySearch = await handleCommand(commandDeps(database.db), persona('member'), 'course', { name: 'figma' });
    expect(bySearch.reply.title).toBe('Prototyping in Figma');
  });

  it('hides drafts from members but shows them to creators', async () => {
    const draft = encodeAction({ type: 'course.show', courseId: await courseId('no-code-automation') });
    const asMember = await handleAction(commandDeps(database.db), persona('member'), draft);
    expect(asMember.error).toEqual({ code: 'course_not_found' });
    const asCreator = await handleAction(commandDeps(database.db), persona('creator'), draft);
    expect(asCreator.reply.title).toBe('No-Code Automation');
    expect(asCreator.reply.fields?.find((f) => f.name === 'Status')?.value).toBe('Draft');
  });

  it('refuses a button forged to point at another community’s course', async () => {
    const other = await createCommunity(database.db);
    const foreign = await createCourse(database.db, other.id, { title: 'Not yours' });
    const forged = encodeAction({ type: 'course.show', courseId: foreign.id });
    const { reply, error } = await handleAction(commandDeps(database.db), persona('member'), forged);
    expect(error).toEqual({ code: 'course_not_found' });
    expect(reply).toEqual({ body: 'That course is not in this community’s catalogue.', ephemeral: true });
  });

  it('refuses a malformed button payload before touching the database', async () => {
    const { reply, error } = await handleAction(commandDeps(database.db), persona('member'), 'co|%%%');
    expect(error).toEqual({ code: 'invalid_action' });
    expect(reply.body).toBe('That button is no longer valid. Run the command again.');
    expect(decodeAction('co|%%%')).toBeUndefined();
  });

  it('explains invalid options instead of guessing', async () => {
    const { error, reply } = await handleCommand(commandDeps(database.db), persona('member'), 'courses', { page: 'first', query: 'x'.repeat(101) });
    expect(error?.code).toBe('invalid_input');
    expect(reply.body).toContain('page:');
    expect(reply.body).toContain('query:');
    expect(reply.ephemeral).toBe(true);
  });

  it('tells staff in help that they also see unpublished courses', async () => {
    const member = await handleCommand(commandDeps(database.db), persona('member'), 'help', {});
    const staff = await handleCommand(commandDeps(database.db), persona('staff'), 'help', {});
    expect(member.reply.body).not.toContain('draft');
    expect(staff.reply.body).toContain('As staff you also see draft and in-review courses.');
  });
});
