import type { courseLevel } from '../db/schema/index.ts';

/**
 * The course file format of `/course import` and `/course export`: front matter with the course's
 * fields, the description, then one `## ` heading per lesson. A lesson's drip day rides on its
 * heading (`## Joins {drip=3}`), its attachments are `📎 [name](path)` lines (paths inside the ZIP).
 * Exporting a course and importing the file gives the same course; formatting it again, the same file.
 */
export type CourseDocument = {
  fields: { title: string; summary: string; category: string; tags: string[]; level: (typeof courseLevel.enumValues)[number]; language: string };
  description: string;
  lessons: Array<{ title: string; body: string; drip: number; attachments: Array<{ name: string; path: string }> }>;
};

const FRONT_MATTER_KEYS = ['title', 'summary', 'category', 'tags', 'level', 'language'] as const;
const ATTACHMENT = /^📎 \[([^\]]+)\]\(([^)]+)\)$/;
const HEADING = /^## (.+?)(?:\s+\{drip=(\d{1,4})\})?\s*$/;

export type ParseProblem = { line: number; detail: string };

/** Reads a course file; the values are checked later by the same schemas as the commands. */
export function parseCourseMarkdown(text: string): { ok: true; document: CourseDocument } | { ok: false; problem: ParseProblem } {
  const lines = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  if (lines[0]?.trim() !== '---') return { ok: false, problem: { line: 1, detail: 'the file must start with front matter (a line "---")' } };
  const end = lines.indexOf('---', 1);
  if (end < 0) return { ok: false, problem: { line: 1, detail: 'the front matter is not closed by a line "---"' } };
  const front: Record<string, string> = {};
  for (let index = 1; index < end; index++) {
    const line = lines[index]!;
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const match = /^([a-z_]+):\s*(.*)$/.exec(line);
    if (!match) return { ok: false, problem: { line: index + 1, detail: `expected "key: value", found "${line.slice(0, 40)}"` } };
    const key = match[1]!;
    if (!(FRONT_MATTER_KEYS as readonly string[]).includes(key)) return { ok: false, problem: { line: index + 1, detail: `unknown field "${key}" (known: ${FRONT_MATTER_KEYS.join(', ')})` } };
    front[key] = unquote(match[2]!.trim());
  }
  if (!front.title) return { ok: false, problem: { line: 1, detail: 'the front matter needs a title' } };
  const description: string[] = [];
  const lessons: CourseDocument['lessons'] = [];
  let inCode = false;
  for (let index = end + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trimStart().startsWith('```')) inCode = !inCode;
    const heading = inCode ? null : HEADING.exec(line);
    if (heading) {
      lessons.push({ title: heading[1]!.trim(), body: '', drip: heading[2] ? Number(heading[2]) : 0, attachments: [] });
      continue;
    }
    const lesson = lessons.at(-1);
    const attachment = !inCode && lesson ? ATTACHMENT.exec(line.trim()) : null;
    if (attachment && lesson) lesson.attachments.push({ name: attachment[1]!, path: attachment[2]! });
    else if (lesson) lesson.body += `${line}\n`;
    else description.push(line);
  }
  return {
    ok: true,
    document: {
      fields: {
        title: front.title,
        summary: front.summary ?? '',
        category: front.category ?? '',
        tags: (front.tags ?? '').replace(/^\[|\]$/g, '').split(',').map((tag) => unquote(tag.trim())).filter(Boolean),
        level: (front.level ?? 'beginner') as CourseDocument['fields']['level'],
        language: front.language ?? 'en',
      },
      description: description.join('\n').trim(),
      lessons: lessons.map((lesson) => ({ ...lesson, body: lesson.body.trim() })),
    },
  };
}

/** Writes the canonical file of a course. */
export function formatCourseMarkdown(document: CourseDocument): string {
  const { fields } = document;
  const front = [
    `title: ${quote(fields.title)}`,
    `summary: ${quote(fields.summary)}`,
    `category: ${quote(fields.category)}`,
    `tags: [${fields.tags.map(quote).join(', ')}]`,
    `level: ${fields.level}`,
    `language: ${fields.language}`,
  ];
  const parts = [`---\n${front.join('\n')}\n---`];
  if (document.description) parts.push(document.description);
  for (const lesson of document.lessons) {
    const lines = [`## ${lesson.title}${lesson.drip ? ` {drip=${lesson.drip}}` : ''}`];
    if (lesson.body) lines.push('', lesson.body);
    if (lesson.attachments.length) lines.push('', ...lesson.attachments.map((file) => `📎 [${file.name}](${file.path})`));
    parts.push(lines.join('\n'));
  }
  return `${parts.join('\n\n')}\n`;
}

const quote = (value: string) => (/^[\w .,!?()'&\-\u3000-\u9fff\uff00-\uffef]*$/u.test(value) && value.trim() === value && !value.includes(': ') ? value : JSON.stringify(value));
function unquote(value: string): string {
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    try {
      return String(JSON.parse(value));
    } catch {
      return value.slice(1, -1);
    }
  }
  return value;
}
