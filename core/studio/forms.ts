import type { Locale } from '../i18n/index.ts';
import { t } from '../i18n/index.ts';
import type { ReplyForm } from '../reply.ts';
import { studioLimits } from './fields.ts';

type Submit = { command: string; options: Record<string, string> };
const submitOf = (submit: Submit) => ({ type: 'form.submit' as const, ...submit });

/** The course's fields as a form (Discord modals hold five inputs: level and language stay options). */
export function courseForm(
  locale: Locale,
  submit: Submit,
  current?: { title: string; summary: string; description: string; category: string; tags: string[] },
): ReplyForm {
  return {
    title: t(locale, current ? 'studio.form.editCourseTitle' : 'studio.form.newCourseTitle'),
    submit: submitOf(submit),
    inputs: [
      { key: 'title', label: t(locale, 'studio.field.title'), style: 'short', required: true, minLength: 2, maxLength: studioLimits.title, value: current?.title },
      { key: 'summary', label: t(locale, 'studio.field.summary'), style: 'short', required: false, maxLength: studioLimits.summary, value: current?.summary },
      { key: 'description', label: t(locale, 'studio.field.description'), style: 'paragraph', required: false, maxLength: studioLimits.description, value: current?.description },
      { key: 'category', label: t(locale, 'studio.field.category'), style: 'short', required: false, maxLength: studioLimits.category, value: current?.category },
      { key: 'tags', label: t(locale, 'studio.field.tags'), style: 'short', required: false, maxLength: 200, value: current?.tags.join(', ') },
    ],
  };
}

/** A lesson as a form; `files` is asked for only where files can be sent into a conversation (Telegram). */
export function lessonForm(locale: Locale, submit: Submit, current?: { title: string; body: string }): ReplyForm {
  return {
    title: t(locale, current ? 'studio.form.editLessonTitle' : 'studio.form.newLessonTitle'),
    submit: submitOf(submit),
    inputs: [
      { key: 'title', label: t(locale, 'studio.field.lessonTitle'), style: 'short', required: true, minLength: 1, maxLength: studioLimits.title, value: current?.title },
      { key: 'body', label: t(locale, 'studio.field.body'), style: 'paragraph', required: false, maxLength: studioLimits.lessonBody, value: current?.body },
      { key: 'file', label: t(locale, 'studio.field.files'), style: 'file', required: false, maxLength: 0 },
    ],
  };
}

export function reviewCommentForm(locale: Locale, submit: Submit): ReplyForm {
  return {
    title: t(locale, 'review.form.title'),
    submit: submitOf(submit),
    inputs: [{ key: 'comment', label: t(locale, 'review.form.comment'), style: 'paragraph', required: true, minLength: 3, maxLength: 1000 }],
  };
}

export function commentForm(locale: Locale, submit: Submit): ReplyForm {
  return {
    title: t(locale, 'comments.form.title'),
    submit: submitOf(submit),
    inputs: [{ key: 'text', label: t(locale, 'comments.form.text'), style: 'paragraph', required: true, minLength: 1, maxLength: 1000 }],
  };
}
