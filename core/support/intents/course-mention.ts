import { and, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { courses } from '../../db/schema/index.ts';

export type MentionableCourse = { id: string; slug: string; title: string };

/** Words that say nothing about which course is meant. */
const FILLER = new Set(['a', 'an', 'and', 'the', 'for', 'in', 'of', 'on', 'to', 'with', 'your', 'that', 'from', 'by', 'at', 'is', 'course', 'class']);
const MIN_SCORE = 0.5;

/**
 * The course a message refers to, if one stands out. Each meaningful word of a title counts one
 * (found in the message allowing a typo or two by its length: "analyst" for "Analysts",
 * "protoyping" for "Prototyping"), and a title's Chinese part counts one, scored by the longest
 * run of its characters in the message ("机器学习" for "机器学习实战"). A course needs half its
 * units; a partial match must include a word no other title has ("figma", not "python"); two
 * courses matching equally well are not guessed between.
 */
export function findCourseMention(text: string, catalogue: readonly MentionableCourse[]): MentionableCourse | undefined {
  const message = text.normalize('NFKC').toLowerCase();
  const words = latinWords(message);
  const titles = catalogue.map((course) => ({ course, wanted: meaningfulWords(course.title), han: hanOf(course.title) }));
  const titlesWith = new Map<string, number>();
  for (const { wanted } of titles) for (const word of new Set(wanted)) titlesWith.set(word, (titlesWith.get(word) ?? 0) + 1);
  let best: { course: MentionableCourse; score: number } | undefined;
  let tie = false;
  for (const { course, wanted, han } of titles) {
    const matched = wanted.filter((word) => words.some((candidate) => close(word, candidate)));
    const run = han.length >= 2 ? longestCommonRun(han, message) : 0;
    const hanUnit = run >= 2 && run / han.length >= 0.5 ? run / han.length : 0;
    const units = wanted.length + (han.length >= 2 ? 1 : 0);
    const score = units ? (matched.length + hanUnit) / units : 0;
    const distinctive = hanUnit > 0 || matched.some((word) => titlesWith.get(word) === 1);
    if (score < MIN_SCORE || (score < 1 && !distinctive)) continue;
    if (!best || score > best.score) {
      best = { course, score };
      tie = false;
    } else if (score === best.score) tie = true;
  }
  return best && !tie ? best.course : undefined;
}

/** The community's published courses, as the matcher needs them. */
export async function mentionableCourses(db: Queryable, communityId: string): Promise<MentionableCourse[]> {
  return db
    .select({ id: courses.id, slug: courses.slug, title: courses.title })
    .from(courses)
    .where(and(eq(courses.communityId, communityId), eq(courses.status, 'published')));
}

function meaningfulWords(title: string): string[] {
  return latinWords(title.normalize('NFKC').toLowerCase()).filter((word) => !FILLER.has(word));
}

function hanOf(title: string): string {
  return [...title.normalize('NFKC').matchAll(/\p{Script=Han}+/gu)].map((match) => match[0]).join('');
}

function latinWords(text: string): string[] {
  return text.split(/[^\p{Script=Latin}\p{N}]+/u).filter((word) => word.length > 0);
}

/** Equal, or within the typos a word of this length can carry (1 from 4 letters, 2 from 8). */
function close(wanted: string, candidate: string): boolean {
  if (wanted === candidate) return true;
  const allowed = wanted.length >= 8 ? 2 : wanted.length >= 4 ? 1 : 0;
  return allowed > 0 && Math.abs(wanted.length - candidate.length) <= allowed && editDistance(wanted, candidate, allowed) <= allowed;
}

/** Optimal string alignment distance (a swap of neighbours counts one), cut off above `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    let rowMin = Infinity;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = value;
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
  }
  return rows[a.length]![b.length]!;
}

function longestCommonRun(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  let longest = 0;
  const previous = new Array<number>(right.length + 1).fill(0);
  for (let i = 1; i <= left.length; i += 1) {
    let diagonal = 0;
    for (let j = 1; j <= right.length; j += 1) {
      const above = previous[j]!;
      previous[j] = left[i - 1] === right[j - 1] ? diagonal + 1 : 0;
      longest = Math.max(longest, previous[j]!);
      diagonal = above;
    }
  }
  return longest;
}
