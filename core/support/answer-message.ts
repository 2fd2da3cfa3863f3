import { z } from 'zod';
import { listCourses } from '../commands/list-courses.ts';
import { showCourse } from '../commands/show-course.ts';
import type { CommandDeps } from '../commands/index.ts';
import { showMyPurchases } from '../commerce/my-purchases.ts';
import { showProducts } from '../commerce/show-products.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { ok, type Result } from '../result.ts';
import { diagnoseAccess } from './diagnose-access.ts';
import { findCourseMention, mentionableCourses } from './intents/course-mention.ts';
import { defaultClassifier } from './intents/default-classifier.ts';
import { CONFIDENCE_THRESHOLD } from './intents/local-classifier.ts';
import { openTicket } from './open-ticket.ts';

/** Free text as it arrives from a member: trimmed, not empty, and not a novel. */
export const memberMessage = z.string().trim().min(1).max(4_000);

/**
 * The support assistant's router: the member's message is classified and answered from live
 * data, for the member speaking only (nothing in the text can widen what it may do). Below the
 * confidence threshold it asks what the member means instead of guessing.
 */
export async function answerMessage(deps: CommandDeps, actor: Actor, input: { text: string; chatId: string }): Promise<Result<Reply, DomainError>> {
  const { locale } = actor;
  const classifier = deps.support?.classifier ?? defaultClassifier();
  const { intent, confidence } = await classifier.classify(input.text);
  deps.log.info({ communityId: actor.communityId, intent, confidence: Number(confidence.toFixed(2)) }, 'support message classified');
  if (confidence < CONFIDENCE_THRESHOLD) return ok({ body: t(locale, 'support.clarify') });
  switch (intent) {
    case 'browse_catalog':
      return listCourses(deps, actor, { page: 1 });
    case 'course_info': {
      const course = findCourseMention(input.text, await mentionableCourses(deps.db, actor.communityId));
      return course ? showCourse(deps, actor, { courseId: course.id }) : ok({ body: t(locale, 'support.whichCourse') });
    }
    case 'recommendation': {
      const popular = await listCourses(deps, actor, { page: 1 });
      return popular.ok ? ok({ ...popular.value, title: t(locale, 'support.popular') }) : popular;
    }
    case 'purchase':
      return showProducts(deps, actor, {});
    case 'access_problem':
      return ok(await diagnoseAccess(deps, actor));
    case 'subscription_manage':
      return showMyPurchases(deps, actor);
    case 'refund_request':
    case 'human_agent':
      return ok(await openTicket(deps, actor, { intent, text: input.text, chatId: input.chatId }));
    case 'greeting_smalltalk':
      return ok({ body: t(locale, 'support.greeting') });
    case 'out_of_scope':
      return ok({ body: t(locale, 'support.outOfScope') });
  }
}
