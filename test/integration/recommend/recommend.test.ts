import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAction } from '../../../core/actions.ts';
import { showCourse } from '../../../core/commands/show-course.ts';
import { behaviourEvents, courses, enrollments, entitlements, members, memberships, productGrants, products, recommendations, recommenderRuns } from '../../../core/db/schema/index.ts';
import type { Actor } from '../../../core/members/actor.ts';
import { recommend } from '../../../core/recommend/recommend-command.ts';
import { memberSignals, SIGNAL_STRENGTH } from '../../../core/recommend/signals.ts';
import { trainCommunity } from '../../../core/recommend/train.ts';
import { DEMO_COMMUNITY_SLUG } from '../../../core/seed/seed-demo.ts';
import type { Reply } from '../../../core/reply.ts';
import { commandDeps } from '../../support/core-deps.ts';
import { FakeClock } from '../../support/fakes.ts';
import { createWorld, type World } from '../../e2e/world.ts';

const DAY = 86_400_000;

/**
 * The recommender inside the product, on the demo community: trained from behaviour events,
 * enrolments and entitlements; /recommend with reasons and Open / Buy buttons; what a member
 * buys leaves their list at once; a member with no history gets the popular courses in their
 * language; three showings without a look and a course stops coming back; similar courses on
 * the card; nothing of another community anywhere.
 */
describe('recommendations', () => {
  let world: World;
  let deps: ReturnType<typeof commandDeps>;
  const clock = new FakeClock(new Date('2026-11-30T12:00:00Z'));
  let published: Array<{ id: string; title: string; language: string }>;
  const actors = new Map<string, Actor>();

  const member = async (name: string, locale: 'en' | 'zh' = 'en') => {
    const [row] = await world.database.db.insert(members).values({ displayName: name }).returning();
    await world.database.db.insert(memberships).values({ communityId: world.communityId, memberId: row!.id });
    const actor: Actor = { memberId: row!.id, communityId: world.communityId, communityName: 'Lyceum Demo Academy', communitySlug: DEMO_COMMUNITY_SLUG, role: 'member', locale, platform: 'console', platformUserId: name };
    actors.set(name, actor);
    return actor;
  };
  const acted = (memberId: string, kind: 'course_view' | 'lesson_completed' | 'enrolled', courseId: string, daysAgo: number) =>
    world.database.db.insert(behaviourEvents).values({ communityId: world.communityId, memberId, kind, courseId, occurredAt: new Date(clock.now().getTime() - daysAgo * DAY) });
  const picks = async (actor: Actor, page = 1) => {
    const result = await recommend(deps, actor, { page });
    if (!result.ok) throw new Error(result.error.code);
    return result.value;
  };
  const titles = (reply: Reply) => reply.fields?.map((field) => field.name.replace(/^\d+\. /, '')) ?? [];

  beforeAll(async () => {
    world = await createWorld();
    deps = commandDeps(world.database.db, { clock });
    published = await world.database.db.select({ id: courses.id, title: courses.title, language: courses.language }).from(courses).where(and(eq(courses.communityId, world.communityId), eq(courses.status, 'published'))).orderBy(courses.slug);
    const [first, second, third, fourth] = published;
    // 60 members take the first course, then the second; 20 take the third, then the fourth.
    for (let n = 0; n < 80; n += 1) {
      const actor = await member(`m${n}`);
      const [from, to] = n < 60 ? [first!, second!] : [third!, fourth!];
      await acted(actor.memberId, 'enrolled', from.id, 30);
      await acted(actor.memberId, 'lesson_completed', from.id, 20);
      await acted(actor.memberId, 'course_view', to.id, 10);
      await acted(actor.memberId, 'enrolled', to.id, 9);
    }
    const ada = await member('ada');
    await world.database.db.insert(enrollments).values({ communityId: world.communityId, memberId: ada.memberId, courseId: first!.id, startedAt: new Date(clock.now().getTime() - 5 * DAY), completedAt: new Date(clock.now().getTime() - 2 * DAY) });
    await member('newcomer', 'zh');
  });
  afterAll(async () => {
    await world?.database.drop();
  });

  it('trains on the community’s signals and records the run', async () => {
    const run = await trainCommunity(deps, world.communityId);
    expect(run).toMatchObject({ members: 81, courses: published.length });
    // 81 members with two or more courses: enough to tune on a validation split.
    expect(run.validationRecall).not.toBeNull();
    const [stored] = await world.database.db.select().from(recommenderRuns).where(eq(recommenderRuns.communityId, world.communityId));
    expect(stored).toMatchObject({ members: 81, interactions: run.interactions });
    // Only this community's courses, and never one a member already has.
    const rows = await world.database.db.select().from(recommendations).where(eq(recommendations.memberId, actors.get('ada')!.memberId));
    expect(rows.map((row) => row.courseId)).not.toContain(published[0]!.id);
    expect(rows.map((row) => row.courseId)).not.toContain(world.otherCourseId);
  });

  it('shows the reason and Open / Buy buttons, pages, and drops what the member buys at once', async () => {
    const ada = actors.get('ada')!;
    const reply = await picks(ada);
    expect(titles(reply)[0]).toBe(published[1]!.title);
    expect(reply.fields![0]!.value).toMatch(new RegExp(`^Because you finished ${published[0]!.title}`));
    const [open, buy, nav] = reply.actions as Array<{ buttons: Array<{ label: string; action?: unknown }> }>;
    expect(open!.buttons[0]).toEqual({ label: 'Open 1', action: { type: 'course.show', courseId: published[1]!.id } });
    expect(buy!.buttons.every((button) => /^Buy \d$/.test(button.label) && (button.action as { type: string }).type === 'product.buy')).toBe(true);
    expect(nav!.buttons.map((button) => button.label)).toEqual(['Next ▶']);
    expect(decodeAction('rp|2')).toEqual({ type: 'recommend.page', page: 2 });
    expect(decodeAction('rp|0')).toBeUndefined();
    expect(decodeAction(`dg|${'A'.repeat(22)}`)).toMatchObject({ type: 'digest.open' });
    expect(decodeAction('dg|not-an-id')).toBeUndefined();
    const second = await picks(ada, 2);
    expect(titles(second).some((title) => titles(reply).includes(title))).toBe(false);

    // Ada buys a product that includes the recommended course: it leaves her list without a new run.
    const [grant] = await world.database.db.select().from(productGrants).where(and(eq(productGrants.courseId, published[1]!.id), eq(productGrants.kind, 'course')));
    const [product] = await world.database.db.select().from(products).where(eq(products.id, grant!.productId));
    await world.database.db.insert(entitlements).values({ communityId: world.communityId, memberId: ada.memberId, productId: product!.id, source: 'manual', status: 'active', startsAt: clock.now() });
    expect(titles(await picks(ada))).not.toContain(published[1]!.title);
  });

  it('gives a member with no history the popular courses in their language', async () => {
    const reply = await picks(actors.get('newcomer')!);
    const first = published.find((course) => course.title === titles(reply)[0]);
    expect(first?.language).toBe('zh');
    expect(reply.fields![0]!.value).toMatch(/^社区热门课程/);
    expect(reply.title).toBe('为你推荐');
  });

  it('stops recommending a course shown three times and never opened, but not one that was opened', async () => {
    const actor = actors.get('m70')!;
    const firstPage = titles(await picks(actor));
    const opened = published.find((course) => course.title === firstPage[0])!;
    await showCourse(deps, actor, { courseId: opened.id });
    await picks(actor);
    await picks(actor);
    const after = titles(await picks(actor));
    expect(after[0]).toBe(opened.title);
    for (const title of firstPage.slice(1)) expect(after).not.toContain(title);
  });

  it('weighs a rating by its stars: one star says nothing, five the full strength', async () => {
    const rater = await member('rater');
    const rate = (courseId: string, score: number) => world.database.db.insert(behaviourEvents).values({ communityId: world.communityId, memberId: rater.memberId, kind: 'course_rated', courseId, metadata: { score }, occurredAt: clock.now() });
    await rate(published[4]!.id, 5);
    await rate(published[5]!.id, 1);
    const signals = (await memberSignals(world.database.db, world.communityId, clock.now())).filter((signal) => signal.memberId === rater.memberId);
    expect(signals.map((signal) => [signal.courseId, signal.weight])).toEqual(expect.arrayContaining([[published[4]!.id, SIGNAL_STRENGTH.course_rated], [published[5]!.id, 0]]));
  });

  it('lists similar courses on a course card', async () => {
    const card = await showCourse(deps, actors.get('m1')!, { courseId: published[0]!.id });
    if (!card.ok) throw new Error(card.error.code);
    expect(card.value.fields?.find((field) => field.name === 'Similar courses')?.value.split('\n')[0]).toBe(published[1]!.title);
    const similarRow = card.value.actions?.at(-1) as { buttons: Array<{ action: unknown }> };
    expect(similarRow.buttons[0]!.action).toEqual({ type: 'course.show', courseId: published[1]!.id });
  });
});
