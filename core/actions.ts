import { z } from 'zod';
import { notificationKinds } from './delivery/notification-kinds.ts';
import { INTENTS } from './support/intents/corpus.ts';

/**
 * What a button or select option asks for when pressed. Payloads come back from the platform
 * untrusted: they are decoded and validated here, and every use case re-authorises the actor
 * and scopes ids to the actor's community, whatever the payload says.
 */
export const actionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('courses.page'),
    page: z.number().int().min(1).max(10_000),
    category: z.string().min(1).max(60).optional(),
    query: z.string().min(1).max(100).optional(),
  }),
  z.object({ type: z.literal('course.show'), courseId: z.uuid() }),
  /** A page of the member's recommendations (/recommend). */
  z.object({ type: z.literal('recommend.page'), page: z.number().int().min(1).max(100) }),
  /** Open a course from the weekly digest: the click is recorded first. */
  z.object({ type: z.literal('digest.open'), courseId: z.uuid() }),
  /** Start checkout for a product; `provider` picks one where several are offered. */
  z.object({ type: z.literal('product.buy'), productId: z.uuid(), provider: z.enum(['stripe', 'stars', 'sandbox']).optional(), couponId: z.uuid().optional() }),
  /** A shared coupon offer: checkout with the code applied (or its products to choose from). */
  z.object({ type: z.literal('coupon.redeem'), couponId: z.uuid() }),
  /** The sandbox provider's "Pay" button for a pending order (never offered in production). */
  z.object({ type: z.literal('order.pay_sandbox'), orderId: z.uuid() }),
  /** /my: apply the member's access again (a fresh invite, a role they lost). */
  z.object({ type: z.literal('access.restore') }),
  /** /my: open Stripe's billing portal for the member's subscription order. */
  z.object({ type: z.literal('billing.portal'), orderId: z.uuid() }),
  /** The assistant's clarifying question: the member says what their message was about. */
  z.object({ type: z.literal('support.intent'), intent: z.enum(INTENTS), text: z.string().min(1).max(500) }),
  /** Staff: take the ticket (the Claim button on a ticket's summary). */
  z.object({ type: z.literal('support.claim'), ticketId: z.uuid() }),
  /** A filled-in form (see Reply.form): run `command` with these fixed options plus the answers. */
  z.object({ type: z.literal('form.submit'), command: z.string().regex(/^[a-z]{2,20}$/), options: z.record(z.string().regex(/^[a-z_]{1,30}$/), z.string().max(200)) }),
  /** Open a lesson of a course (the member's view); `position` 1-based. */
  z.object({ type: z.literal('lesson.open'), courseId: z.uuid(), position: z.number().int().min(1).max(1000) }),
  z.object({ type: z.literal('lesson.done'), courseId: z.uuid(), lessonId: z.uuid() }),
  /** A lesson's comments, newest first. */
  z.object({ type: z.literal('comments.page'), lessonId: z.uuid(), page: z.number().int().min(1).max(10_000) }),
  /** A form asked step by step in a chat: skip (or keep) the current answer, or give up the form. */
  z.object({ type: z.literal('form.skip') }),
  z.object({ type: z.literal('form.cancel') }),
  /** The unsubscribe button under a private message: this kind of message, off everywhere. */
  z.object({ type: z.literal('notifications.off'), kind: z.enum(notificationKinds) }),
  /** The form to write a comment on a lesson. */
  z.object({ type: z.literal('comment.write'), lessonId: z.uuid() }),
  /** Author: run the checks and submit the open revision for review. */
  z.object({ type: z.literal('course.submit'), courseId: z.uuid() }),
  /** Reviewer: approve, or ask for changes (with a comment: a form). */
  z.object({ type: z.literal('review.approve'), revisionId: z.uuid() }),
  z.object({ type: z.literal('review.changes'), revisionId: z.uuid() }),
  /** Creator: send the previewed announcement. */
  z.object({ type: z.literal('announce.confirm'), announcementId: z.uuid() }),
  /** Creator: pause, resume or cancel an announcement (the buttons under its progress). */
  z.object({ type: z.literal('announce.control'), announcementId: z.uuid(), op: z.enum(['pause', 'resume', 'cancel']) }),
  /** The member rates a closed conversation, 1 to 5. */
  z.object({ type: z.literal('support.rate'), conversationId: z.uuid(), score: z.number().int().min(1).max(5) }),
  /** The confirmation of /privacy delete: this member's data in the presser's community. */
  z.object({ type: z.literal('privacy.erase'), memberId: z.uuid() }),
  /** A page of /audit with its filters (re-checked, and scoped to the presser's community, when pressed). */
  z.object({ type: z.literal('audit.page'), page: z.number().int().min(1).max(10_000), member: z.string().min(1).max(100).optional(), what: z.string().min(1).max(60).optional(), period: z.string().min(1).max(40).optional() }),
]);

const providerCodes = { stripe: 's', stars: 't', sandbox: 'x' } as const;
const providerByCode = Object.fromEntries(Object.entries(providerCodes).map(([name, code]) => [code, name]));

export type Action = z.infer<typeof actionSchema>;

const SEPARATOR = '|';
const CONTROL_OPS: Record<string, 'pause' | 'resume' | 'cancel'> = { p: 'pause', r: 'resume', c: 'cancel' };
const uuidToCompact = (uuid: string) => Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
const compactToUuid = (compact: string) => {
  const hex = Buffer.from(compact, 'base64url').toString('hex');
  return hex.length === 32
    ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    : compact;
};
// Only the codec's own characters are escaped: other text stays as it is, since Telegram counts
// callback_data in UTF-8 bytes and percent-encoding would triple the cost of every CJK character.
const escapePart = (part: string) => part.replace(/[%|+ ]/g, (char) => (char === ' ' ? '+' : encodeURIComponent(char)));
const unescapePart = (part: string) => decodeURIComponent(part.replaceAll('+', '%20'));

/**
 * Compact text form of an action, for Discord custom_id (100 chars) and Telegram callback_data
 * (64 bytes). Course ids travel as 22-char base64url; free text escapes only `%`, `|`, `+` and space.
 */
export function encodeAction(action: Action): string {
  switch (action.type) {
    case 'courses.page':
      return ['cp', action.page, escapePart(action.category ?? ''), escapePart(action.query ?? '')].join(SEPARATOR);
    case 'course.show':
      return ['co', uuidToCompact(action.courseId)].join(SEPARATOR);
    case 'recommend.page':
      return ['rp', action.page].join(SEPARATOR);
    case 'digest.open':
      return ['dg', uuidToCompact(action.courseId)].join(SEPARATOR);
    case 'product.buy':
      return ['pb', uuidToCompact(action.productId), action.provider ? providerCodes[action.provider] : '', ...(action.couponId ? [uuidToCompact(action.couponId)] : [])].join(SEPARATOR);
    case 'coupon.redeem':
      return ['cr', uuidToCompact(action.couponId)].join(SEPARATOR);
    case 'order.pay_sandbox':
      return ['op', uuidToCompact(action.orderId)].join(SEPARATOR);
    case 'access.restore':
      return 'ar';
    case 'billing.portal':
      return ['bp', uuidToCompact(action.orderId)].join(SEPARATOR);
    case 'support.intent':
      return ['si', INTENTS.indexOf(action.intent), escapePart(action.text)].join(SEPARATOR);
    case 'support.claim':
      return ['sc', uuidToCompact(action.ticketId)].join(SEPARATOR);
    case 'support.rate':
      return ['sr', uuidToCompact(action.conversationId), action.score].join(SEPARATOR);
    case 'privacy.erase':
      return ['pe', uuidToCompact(action.memberId)].join(SEPARATOR);
    case 'audit.page':
      return ['au', action.page, escapePart(action.member ?? ''), escapePart(action.what ?? ''), escapePart(action.period ?? '')].join(SEPARATOR);
    case 'form.submit':
      return ['fs', action.command, escapePart(JSON.stringify(action.options))].join(SEPARATOR);
    case 'lesson.open':
      return ['lo', uuidToCompact(action.courseId), action.position].join(SEPARATOR);
    case 'lesson.done':
      return ['ld', uuidToCompact(action.courseId), uuidToCompact(action.lessonId)].join(SEPARATOR);
    case 'comments.page':
      return ['cm', uuidToCompact(action.lessonId), action.page].join(SEPARATOR);
    case 'notifications.off':
      return ['no', notificationKinds.indexOf(action.kind)].join(SEPARATOR);
    case 'form.skip':
      return 'fk';
    case 'form.cancel':
      return 'fx';
    case 'comment.write':
      return ['cw', uuidToCompact(action.lessonId)].join(SEPARATOR);
    case 'course.submit':
      return ['cs', uuidToCompact(action.courseId)].join(SEPARATOR);
    case 'review.approve':
      return ['ra', uuidToCompact(action.revisionId)].join(SEPARATOR);
    case 'review.changes':
      return ['rc', uuidToCompact(action.revisionId)].join(SEPARATOR);
    case 'announce.confirm':
      return ['ac', uuidToCompact(action.announcementId)].join(SEPARATOR);
    case 'announce.control':
      return ['an', uuidToCompact(action.announcementId), action.op[0]].join(SEPARATOR);
  }
}

/** Parses a payload from a button; anything malformed or forged-out-of-shape is `undefined`. */
export function decodeAction(encoded: string): Action | undefined {
  let candidate: unknown;
  try {
    const [tag, ...parts] = encoded.split(SEPARATOR);
    if (tag === 'cp' && parts.length === 3) {
      const [page = '', category = '', query = ''] = parts;
      candidate = {
        type: 'courses.page',
        page: /^\d{1,5}$/.test(page) ? Number(page) : Number.NaN,
        category: category ? unescapePart(category) : undefined,
        query: query ? unescapePart(query) : undefined,
      };
    } else if (tag === 'rp' && parts.length === 1) {
      candidate = { type: 'recommend.page', page: /^\d{1,3}$/.test(parts[0] ?? '') ? Number(parts[0]) : Number.NaN };
    } else if (tag === 'au' && parts.length === 4) {
      const [page = '', member, what, period] = parts.map((part, index) => (index ? unescapePart(part) : part));
      candidate = { type: 'audit.page', page: /^\d{1,5}$/.test(page) ? Number(page) : Number.NaN, ...(member ? { member } : {}), ...(what ? { what } : {}), ...(period ? { period } : {}) };
    } else if (tag === 'pe' && parts.length === 1) {
      candidate = { type: 'privacy.erase', memberId: compactToUuid(parts[0] ?? '') };
    } else if (tag === 'dg' && parts.length === 1) {
      candidate = { type: 'digest.open', courseId: compactToUuid(parts[0] ?? '') };
    } else if (tag === 'co' && parts.length === 1) {
      candidate = { type: 'course.show', courseId: compactToUuid(parts[0] ?? '') };
    } else if (tag === 'pb' && (parts.length === 2 || parts.length === 3)) {
      const [productId = '', provider = '', couponId] = parts;
      candidate = { type: 'product.buy', productId: compactToUuid(productId), provider: provider ? (providerByCode[provider] ?? provider) : undefined, ...(couponId !== undefined ? { couponId: compactToUuid(couponId) } : {}) };
    } else if (tag === 'cr' && parts.length === 1) {
      candidate = { type: 'coupon.redeem', couponId: compactToUuid(parts[0] ?? '') };
    } else if (tag === 'op' && parts.length === 1) {
      candidate = { type: 'order.pay_sandbox', orderId: compactToUuid(parts[0] ?? '') };
    } else if (tag === 'ar' && parts.length === 0) {
      candidate = { type: 'access.restore' };
    } else if (tag === 'bp' && parts.length === 1) {
      candidate = { type: 'billing.portal', orderId: compactToUuid(parts[0] ?? '') };
    } else if (tag === 'si' && parts.length === 2) {
      const [intent = '', text = ''] = parts;
      candidate = { type: 'support.intent', intent: /^\d$/.test(intent) ? INTENTS[Number(intent)] : undefined, text: unescapePart(text) };
    } else if (tag === 'sc' && parts.length === 1) {
      candidate = { type: 'support.claim', ticketId: compactToUuid(parts[0] ?? '') };
    } else if (tag === 'sr' && parts.length === 2) {
      const [conversationId = '', score = ''] = parts;
      candidate = { type: 'support.rate', conversationId: compactToUuid(conversationId), score: /^\d$/.test(score) ? Number(score) : Number.NaN };
    } else if (tag === 'fs' && parts.length === 2) {
      candidate = { type: 'form.submit', command: parts[0], options: JSON.parse(unescapePart(parts[1] ?? '')) };
    } else if (tag === 'lo' && parts.length === 2) {
      candidate = { type: 'lesson.open', courseId: compactToUuid(parts[0] ?? ''), position: /^\d{1,4}$/.test(parts[1] ?? '') ? Number(parts[1]) : Number.NaN };
    } else if (tag === 'ld' && parts.length === 2) {
      candidate = { type: 'lesson.done', courseId: compactToUuid(parts[0] ?? ''), lessonId: compactToUuid(parts[1] ?? '') };
    } else if (tag === 'cm' && parts.length === 2) {
      candidate = { type: 'comments.page', lessonId: compactToUuid(parts[0] ?? ''), page: /^\d{1,5}$/.test(parts[1] ?? '') ? Number(parts[1]) : Number.NaN };
    } else if (tag === 'no' && parts.length === 1) {
      candidate = { type: 'notifications.off', kind: /^\d$/.test(parts[0] ?? '') ? notificationKinds[Number(parts[0])] : undefined };
    } else if ((tag === 'fk' || tag === 'fx') && parts.length === 0) {
      candidate = { type: tag === 'fk' ? 'form.skip' : 'form.cancel' };
    } else if (tag === 'cw' && parts.length === 1) {
      candidate = { type: 'comment.write', lessonId: compactToUuid(parts[0] ?? '') };
    } else if ((tag === 'cs' || tag === 'ra' || tag === 'rc') && parts.length === 1) {
      const id = compactToUuid(parts[0] ?? '');
      candidate = tag === 'cs' ? { type: 'course.submit', courseId: id } : { type: tag === 'ra' ? 'review.approve' : 'review.changes', revisionId: id };
    } else if (tag === 'ac' && parts.length === 1) {
      candidate = { type: 'announce.confirm', announcementId: compactToUuid(parts[0] ?? '') };
    } else if (tag === 'an' && parts.length === 2) {
      candidate = { type: 'announce.control', announcementId: compactToUuid(parts[0] ?? ''), op: CONTROL_OPS[parts[1] ?? ''] };
    }
  } catch {
    return undefined;
  }
  const parsed = actionSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}
