import { z } from 'zod';
import type { CommandDeps } from '../commands/index.ts';
import { withDefaultAction } from '../commands/default-action.ts';
import { findCourseIdByName } from '../catalog/get-course.ts';
import { showCourse } from '../commands/show-course.ts';
import type { DomainError } from '../errors.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { err, type Result } from '../result.ts';
import { createCourse, editCourseInput, editCourse, newCourseInput } from './author-course.ts';
import { lessonInput, manageLesson } from './author-lesson.ts';
import { lessonRef } from './fields.ts';
import { openLesson } from './lesson-view.ts';
import { archiveCourse, archiveInput, submitCourse, submitInput } from './submit-course.ts';
import { exportCourse, exportInput, importCourse, importInput } from './import-export.ts';

/** A bare `/course <name>` shows the course; the other actions are the studio's. */
export const courseCommandInput = withDefaultAction(
  'show',
  z.discriminatedUnion('action', [
    z.object({ action: z.literal('show'), name: z.string().trim().min(1).max(100) }),
    newCourseInput.extend({ action: z.literal('new') }),
    editCourseInput.extend({ action: z.literal('edit') }),
    submitInput.extend({ action: z.literal('submit') }),
    importInput.extend({ action: z.literal('import') }),
    exportInput.extend({ action: z.literal('export') }),
    archiveInput.extend({ action: z.literal('archive') }),
  ]),
);

export async function runCourseCommand(deps: CommandDeps, actor: Actor, input: z.infer<typeof courseCommandInput>): Promise<Result<Reply, DomainError>> {
  switch (input.action) {
    case 'show':
      return showCourse(deps, actor, { name: input.name });
    case 'new':
      return createCourse(deps, actor, input);
    case 'edit':
      return editCourse(deps, actor, input);
    case 'submit':
      return submitCourse(deps, actor, input);
    case 'import':
      return importCourse(deps, actor, input);
    case 'export':
      return exportCourse(deps, actor, input);
    case 'archive':
      return archiveCourse(deps, actor, input);
  }
}

export const lessonCommandInput = z.union([lessonInput, z.object({ action: z.literal('open'), course: z.string().trim().min(1).max(120), lesson: lessonRef.optional() })]);

/** `/lesson open` is the member's; add, edit, move and remove are the authors'. */
export async function runLessonCommand(deps: CommandDeps, actor: Actor, input: z.infer<typeof lessonCommandInput>): Promise<Result<Reply, DomainError>> {
  if (input.action !== 'open') return manageLesson(deps, actor, input);
  const courseId = await findCourseIdByName(deps.db, { communityId: actor.communityId, name: input.course, statuses: ['published', 'archived'] });
  if (!courseId) return err({ code: 'course_not_found' });
  const position = typeof input.lesson === 'number' ? input.lesson : input.lesson === undefined ? 1 : Number.NaN;
  if (!Number.isInteger(position)) return err({ code: 'lesson_not_found' });
  return openLesson(deps, actor, { courseId, position });
}
