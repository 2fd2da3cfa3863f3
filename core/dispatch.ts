import type { z } from 'zod';
import { decideJoinRequest, type JoinDecision } from './access/join-request.ts';
import { forgetGuildListings, type PresenceChange, recordMemberRoles, recordPresence } from './access/member-presence.ts';
import { openBillingPortal, restoreAccess } from './access/restore-access.ts';
import type { Action } from './actions.ts';
import { type PayloadFits, payloadEncoder } from './button-payloads.ts';
import { type CommandDeps, type CommandName, commands } from './commands/index.ts';
import { listComments, writeCommentForm } from './studio/comments.ts';
import { markLessonDone, openLesson } from './studio/lesson-view.ts';
import { approveRevision, requestChanges } from './studio/review-course.ts';
import { submitCourse } from './studio/submit-course.ts';
import { turnOff } from './delivery/preferences.ts';
import { markReachable } from './delivery/reachable.ts';
import { confirmAnnouncement, controlAnnouncement } from './delivery/announcements/control.ts';
import { directMessageHint } from './commands/direct-message.ts';
import { answerIntent, answerMessage, memberMessage } from './support/answer-message.ts';
import { isTicketThread, threadRef } from './support/find-ticket.ts';
import { holdsTicket, relayStaffMessage } from './support/staff-message.ts';
import { claimTicket, rateConversation } from './support/takeover.ts';
import { startPrivateChat } from './commands/start.ts';
import { redeemCoupon } from './growth/redeem-coupon.ts';
import { migrateTelegramChat } from './communities/migrate-chat.ts';
import { type Suggestion, type SuggestRequest, suggest } from './commands/suggest.ts';
import { type SpaceFacts, setupInput, setupSpace } from './communities/setup-space.ts';
import type { CoreDeps } from './deps.ts';
import { listCourses } from './commands/list-courses.ts';
import { showCourse } from './commands/show-course.ts';
import { buyProduct } from './commerce/buy-product.ts';
import { paySandboxOrder } from './commerce/pay-sandbox.ts';
import type { DomainError } from './errors.ts';
import { t, toLocale } from './i18n/index.ts';
import { checkStarsPreCheckout, preCheckoutInput, recordStarsPayment, starsPaymentInput } from './commerce/stars-payments.ts';
import type { Actor, Caller } from './members/actor.ts';
import { resolveActor } from './members/resolve-actor.ts';
import type { Reply } from './reply.ts';
import { describeIssues, failure, type Outcome, overLimit, pressedAction, settle, settleQuiet } from './outcome.ts';
import { asChatForm, handleChatFormAnswer, handleForm, runForm, stepChatForm } from './forms/form-dispatch.ts';
import type { Result } from './result.ts';
import { openFromDigest } from './recommend/digest.ts';
import { recommend } from './recommend/recommend-command.ts';
import { confirmErase } from './privacy/privacy-command.ts';
import { auditInput, runAudit } from './audit/audit-command.ts';
import { guardButton, guardCommand, guardMessage, guardStart } from './safety/guards.ts';

export type { Outcome };
export { asChatForm, handleChatFormAnswer, handleForm };

/**
 * The one way in for a typed command from any platform: resolve the caller to an actor,
 * validate the options, run the use case, and render domain errors in the actor's language.
 */
export async function handleCommand(
  deps: CommandDeps,
  caller: Caller,
  name: CommandName,
  options: unknown,
): Promise<Outcome> {
  const resolved = await resolveActor(deps, caller);
  if (!resolved.ok) return failure(caller, resolved.error);
  const actor = resolved.value;
  const command = commands[name];
  const parsed = (command.input as z.ZodType).safeParse(options ?? {});
  if (!parsed.success) return failure(caller, { code: 'invalid_input', details: describeIssues(parsed.error) }, actor);
  const verdict = await guardCommand(deps, actor, name, parsed.data);
  if (!verdict.allowed) return overLimit(caller, verdict, actor);
  const run = command.run as (deps: CommandDeps, actor: Actor, input: unknown) => Promise<Result<Reply, DomainError>>;
  return settle(caller, actor, await run(deps, actor, parsed.data));
}

/**
 * The one way in for a pressed button or chosen select option. The payload is decoded and
 * validated first; the use case then re-authorises against the actor's own community.
 */
export async function handleAction(deps: CommandDeps, caller: Caller, encoded: string): Promise<Outcome> {
  const pressed = await pressedAction(deps, caller, encoded);
  if ('reply' in pressed) return pressed;
  const verdict = await guardButton(deps, pressed.actor, pressed.action);
  if (!verdict.allowed) return overLimit(caller, verdict, pressed.actor);
  return settle(caller, pressed.actor, await runAction(deps, pressed.actor, pressed.action, caller));
}


/**
 * How an adapter writes the actions of an outcome into its buttons, given what fits there;
 * payloads too long for the platform are stored for the actor's community (see button-payloads).
 */
export function payloadEncoderFor(
  deps: CommandDeps,
  outcome: Outcome,
  fits: PayloadFits,
): Promise<(action: Action) => string> {
  return payloadEncoder(deps.db, outcome.actor?.communityId, outcome.reply, fits);
}

/** /setup in a server or group; see `setupSpace`. Runs before the space belongs to a community. */
export async function handleSetup(
  deps: Pick<CoreDeps, 'db' | 'clock'>,
  caller: Caller,
  space: SpaceFacts,
  options: unknown,
): Promise<Outcome> {
  const parsed = setupInput.safeParse(options ?? {});
  if (!parsed.success) return failure(caller, { code: 'invalid_input', details: describeIssues(parsed.error) });
  const result = await setupSpace(deps, caller, space, parsed.data);
  return result.ok ? { reply: result.value } : failure(caller, result.error);
}

/** A private chat opened with an optional deep-link payload (a community slug). */
export async function handleStart(deps: CommandDeps, caller: Caller, payload: string | undefined): Promise<Outcome> {
  const verdict = await guardStart(deps, caller);
  if (!verdict.allowed) return overLimit(caller, verdict);
  const result = await startPrivateChat(deps, caller, payload);
  return result.ok ? { reply: result.value } : failure(caller, result.error);
}

/** Telegram's pre-checkout question for a Stars invoice: answered within its 10 seconds. */
export async function handleStarsPreCheckout(deps: CommandDeps, caller: Caller, query: unknown): Promise<{ ok: true } | { ok: false; message: string }> {
  const parsed = preCheckoutInput.safeParse(query);
  if (!parsed.success) return { ok: false, message: t(toLocale(caller.locale) ?? 'en', 'stars.declined.order') };
  return checkStarsPreCheckout(deps, caller, parsed.data);
}

/** A successful Stars payment: stored and queued for the ledger; the member is told it arrived. */
export async function handleStarsPayment(deps: CommandDeps, caller: Caller, payment: unknown): Promise<Outcome> {
  const locale = toLocale(caller.locale) ?? 'en';
  const parsed = starsPaymentInput.safeParse(payment);
  if (!parsed.success) return failure(caller, { code: 'invalid_input', details: describeIssues(parsed.error) });
  await recordStarsPayment(deps, caller, parsed.data);
  return { reply: { body: t(locale, 'stars.paid'), ephemeral: true } };
}

/** A request to join a Telegram chat; see `decideJoinRequest`. */
export function handleJoinRequest(deps: CommandDeps, caller: Caller & { spaceId: string }): Promise<JoinDecision> {
  return decideJoinRequest(deps, caller);
}

/** Someone joined or left a server or chat; see `recordPresence`. */
export function handlePresence(deps: CommandDeps, change: PresenceChange): Promise<{ enqueued: number }> {
  return recordPresence(deps, change);
}

/** A Discord member's roles changed (by anyone); see `recordMemberRoles`. */
export function handleMemberRoles(deps: CommandDeps, update: { guildId: string; userId: string; roles: string[] }): Promise<void> {
  return recordMemberRoles(deps, update);
}

/** The Discord bot connected afresh to these servers; see `forgetGuildListings`. */
export function handleGuildsConnected(deps: CommandDeps, guildIds: string[]): Promise<void> {
  return forgetGuildListings(deps, guildIds);
}

/** A Telegram group upgraded to a supergroup; see `migrateTelegramChat`. */
export function handleChatMigration(deps: CommandDeps, change: { fromChatId: string; toChatId: string }): Promise<{ moved: boolean }> {
  return migrateTelegramChat(deps, change);
}

/**
 * Free text a member wrote to the bot (a private chat, a DM, the console): the support
 * assistant answers (see `answerMessage`). Someone Lyceum cannot place in a community gets the
 * pointer to a community instead.
 */
export async function handleMessage(deps: CommandDeps, caller: Caller, text: string, platformMessageId?: string): Promise<Outcome> {
  const parsed = memberMessage.safeParse(text);
  if (!parsed.success) return failure(caller, { code: 'invalid_input', details: describeIssues(parsed.error) });
  if (!caller.spaceId) await markReachable(deps.db, caller.platform, caller.userId);
  const resolved = await resolveActor(deps, caller);
  if (!resolved.ok) return resolved.error.code === 'no_active_community' && caller.platform === 'discord' ? { reply: await directMessageHint(deps, caller) } : failure(caller, resolved.error);
  const actor = resolved.value;
  const verdict = await guardMessage(deps, actor);
  if (!verdict.allowed) return overLimit(caller, verdict, actor);
  // The console is one terminal for every persona: staff holding a ticket answer it by typing.
  if (caller.platform === 'console' && (await holdsTicket(deps, actor))) return settleQuiet(caller, actor, await relayStaffMessage(deps, actor, { text: parsed.data }));
  return settleQuiet(caller, actor, await answerMessage(deps, actor, { text: parsed.data, platformMessageId }));
}

/**
 * Text written in a Discord thread or Telegram topic. In a ticket's, it is staff answering: relayed
 * to the member (see `relayStaffMessage`). Any other thread is not the staff path's: `undefined`,
 * and the adapter treats the message as it would in a channel.
 */
export async function handleStaffMessage(deps: CommandDeps, caller: Caller & { spaceId: string }, input: { thread: string; text: string; platformMessageId: string }): Promise<Outcome | undefined> {
  const thread = threadRef(caller.spaceId, input.thread);
  if (!(await isTicketThread(deps.db, caller.platform, thread))) return undefined;
  const parsed = memberMessage.safeParse(input.text);
  if (!parsed.success) return failure(caller, { code: 'invalid_input', details: describeIssues(parsed.error) });
  const resolved = await resolveActor(deps, caller);
  if (!resolved.ok) return { reply: {}, silent: true };
  return settleQuiet(caller, resolved.value, await relayStaffMessage(deps, resolved.value, { thread, text: parsed.data, platformMessageId: input.platformMessageId }));
}


/** Autocomplete choices; empty when the caller cannot be resolved (autocomplete cannot show errors). */
export async function handleSuggest(deps: CommandDeps, caller: Caller, request: SuggestRequest): Promise<Suggestion[]> {
  const resolved = await resolveActor(deps, caller);
  return resolved.ok ? suggest(deps, resolved.value, request) : [];
}

function runAction(deps: CommandDeps, actor: Actor, action: Action, caller: Caller): Promise<Result<Reply, DomainError>> {
  switch (action.type) {
    case 'courses.page':
      return listCourses(deps, actor, { page: action.page, category: action.category, query: action.query });
    case 'course.show':
      return showCourse(deps, actor, { courseId: action.courseId });
    case 'recommend.page':
      return recommend(deps, actor, { page: action.page });
    case 'digest.open':
      return openFromDigest(deps, actor, action.courseId);
    case 'product.buy':
      return buyProduct(deps, actor, { product: action.productId, provider: action.provider, couponId: action.couponId });
    case 'coupon.redeem':
      return redeemCoupon(deps, actor, action.couponId);
    case 'order.pay_sandbox':
      return paySandboxOrder(deps, actor, { orderId: action.orderId });
    case 'access.restore':
      return restoreAccess(deps, actor);
    case 'billing.portal':
      return openBillingPortal(deps, actor, action.orderId);
    case 'support.intent':
      return answerIntent(deps, actor, action.intent, action.text);
    case 'support.claim':
      return claimTicket(deps, actor, { ticket: action.ticketId });
    case 'support.rate':
      return rateConversation(deps, actor, action);
    case 'privacy.erase':
      return confirmErase(deps, actor, action.memberId);
    case 'audit.page': {
      const parsed = auditInput.safeParse({ action: 'list', page: action.page, member: action.member, what: action.what, period: action.period });
      return parsed.success ? runAudit(deps, actor, parsed.data) : Promise.resolve({ ok: false, error: { code: 'invalid_action' } });
    }
    case 'form.submit':
      // A form's submit pressed as a button (a dry run's "Create"): the fixed options alone.
      return runForm(deps, actor, action, {});
    case 'lesson.open':
      return openLesson(deps, actor, action);
    case 'lesson.done':
      return markLessonDone(deps, actor, action);
    case 'comments.page':
      return listComments(deps, actor, action);
    case 'comment.write':
      return writeCommentForm(deps, actor, action.lessonId);
    case 'notifications.off':
      return turnOff(deps, actor, action.kind);
    case 'form.skip':
    case 'form.cancel':
      return stepChatForm(deps, actor, action.type === 'form.skip' ? { skip: true } : { cancel: true });
    case 'course.submit':
      return submitCourse(deps, actor, { course: action.courseId });
    case 'review.approve':
      return approveRevision(deps, actor, action.revisionId);
    case 'review.changes':
      return requestChanges(deps, actor, { revisionId: action.revisionId });
    case 'announce.confirm':
      return confirmAnnouncement(deps, actor, action.announcementId, caller.pressed);
    case 'announce.control':
      return controlAnnouncement(deps, actor, { action: action.op, announcementId: action.announcementId });
  }
}
