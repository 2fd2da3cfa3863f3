import { and, desc, eq, ne } from 'drizzle-orm';
import { recommend } from '../recommend/recommend-command.ts';
import { shortId } from '../short-ids.ts';
import { z } from 'zod';
import { listCourses } from '../commands/list-courses.ts';
import { showCourse } from '../commands/show-course.ts';
import type { CommandDeps } from '../commands/index.ts';
import { showMyPurchases } from '../commerce/my-purchases.ts';
import { showProducts } from '../commerce/show-products.ts';
import { supportMessages, supportTickets } from '../db/schema/index.ts';
import type { DomainError } from '../errors.ts';
import { type MessageKey, t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import { ok, type Result } from '../result.ts';
import { addMessage, enqueueRelay, openConversation } from './conversations.ts';
import { diagnoseAccess } from './diagnose-access.ts';
import { matchFaq } from './faq.ts';
import type { Intent } from './intents/corpus.ts';
import { findCourseMention, mentionableCourses } from './intents/course-mention.ts';
import { defaultClassifier } from './intents/default-classifier.ts';
import { CONFIDENCE_THRESHOLD } from './intents/local-classifier.ts';
import { openTicket } from './open-ticket.ts';

/** Free text as it arrives from a member: trimmed, not empty, and not a novel. */
export const memberMessage = z.string().trim().min(1).max(4_000);

/**
 * The support assistant's router. Every message is kept in the member's conversation. While a
 * ticket waits for staff the message is also relayed to them; once staff hold it, the assistant
 * says nothing (`undefined`) and the message only goes to staff. Otherwise the creator's FAQ
 * answers first, then the classified intent is answered from live data, for the member speaking
 * only (nothing in the text can widen what it may do). Below the confidence threshold the
 * assistant asks once what the member means; a second unclear message goes to a person.
 */
export async function answerMessage(deps: CommandDeps, actor: Actor, input: { text: string; platformMessageId?: string | undefined }): Promise<Result<Reply | undefined, DomainError>> {
  const now = deps.clock.now();
  const received = await deps.db.transaction(async (tx) => {
    const conversation = await openConversation(tx, actor, now);
    const handedOff = conversation.status === 'waiting' || conversation.status === 'claimed';
    const [previous] = await tx
      .select({ kind: supportMessages.kind })
      .from(supportMessages)
      .where(and(eq(supportMessages.conversationId, conversation.id), ne(supportMessages.authorKind, 'member')))
      .orderBy(desc(supportMessages.seq))
      .limit(1);
    const stored = await addMessage(tx, conversation, { authorKind: 'member', authorMemberId: actor.memberId, body: input.text, relayTo: handedOff ? 'staff' : undefined, platform: actor.platform, platformMessageId: input.platformMessageId }, now);
    const [ticket] = handedOff ? await tx.select({ id: supportTickets.id }).from(supportTickets).where(eq(supportTickets.conversationId, conversation.id)) : [];
    return { conversation, stored, handedOff, ticketId: ticket?.id, askedBefore: previous?.kind === 'clarify' };
  });
  const { conversation, stored } = received;
  if (!stored) return ok(undefined);
  if (received.handedOff) await enqueueRelay(deps, conversation.id, stored.id);
  if (conversation.status === 'claimed') return ok(undefined);

  const reply = await replyTo(deps, actor, input.text, received);
  if (reply.ok && reply.value) {
    const kind = reply.value.actions?.some((row) => 'buttons' in row && row.buttons.some((button) => 'action' in button && button.action.type === 'support.intent')) ? 'clarify' : 'text';
    const text = [reply.value.title, reply.value.body].filter(Boolean).join('\n') || '(buttons)';
    await addMessage(deps.db, conversation, { authorKind: 'assistant', body: text.slice(0, 2_000), kind }, deps.clock.now());
  }
  return reply;
}

async function replyTo(deps: CommandDeps, actor: Actor, text: string, context: { handedOff: boolean; ticketId: string | undefined; askedBefore: boolean }): Promise<Result<Reply, DomainError>> {
  const faq = await matchFaq(deps, actor, text);
  if (faq) return ok(faq);
  const classifier = deps.support?.classifier ?? defaultClassifier();
  const { intent, confidence } = await classifier.classify(text);
  deps.log.info({ communityId: actor.communityId, intent, confidence: Number(confidence.toFixed(2)) }, 'support message classified');
  if (context.handedOff && (intent === 'human_agent' || intent === 'refund_request' || confidence < CONFIDENCE_THRESHOLD)) {
    return ok({ body: t(actor.locale, 'support.ticket.added', { ticket: shortId(context.ticketId ?? '') }) });
  }
  if (confidence < CONFIDENCE_THRESHOLD) return context.askedBefore ? ok(await openTicket(deps, actor, { intent: 'human_agent' })) : ok(clarify(actor, text));
  return answerIntent(deps, actor, intent, text);
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
    case 'recommendation':
      return recommend(deps, actor, { page: 1 });
    case 'purchase':
      return showProducts(deps, actor, {});
    // Payments and access are the member's own business: in a group these answers go to their private chat.
    case 'access_problem':
      return ok({ ...(await diagnoseAccess(deps, actor)), confidential: true });
    case 'subscription_manage': {
      const mine = await showMyPurchases(deps, actor);
      return mine.ok ? ok({ ...mine.value, confidential: true }) : mine;
    }
    case 'refund_request':
    case 'human_agent':
      return ok({ ...(await openTicket(deps, actor, { intent })), confidential: true });
    case 'greeting_smalltalk':
      return ok({ body: t(locale, 'support.greeting') });
    case 'out_of_scope':
      return ok({ body: t(locale, 'support.outOfScope') });
  }
}
