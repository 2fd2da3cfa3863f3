import { z } from 'zod';
import { recordEvent } from '../analytics/record-event.ts';
import { findCourse, findCourseIdByName, listLessons, listProductsGranting } from '../catalog/get-course.ts';
import { visibleStatuses } from '../catalog/types.ts';
import type { CoreDeps } from '../deps.ts';
import { err, ok, type Result } from '../result.ts';
import type { DomainError } from '../errors.ts';
import { formatMoney } from '../format.ts';
import { type Locale, t, toLocale } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { ownedProductIds } from '../commerce/products.ts';
import { eq } from 'drizzle-orm';
import { members } from '../db/schema/index.ts';
import { courseProgress, courseRating, mayOpen, storedReleases, unlocksAt } from '../studio/course-access.ts';
import { type Reply, type ReplyButton, type ReplyField, replyLimits, truncate } from '../reply.ts';
import { recordOpened } from '../recommend/recommend-command.ts';
import { similarTo } from '../recommend/similar.ts';

export const showCourseInput = z.union([
  z.object({ courseId: z.uuid() }),
  z.object({ name: z.string().trim().min(1).max(100) }),
]);
export type ShowCourseInput = z.infer<typeof showCourseInput>;

const LESSONS_SHOWN = 15;
const SIMILAR_SHOWN = 3;

/**
 * One course with its lessons and the products that include it. The course must belong to the
 * actor's community and be visible to the actor's role; any other id, including a real course
 * of another community, is `course_not_found`. Records a `course_view` behaviour event.
 */
export async function showCourse(
  deps: Pick<CoreDeps, 'db' | 'clock'>,
  actor: Actor,
  input: ShowCourseInput,
): Promise<Result<Reply, DomainError>> {
  const statuses = visibleStatuses(actor.role);
  const scope = { communityId: actor.communityId, statuses };
  const courseId = 'courseId' in input ? input.courseId : await findCourseIdByName(deps.db, { ...scope, name: input.name });
  const course = courseId ? await findCourse(deps.db, { ...scope, courseId }) : undefined;
  if (!course) return err({ code: 'course_not_found' });

  const [lessons, products, access, progress, rating, author, releases, similar] = await Promise.all([
    listLessons(deps.db, { communityId: actor.communityId, courseId: course.id }),
    listProductsGranting(deps.db, { communityId: actor.communityId, courseId: course.id }),
    mayOpen(deps.db, actor, course.id),
    courseProgress(deps.db, { communityId: actor.communityId, memberId: actor.memberId, courseId: course.id }),
    courseRating(deps.db, course.id),
    course.authorMemberId ? deps.db.select({ name: members.displayName }).from(members).where(eq(members.id, course.authorMemberId)) : [],
    storedReleases(deps.db, { memberId: actor.memberId, courseId: course.id }),
    similarTo(deps.db, { communityId: actor.communityId, courseId: course.id, limit: SIMILAR_SHOWN }),
    recordEvent(deps.db, { communityId: actor.communityId, memberId: actor.memberId, kind: 'course_view', courseId: course.id }),
    recordOpened(deps.db, actor, course.id, deps.clock.now()),
  ]);
  const now = deps.clock.now();
  const view: LessonView = { open: access.allowed, since: access.since, done: progress.done, now, releases };

  const { locale } = actor;
  const knownLanguage = toLocale(course.language);
  const fields: ReplyField[] = [
    { name: t(locale, 'course.category'), value: course.category, inline: true },
    { name: t(locale, 'course.level'), value: t(locale, `level.${course.level}`), inline: true },
    {
      name: t(locale, 'course.language'),
      value: knownLanguage ? t(locale, `language.${knownLanguage}`) : course.language,
      inline: true,
    },
  ];
  if (course.status !== 'published') {
    fields.push({ name: t(locale, 'course.status'), value: t(locale, `status.${course.status}`), inline: true });
  }
  if (author[0]) fields.push({ name: t(locale, 'course.author'), value: author[0].name, inline: true });
  fields.push({ name: t(locale, 'course.rating'), value: rating.count ? t(locale, 'course.ratingValue', { average: rating.average.toFixed(1), count: rating.count }) : t(locale, 'course.noRatings'), inline: true });
  if (access.allowed && lessons.length) fields.push({ name: t(locale, 'course.progress'), value: t(locale, 'lesson.progress', { done: lessons.filter((lesson) => progress.done.has(lesson.id)).length, total: lessons.length }), inline: true });
  if (course.tags.length) fields.push({ name: t(locale, 'course.tags'), value: course.tags.join(', ') });
  fields.push({ name: t(locale, 'course.lessons'), value: lessonLines(locale, lessons, view) });
  if (similar.length) fields.push({ name: t(locale, 'recommend.similar'), value: similar.map((other) => other.title).join('\n') });
  fields.push({
    name: t(locale, 'course.includedIn'),
    value: products.length
      ? products.map((product) => `${product.name}: ${priceText(locale, product)}`).join('\n')
      : t(locale, 'course.notForSale'),
  });

  const owned = await ownedProductIds(deps.db, { communityId: actor.communityId, memberId: actor.memberId, productIds: products.map((product) => product.id) });
  const buy: ReplyButton[] = products
    .filter((product) => !owned.has(product.id))
    .slice(0, replyLimits.buttonsPerRow - 1)
    .map((product) => ({ label: truncate(t(locale, 'products.buy', { product: product.name }), replyLimits.buttonLabel), action: { type: 'product.buy', productId: product.id }, style: 'primary' }));
  const next = lessons.find((lesson) => lesson.id === progress.lastLessonId && !progress.done.has(lesson.id)) ?? lessons.find((lesson) => !progress.done.has(lesson.id)) ?? lessons[0];
  const open: ReplyButton[] =
    access.allowed && next && course.status !== 'draft' && course.status !== 'review'
      ? [{ label: truncate(t(locale, progress.done.size || progress.lastLessonId ? 'course.continue' : 'course.start', { position: next.position }), replyLimits.buttonLabel), action: { type: 'lesson.open', courseId: course.id, position: next.position }, style: 'primary' }]
      : [];
  return ok({
    title: truncate(course.title, replyLimits.title),
    body: truncate(course.description || course.summary, 1200),
    fields: fields.map((field) => ({ ...field, value: truncate(field.value, replyLimits.fieldValue) })),
    actions: [
      { buttons: [...open, ...(access.allowed ? [] : buy), { label: t(locale, 'course.back'), action: { type: 'courses.page', page: 1 } }] },
      ...(similar.length ? [{ buttons: similar.map((other) => ({ label: truncate(`↗ ${other.title}`, replyLimits.buttonLabel), action: { type: 'course.show' as const, courseId: other.id } })) }] : []),
    ],
  });
}

type LessonView = { open: boolean; since: Date | undefined; done: Set<string>; now: Date; releases: Map<string, Date> };

/** One line per lesson: ✓ done, 🔒 not owned or not dripped yet (with the day it opens). */
function lessonLines(locale: Locale, lessons: Array<{ id: string; position: number; title: string; dripOffsetDays: number }>, view: LessonView) {
  if (!lessons.length) return t(locale, 'course.noLessons');
  const lines = lessons.slice(0, LESSONS_SHOWN).map((lesson) => {
    const until = view.releases.get(lesson.id) ?? unlocksAt(view.since, lesson.dripOffsetDays);
    const mark = !view.open || (until && until > view.now) ? '🔒 ' : view.done.has(lesson.id) ? '✓ ' : '';
    return mark + (lesson.dripOffsetDays > 0
      ? t(locale, 'course.lessonLineDrip', { position: lesson.position, title: lesson.title, day: lesson.dripOffsetDays + 1 })
      : t(locale, 'course.lessonLine', { position: lesson.position, title: lesson.title }));
  });
  if (lessons.length > LESSONS_SHOWN) lines.push(t(locale, 'course.moreLessons', { count: lessons.length - LESSONS_SHOWN }));
  return lines.join('\n');
}

function priceText(
  locale: Locale,
  product: { kind: string; interval: 'week' | 'month' | 'year' | null; priceAmount: number; currency: string; starsPrice: number | null },
) {
  const prices = [formatMoney(locale, product.priceAmount, product.currency)];
  if (product.starsPrice) prices.push(formatMoney(locale, product.starsPrice, 'XTR'));
  const price = prices.join(' / ');
  return product.interval
    ? t(locale, 'price.subscription', { price, interval: t(locale, `interval.${product.interval}`) })
    : price;
}
