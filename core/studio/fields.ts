import { z } from 'zod';
import { courseLevel } from '../db/schema/index.ts';

/** Limits of a course's and a lesson's text, shared by the commands, the forms and import. */
export const studioLimits = {
  title: 120,
  summary: 300,
  description: 4000,
  category: 60,
  tag: 30,
  tags: 10,
  // One message on every platform: Telegram text and Discord embed descriptions stop at 4096.
  lessonBody: 3500,
  lessonsPerCourse: 200,
} as const;

const text = (max: number, min = 0) =>
  z
    .string()
    .transform((value) => value.trim())
    .pipe(z.string().min(min, min ? `must be ${min} to ${max} characters` : undefined).max(max, `must be at most ${max} characters`));

/** Tags as typed ("sql, data") or as a list; lower-cased, unique, non-empty. */
const tags = z
  .union([z.string().max(studioLimits.tags * (studioLimits.tag + 2)), z.array(z.string()).max(studioLimits.tags)])
  .transform((value) => [...new Set((Array.isArray(value) ? value : value.split(',')).map((tag) => tag.trim().toLowerCase()).filter(Boolean))])
  .pipe(z.array(z.string().max(studioLimits.tag, `each tag must be at most ${studioLimits.tag} characters`)).max(studioLimits.tags, `at most ${studioLimits.tags} tags`));

export const courseFields = z.object({
  title: text(studioLimits.title, 2),
  summary: text(studioLimits.summary).optional(),
  description: text(studioLimits.description).optional(),
  category: text(studioLimits.category, 1).optional(),
  tags: tags.optional(),
  level: z.enum(courseLevel.enumValues, { error: 'must be beginner, intermediate or advanced' }).optional(),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2}(-[A-Za-z]{2,4})?$/, 'must be a language code such as en or zh')
    .optional(),
});
export type CourseFields = z.infer<typeof courseFields>;

/** The same fields on an edit: all optional; what is left out stays as it is. */
export const courseFieldEdits = courseFields.partial();
export type CourseFieldEdits = z.infer<typeof courseFieldEdits>;

export const lessonFields = z.object({
  title: text(studioLimits.title, 1),
  body: text(studioLimits.lessonBody).optional(),
  drip: z.coerce.number({ error: 'must be a number of days from 0 to 3650' }).int().min(0).max(3650).optional(),
});

/** A file sent with a command: the adapter fetched its bytes (a Discord attachment, a Telegram document, a local path). */
export const uploadInput = z.object({ name: z.string().trim().min(1).max(200), bytes: z.instanceof(Uint8Array) });

/** A lesson as the member or the creator refers to it: its position in the course, or its short id. */
export const lessonRef = z.union([z.coerce.number().int().min(1).max(studioLimits.lessonsPerCourse), z.string().trim().regex(/^[0-9a-f-]{8,36}$/i, 'must be the lesson number or id')]);

/** A slug from a title: ASCII words joined by '-', or a short random one for titles without any (Chinese). */
export function slugFrom(title: string, suffix: string): string {
  const ascii = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return ascii ? `${ascii}` : `course-${suffix}`;
}
