import { inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.ts';
import { communityFiles } from '../db/schema/index.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { type Course, findOpenRevision, listRevisionLessons } from './revisions.ts';

/**
 * What an author sees of their course: the open revision (or the published course), its
 * lessons with their attachments, the reviewer's last comment, and what to do next.
 */
export async function studioCard(db: Queryable, actor: Actor, course: Course, headline?: string): Promise<Reply> {
  const { locale } = actor;
  const revision = await findOpenRevision(db, course.id);
  const lessons = revision ? await listRevisionLessons(db, revision.id) : [];
  const fields = revision ?? course;
  const fileIds = [...new Set([...lessons.flatMap((lesson) => lesson.attachmentFileIds), ...(fields.coverFileId ? [fields.coverFileId] : [])])];
  const names = new Map(fileIds.length ? (await db.select({ id: communityFiles.id, name: communityFiles.name }).from(communityFiles).where(inArray(communityFiles.id, fileIds))).map((row) => [row.id, row.name]) : []);
  const state = revision ? t(locale, revision.status === 'review' ? 'studio.state.review' : 'studio.state.draft', { number: revision.number }) : t(locale, `status.${course.status}`);
  const lessonLines = lessons.map((lesson) => {
    const files = lesson.attachmentFileIds.map((id) => names.get(id) ?? '?');
    return `${lesson.position}. ${lesson.title}${files.length ? ` · 📎 ${files.join(', ')}` : ''}${!lesson.body.trim() && !files.length ? ` · ${t(locale, 'studio.emptyLesson')}` : ''}`;
  });
  return {
    title: truncate(fields.title, replyLimits.title),
    body: [headline, fields.summary].filter(Boolean).join('\n\n') || undefined,
    fields: [
      { name: t(locale, 'studio.state'), value: state, inline: true },
      { name: t(locale, 'course.category'), value: fields.category, inline: true },
      { name: t(locale, 'studio.slug'), value: course.slug, inline: true },
      ...(fields.coverFileId ? [{ name: t(locale, 'studio.cover'), value: names.get(fields.coverFileId) ?? '?', inline: true }] : []),
      { name: t(locale, 'course.lessons'), value: truncate(lessonLines.join('\n') || t(locale, 'course.noLessons'), replyLimits.fieldValue) },
      ...(revision?.reviewComment ? [{ name: t(locale, 'studio.reviewComment'), value: truncate(revision.reviewComment, replyLimits.fieldValue) }] : []),
      { name: t(locale, 'studio.next'), value: t(locale, revision?.status === 'review' ? 'studio.next.review' : 'studio.next.draft', { course: course.slug }) },
    ],
    actions: revision?.status === 'draft' ? [{ buttons: [{ label: t(locale, 'studio.submit'), action: { type: 'course.submit', courseId: course.id }, style: 'primary' }] }] : undefined,
    ephemeral: true,
  };
}
