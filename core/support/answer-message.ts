import { z } from 'zod';
import { listCourses } from '../commands/list-courses.ts';
import { showCourse } from '../commands/show-course.ts';
import type { CommandDeps } from '../commands/index.ts';
import { showMyPurchases } from '../commerce/my-purchases.ts';
import { showProducts } from '../commerce/show-products.ts';
import type { DomainError } from '../errors.ts';
import { type MessageKey, t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { ok, type Result } from '../result.ts';
import { diagnoseAccess } from './diagnose-access.ts';
import type { Intent } from './intents/corpus.ts';
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
export async function answerMessage(deps: CommandDeps, actor: Actor, input: { text: string }): Promise<Result<Reply, DomainError>> {
  const classifier = deps.support?.classifier ?? defaultClassifier();
  const { intent, confidence } = await classifier.classify(input.text);
  deps.log.info({ communityId: actor.communityId, intent, confidence: Number(confidence.toFixed(2)) }, 'support message classified');
  return confidence < CONFIDENCE_THRESHOLD ? ok(clarify(actor, input.text)) : answerIntent(deps, actor, intent, input.text);
}

/** The choices a member is offered when their message was not clear; "a person" escalates. */
const CLARIFY_CHOICES: Intent[] = ['browse_catalog', 'purchase', 'access_problem', 'human_agent'];

function clarify(actor: Actor, text: string): Reply {
  const buttons = CLARIFY_CHOICES.map((intent) => ({ label: t(actor.locale, `support.choice.${intent}` as MessageKey), action: { type: 'support.intent' as const, intent, text: text.slice(0, 500) } }));
  return { body: t(actor.locale, 'support.clarify'), actions: [{ buttons }] };
}

/** What the assistant does for a message of a known intent (also a clarifying button's answer). */
export async function answerIntent(deps: CommandDeps, actor: Actor, intent: Intent, text: string): Promise<Result<Reply, DomainError>> {
  const { locale } = actor;
  switch (intent) {
    case 'browse_catalog':
      return listCourses(deps, actor, { page: 1 });
    case 'course_info': {
      const course = findCourseMention(text, await mentionableCourses(deps.db, actor.communityId));
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
      return ok(await openTicket(deps, actor, { intent, text }));
    case 'greeting_smalltalk':
      return ok({ body: t(locale, 'support.greeting') });
    case 'out_of_scope':
      return ok({ body: t(locale, 'support.outOfScope') });
  }
}
