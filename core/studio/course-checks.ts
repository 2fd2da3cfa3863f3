import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { communities, communityFiles } from '../db/schema/index.ts';
import { uploadLimitsOf } from './studio-settings.ts';
import { type Locale, t } from '../i18n/index.ts';
import { parseMarkdown } from './markdown.ts';
import type { Revision, RevisionLesson } from './revisions.ts';

export type CheckResult = { passed: boolean; lines: string[] };

/**
 * What must hold before a revision goes to review, as a checklist: summary and description,
 * at least one lesson, no empty lesson, attachments within limits and present, body markup
 * and links well-formed, none of the community's blocked words. Each failure names the lesson.
 */
export async function checkRevision(db: Queryable, locale: Locale, revision: Revision, lessons: RevisionLesson[]): Promise<CheckResult> {
  const [community] = await db.select({ settings: communities.settings }).from(communities).where(eq(communities.id, revision.communityId));
  const blocked = (community?.settings.blockedWords ?? []).map((word) => word.toLowerCase()).filter(Boolean);
  const limits = uploadLimitsOf(community?.settings ?? {});
  const fileIds = [...new Set(lessons.flatMap((lesson) => lesson.attachmentFileIds))];
  const present = new Set(
    fileIds.length
      ? (await db.select({ id: communityFiles.id }).from(communityFiles).where(and(eq(communityFiles.communityId, revision.communityId), inArray(communityFiles.id, fileIds)))).map((row) => row.id)
      : [],
  );
  const failures: string[] = [];
  const lessonName = (lesson: RevisionLesson) => t(locale, 'checks.lesson', { position: lesson.position, title: lesson.title });
  const check = (ok: boolean, key: Parameters<typeof t>[1], params: Record<string, string | number> = {}) => {
    if (!ok) failures.push(`✗ ${t(locale, key, params)}`);
    return ok;
  };
  const items = [
    check(Boolean(revision.summary.trim()), 'checks.summary'),
    check(Boolean(revision.description.trim()), 'checks.description'),
    check(lessons.length > 0, 'checks.lessons'),
  ];
  let lessonsOk = true;
  let filesOk = true;
  let markupOk = true;
  for (const lesson of lessons) {
    lessonsOk = check(Boolean(lesson.body.trim()) || lesson.attachmentFileIds.length > 0, 'checks.emptyLesson', { lesson: lessonName(lesson) }) && lessonsOk;
    filesOk = check(lesson.attachmentFileIds.length <= limits.maxFilesPerLesson, 'checks.tooManyFiles', { lesson: lessonName(lesson), max: limits.maxFilesPerLesson }) && filesOk;
    filesOk = check(lesson.attachmentFileIds.every((id) => present.has(id)), 'checks.missingFile', { lesson: lessonName(lesson) }) && filesOk;
    for (const problem of parseMarkdown(lesson.body).problems) {
      markupOk = check(false, `checks.markup.${problem.reason}`, { lesson: lessonName(lesson), line: problem.line, detail: problem.detail }) && markupOk;
    }
  }
  const texts = [revision.title, revision.summary, revision.description, ...lessons.flatMap((lesson) => [lesson.title, lesson.body])].map((text) => text.toLowerCase());
  const found = blocked.filter((word) => texts.some((text) => text.includes(word)));
  const wordsOk = check(!found.length, 'checks.blockedWords', { words: found.join(', ') });
  const passedLines = [
    items[0] && t(locale, 'checks.summary'),
    items[1] && t(locale, 'checks.description'),
    items[2] && t(locale, 'checks.lessons'),
    lessons.length && lessonsOk && t(locale, 'checks.noEmptyLessons'),
    filesOk && t(locale, 'checks.files'),
    markupOk && t(locale, 'checks.markup'),
    wordsOk && t(locale, 'checks.noBlockedWords'),
  ]
    .filter((line): line is string => Boolean(line))
    .map((line) => `✓ ${line}`);
  return { passed: failures.length === 0, lines: [...passedLines, ...failures] };
}
