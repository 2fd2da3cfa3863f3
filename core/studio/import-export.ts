import { unzipSync, zipSync } from 'fflate';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { communityFiles, lessons as publishedLessons } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { isSha256 } from '../files/file-store.ts';
import { storeUpload } from '../files/store-upload.ts';
import { checkUpload, DEFAULT_UPLOAD_LIMITS, type UploadLimits } from '../files/upload-policy.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { type DraftLesson, insertDraftCourse } from './author-course.ts';
import { type CourseDocument, formatCourseMarkdown, parseCourseMarkdown } from './course-markdown.ts';
import { courseFields, lessonFields, studioLimits, uploadInput } from './fields.ts';
import { parseMarkdown } from './markdown.ts';
import { findAuthoredCourse, findOpenRevision, listRevisionLessons } from './revisions.ts';
import { studioCard } from './studio-card.ts';
import { communityUploadLimits } from './studio-settings.ts';

const MAX_ZIP_ENTRIES = 500;
const MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

export const importInput = z.object({ file: uploadInput.optional(), source: z.string().refine(isSha256, 'must be a file reference from a dry run').optional(), dry_run: flag.optional() });
export const exportInput = z.object({ course: z.string().trim().min(1).max(120) });

type Deps = Pick<CoreDeps, 'db' | 'files'>;
type Refusal = { ok: false; error: DomainError };
const refuse = (detail: string): Refusal => ({ ok: false, error: { code: 'import_refused', detail } });

/**
 * `/course import`: a Markdown course file, or a ZIP of one with its attachments, becomes a draft.
 * By default a dry run: it shows what would be created and offers to create it (the file is kept
 * by its hash meanwhile). Everything is checked before anything is written.
 */
export async function importCourse(deps: Deps, actor: Actor, input: z.infer<typeof importInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.manage')) return err({ code: 'forbidden', permission: 'catalog.manage' });
  const bytes = input.file?.bytes ?? (input.source ? await deps.files.get(input.source) : undefined);
  if (!bytes) return err(input.source ? { code: 'import_refused', detail: t(actor.locale, 'import.sourceGone') } : { code: 'invalid_input', details: 'file: attach the course file (.md or .zip)' });
  if (bytes.byteLength > DEFAULT_UPLOAD_LIMITS.maxBytes) return err({ code: 'upload_refused', reason: 'too_large', detail: `${bytes.byteLength} > ${DEFAULT_UPLOAD_LIMITS.maxBytes} bytes` });
  const limits = await communityUploadLimits(deps.db, actor.communityId);
  const read = await readCourse(bytes, limits);
  if (!read.ok) return err(read.error);
  const { document, files } = read;
  const { locale } = actor;

  if (input.dry_run !== false) {
    const stored = await deps.files.put(bytes, { maxBytes: DEFAULT_UPLOAD_LIMITS.maxBytes });
    const lines = document.lessons.map((lesson, index) => `${index + 1}. ${lesson.title}${lesson.attachments.length ? ` · 📎 ${lesson.attachments.map((file) => file.name).join(', ')}` : ''}`);
    return ok({
      title: truncate(t(locale, 'import.dryRunTitle', { title: document.fields.title }), replyLimits.title),
      body: t(locale, 'import.dryRun', { lessons: document.lessons.length, files: files.size }),
      fields: [{ name: t(locale, 'course.lessons'), value: truncate(lines.join('\n') || t(locale, 'course.noLessons'), replyLimits.fieldValue) }],
      actions: [{ buttons: [{ label: t(locale, 'import.create'), action: { type: 'form.submit', command: 'course', options: { action: 'import', source: stored.sha256, dry_run: 'false' } }, style: 'primary' }] }],
      ephemeral: true,
    });
  }
  // Attachments first (bytes, then their rows): the course and its lessons are written in one transaction after.
  const fileIds = new Map<string, string>();
  for (const [path, content] of files) {
    const uploaded = await storeUpload(deps, actor, { name: path.split('/').at(-1)!, bytes: content }, limits);
    if (!uploaded.ok) return uploaded;
    fileIds.set(path, uploaded.value.fileId);
  }
  const draftLessons: DraftLesson[] = document.lessons.map((lesson) => ({ title: lesson.title, body: lesson.body, dripOffsetDays: lesson.drip, attachmentFileIds: lesson.attachments.map((file) => fileIds.get(file.path)!) }));
  const course = await deps.db.transaction((tx) => insertDraftCourse(tx, actor, { ...document.fields, description: document.description }, draftLessons, 'import'));
  return ok(await studioCard(deps.db, actor, course, t(locale, 'import.created', { lessons: draftLessons.length })));
}

/** Unpacks and checks a course file: the document, and the bytes of every attachment it names (by path). */
async function readCourse(bytes: Uint8Array, limits: UploadLimits): Promise<{ ok: true; document: CourseDocument; files: Map<string, Uint8Array> } | Refusal> {
  let markdown: Uint8Array;
  let entries: Record<string, Uint8Array> = {};
  let base = '';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    let count = 0;
    let total = 0;
    try {
      entries = unzipSync(bytes, {
        filter: (entry) => {
          count += 1;
          total += entry.originalSize;
          if (count > MAX_ZIP_ENTRIES || total > MAX_UNZIPPED_BYTES) throw new Error('too large');
          return !entry.name.endsWith('/') && !entry.name.startsWith('__MACOSX/');
        },
      });
    } catch (error) {
      return refuse(error instanceof Error && error.message === 'too large' ? `the ZIP holds more than ${MAX_ZIP_ENTRIES} files or ${MAX_UNZIPPED_BYTES / 1024 / 1024} MB` : 'the ZIP is damaged and cannot be read');
    }
    const documents = Object.keys(entries).filter((name) => /\.(md|markdown)$/i.test(name));
    if (documents.length !== 1) return refuse(`the ZIP must hold exactly one .md course file (found ${documents.length})`);
    markdown = entries[documents[0]!]!;
    base = documents[0]!.includes('/') ? documents[0]!.slice(0, documents[0]!.lastIndexOf('/') + 1) : '';
  } else {
    markdown = bytes;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(markdown);
  } catch {
    return refuse('the course file is not UTF-8 text');
  }
  if (text.includes('\u0000')) return refuse('the course file is not text');
  const parsed = parseCourseMarkdown(text);
  if (!parsed.ok) return refuse(`line ${parsed.problem.line}: ${parsed.problem.detail}`);
  const { document } = parsed;
  const fields = courseFields.safeParse({ ...document.fields, description: document.description });
  if (!fields.success) return refuse(fields.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  if (document.lessons.length > studioLimits.lessonsPerCourse) return refuse(`a course has at most ${studioLimits.lessonsPerCourse} lessons`);
  const files = new Map<string, Uint8Array>();
  for (const [index, lesson] of document.lessons.entries()) {
    const where = `lesson ${index + 1} ("${lesson.title.slice(0, 40)}")`;
    const checked = lessonFields.safeParse({ title: lesson.title, body: lesson.body });
    if (!checked.success) return refuse(`${where}: ${checked.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
    const [problem] = parseMarkdown(lesson.body).problems;
    if (problem) return refuse(`${where}, line ${problem.line}: ${problem.reason === 'html' ? 'HTML is not allowed' : problem.reason === 'bad_link' ? 'links must be http(s)' : 'a code block is not closed'} (${problem.detail})`);
    if (lesson.attachments.length > limits.maxFilesPerLesson) return refuse(`${where}: more than ${limits.maxFilesPerLesson} attachments`);
    for (const attachment of lesson.attachments) {
      const path = base + attachment.path.replace(/^\.\//, '');
      const content = entries[path];
      if (!content) return refuse(`${where}: ${attachment.path} is not in the ZIP${Object.keys(entries).length ? '' : ' (attachments come in a ZIP with the course file)'}`);
      const verdict = await checkUpload({ name: attachment.path, head: content.subarray(0, 4100), size: content.byteLength }, limits);
      if (!verdict.ok) return refuse(`${where}: ${attachment.path}: ${verdict.reason} (${verdict.detail})`);
      files.set(attachment.path, content);
    }
  }
  return { ok: true, document: { ...document, fields: { ...document.fields, ...fields.data, summary: fields.data.summary ?? '', category: fields.data.category ?? '', tags: fields.data.tags ?? [] } }, files };
}

/** `/course export`: the course (its open revision when there is one) as a course file, a ZIP when it has attachments. */
export async function exportCourse(deps: Deps, actor: Actor, input: z.infer<typeof exportInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.manage')) return err({ code: 'forbidden', permission: 'catalog.manage' });
  const course = await findAuthoredCourse(deps.db, actor.communityId, input.course);
  if (!course) return err({ code: 'course_not_found' });
  const revision = await findOpenRevision(deps.db, course.id);
  const source = revision ?? course;
  const lessons = revision
    ? (await listRevisionLessons(deps.db, revision.id)).map((lesson) => ({ ...lesson, id: lesson.lessonId }))
    : await deps.db.select().from(publishedLessons).where(eq(publishedLessons.courseId, course.id)).orderBy(asc(publishedLessons.position));
  const fileIds = [...new Set(lessons.flatMap((lesson) => lesson.attachmentFileIds))];
  const rows = fileIds.length ? await deps.db.select().from(communityFiles).where(and(eq(communityFiles.communityId, actor.communityId), inArray(communityFiles.id, fileIds))) : [];
  const paths = new Map<string, { path: string; name: string; sha256: string }>();
  const used = new Set<string>();
  for (const row of rows) {
    let path = `files/${row.name.replace(/[^\w.\-\u3000-\u9fff]+/gu, '_')}`;
    for (let n = 2; used.has(path); n++) path = `files/${n}-${row.name}`;
    used.add(path);
    paths.set(row.id, { path, name: row.name, sha256: row.sha256 });
  }
  const markdown = formatCourseMarkdown({
    fields: { title: source.title, summary: source.summary, category: source.category, tags: source.tags, level: source.level, language: source.language },
    description: source.description,
    lessons: lessons.map((lesson) => ({ title: lesson.title, body: lesson.body, drip: lesson.dripOffsetDays, attachments: lesson.attachmentFileIds.flatMap((id) => (paths.has(id) ? [{ name: paths.get(id)!.name, path: paths.get(id)!.path }] : [])) })),
  });
  const text = new TextEncoder().encode(markdown);
  let bytes: Uint8Array = text;
  if (paths.size) {
    const archive: Record<string, Uint8Array> = { [`${course.slug}.md`]: text };
    for (const file of paths.values()) {
      const content = await deps.files.get(file.sha256);
      if (content) archive[file.path] = content;
    }
    bytes = zipSync(archive, { level: 6, mtime: new Date('2020-01-01T00:00:00Z') });
  }
  const stored = await deps.files.put(bytes, { maxBytes: Number.MAX_SAFE_INTEGER });
  const zipped = paths.size > 0;
  return ok({
    body: t(actor.locale, 'export.ready', { title: source.title, lessons: lessons.length }),
    files: [{ sha256: stored.sha256, name: `${course.slug}.${zipped ? 'zip' : 'md'}`, kind: zipped ? 'document' : 'text', mime: zipped ? 'application/zip' : 'text/markdown; charset=utf-8', size: stored.size }],
    ephemeral: true,
  });
}
