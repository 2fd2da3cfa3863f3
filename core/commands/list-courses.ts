import { z } from 'zod';
import type { Action } from '../actions.ts';
import { listCategories } from '../catalog/list-categories.ts';
import { searchCourses } from '../catalog/search-courses.ts';
import { type CourseListItem, visibleStatuses } from '../catalog/types.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { type Locale, t, toLocale } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { type ActionRow, type Reply, replyLimits, truncate } from '../reply.ts';
import { ok, type Result } from '../result.ts';

export const listCoursesInput = z.object({
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  category: z.string().trim().min(1).max(60).optional(),
  query: z.string().trim().min(1).max(100).optional(),
});
export type ListCoursesInput = z.infer<typeof listCoursesInput>;

export const COURSES_PER_PAGE = 5;

/**
 * A page of the catalogue the actor may see (members: published; staff and up: drafts and
 * reviews too), filtered by category and/or search text, with buttons to open each course, to
 * page, and a category picker. A page past the end shows the last page.
 */
export async function listCourses(
  deps: Pick<CoreDeps, 'db'>,
  actor: Actor,
  input: ListCoursesInput,
): Promise<Result<Reply, DomainError>> {
  const statuses = visibleStatuses(actor.role);
  const search = { communityId: actor.communityId, statuses, query: input.query, category: input.category };
  const [categories, first] = await Promise.all([
    listCategories(deps.db, { communityId: actor.communityId, statuses }),
    searchCourses(deps.db, { ...search, limit: COURSES_PER_PAGE, offset: (input.page - 1) * COURSES_PER_PAGE }),
  ]);
  const pages = Math.max(1, Math.ceil(first.total / COURSES_PER_PAGE));
  const page = Math.min(input.page, pages);
  const { items, total } =
    page === input.page
      ? first
      : await searchCourses(deps.db, { ...search, limit: COURSES_PER_PAGE, offset: (page - 1) * COURSES_PER_PAGE });

  const from = (page - 1) * COURSES_PER_PAGE + 1;
  return ok({
    title: truncate(listTitle(actor.locale, input), replyLimits.title),
    body: total ? t(actor.locale, 'courses.range', { from, to: from + items.length - 1, total }) : t(actor.locale, 'courses.empty'),
    fields: items.map((item, index) => courseField(actor.locale, item, from + index)),
    footer: t(actor.locale, 'courses.page', { page, pages }),
    actions: listActions(actor.locale, { ...input, page }, pages, items, categories.map((c) => c.category)),
    long: true,
  });
}

function listTitle(locale: Locale, input: ListCoursesInput): string {
  if (input.query) return t(locale, 'courses.title.query', { query: input.query });
  if (input.category) return t(locale, 'courses.title.category', { category: input.category });
  return t(locale, 'courses.title');
}

function courseField(locale: Locale, item: CourseListItem, number: number) {
  const status = item.status === 'published' ? '' : ` [${t(locale, `status.${item.status}`)}]`;
  const knownLanguage = toLocale(item.language);
  const language = knownLanguage ? t(locale, `language.${knownLanguage}`) : item.language;
  const facts = [
    item.category,
    t(locale, `level.${item.level}`),
    language,
    t(locale, 'courses.lessonCount', { count: item.lessonCount }),
  ].join(' · ');
  return {
    name: truncate(`${number}. ${item.title}${status}`, replyLimits.fieldName),
    value: truncate(item.summary ? `${facts}\n${item.summary}` : facts, 300),
  };
}

function listActions(
  locale: Locale,
  input: ListCoursesInput & { page: number },
  pages: number,
  items: CourseListItem[],
  categories: string[],
): ActionRow[] {
  const rows: ActionRow[] = [];
  const from = (input.page - 1) * COURSES_PER_PAGE + 1;
  if (items.length) {
    rows.push({
      buttons: items.map((item, index) => ({
        label: String(from + index),
        action: { type: 'course.show', courseId: item.id },
      })),
    });
  }
  const pageAction = (page: number): Action => ({
    type: 'courses.page',
    page,
    ...(input.category ? { category: input.category } : {}),
    ...(input.query ? { query: input.query } : {}),
  });
  const nav = [
    ...(input.page > 1 ? [{ label: t(locale, 'courses.prev'), action: pageAction(input.page - 1) }] : []),
    ...(input.page < pages ? [{ label: t(locale, 'courses.next'), action: pageAction(input.page + 1) }] : []),
  ];
  if (nav.length) rows.push({ buttons: nav });
  if (categories.length > 1) {
    const byCategory = (category?: string): Action => ({
      type: 'courses.page',
      page: 1,
      ...(category ? { category } : {}),
      ...(input.query ? { query: input.query } : {}),
    });
    rows.push({
      select: {
        placeholder: t(locale, 'courses.pickCategory'),
        options: [
          { label: t(locale, 'courses.allCategories'), action: byCategory(), selected: !input.category },
          ...categories.slice(0, replyLimits.selectOptions - 1).map((category) => ({
            label: truncate(category, 100),
            action: byCategory(category),
            selected: category.toLowerCase() === input.category?.toLowerCase(),
          })),
        ],
      },
    });
  }
  return rows;
}
