import { type Locale, t } from './i18n/index.ts';
import type { CouponRefusal } from './growth/coupons.ts';
import type { Reply } from './reply.ts';

/**
 * Expected failures, returned (never thrown) by use cases. Each code has text in every locale
 * (see `describeError`), so adding a code without its message fails to compile.
 */
export type DomainError =
  /** The course id or name is not in the actor's community (or not visible to the actor). */
  | { code: 'course_not_found' }
  /** The actor's role lacks the permission. */
  | { code: 'forbidden'; permission: string }
  /** An event came from a guild/group that no community has claimed. */
  | { code: 'space_not_linked' }
  /** A private chat with no community chosen yet. */
  | { code: 'no_active_community' }
  /** Options or text failed validation; `details` is safe to show. */
  | { code: 'invalid_input'; details: string }
  /** A button payload that does not decode (forged, truncated or from an old version). */
  | { code: 'invalid_action' }
  /** The actor has left or been banned from the community. */
  | { code: 'membership_inactive' }
  /** A job or command named a community that does not exist (deleted, or a bad id). */
  | { code: 'community_not_found' }
  /** A command that only makes sense in a server or group was used in a private chat. */
  | { code: 'not_in_space' }
  /** /setup in an unlinked space by someone the platform does not list as its admin. */
  | { code: 'not_space_admin' }
  /** The space already belongs to a community (a link code cannot move it). */
  | { code: 'space_already_linked' }
  /** The link code is unknown, used or expired. */
  | { code: 'invalid_setup_code' }
  /** No active product of the actor's community has that id, slug or name. */
  | { code: 'product_not_found' }
  /** The member already holds an active entitlement to the product. */
  | { code: 'already_owned' }
  /** No payment provider that takes this product is available on this platform. */
  | { code: 'provider_unavailable' }
  /** The provider could not open a checkout just now (an outage); nothing was charged. */
  | { code: 'checkout_unavailable' }
  /** No order of the actor's community has that id (or, for a member, is theirs). */
  | { code: 'order_not_found' }
  /** The order has nothing left to refund (not paid, or already refunded). */
  | { code: 'order_not_refundable' }
  /** The order is no longer waiting for payment (paid, expired or the price changed). */
  | { code: 'order_not_payable' }
  /** /link with a code that is unknown, used, expired or from another community. */
  | { code: 'invalid_link_code' }
  /** /link with one's own code, on the account that asked for it. */
  | { code: 'link_same_account' }
  /** The member the code belongs to already has an account on this platform. */
  | { code: 'link_platform_taken' }
  /** This account already bought something here: linking would have to merge purchases. */
  | { code: 'link_has_purchases' }
  /** No member of the actor's community matches that mention, id, @username or name. */
  | { code: 'member_not_found' }
  /** /revoke found nothing live to revoke for that member and product. */
  | { code: 'nothing_to_revoke' }
  /** /cancel found no subscription of the member that is still renewing. */
  | { code: 'nothing_to_cancel' }
  /** The member has several renewing subscriptions: /cancel needs the product's name. */
  | { code: 'which_subscription' }
  /** No open ticket of the actor's community matches (or the command ran outside a ticket's thread). */
  | { code: 'ticket_not_found' }
  /** Another staff member holds the ticket; `take_over` takes it explicitly. */
  | { code: 'ticket_claimed'; by: string }
  /** The ticket is closed. */
  | { code: 'ticket_closed' }
  /** /handback or /close on a ticket someone else holds. */
  | { code: 'not_your_ticket'; by: string }
  /** An upload the community's policy refuses: too large, empty, or a type lessons may not carry (read from its bytes). */
  | { code: 'upload_refused'; reason: 'too_large' | 'empty' | 'type_refused'; detail: string }
  /** A Discord role the bot cannot grant: above its own, managed by an integration, @everyone, or no Manage Roles. */
  /** The course's open revision waits for review: it cannot be edited until a reviewer decides. */
  | { code: 'course_in_review' }
  /** Someone saved this course or lesson after the form was opened: nothing was overwritten. */
  | { code: 'stale_edit' }
  | { code: 'lesson_not_found' }
  | { code: 'comment_not_found' }
  /** A lesson body with markup Lyceum does not render (HTML, script, a link that is not http(s)). */
  | { code: 'markdown_refused'; line: number; reason: 'html' | 'bad_link' | 'unclosed_code'; detail: string }
  | { code: 'too_many_files'; max: number }
  /** Approve or request changes on a revision that is not (or no longer) waiting for review. */
  | { code: 'not_in_review' }
  /** Lessons, ratings and comments are for members who own the course; `until`: drip date. */
  | { code: 'lesson_locked'; until?: string }
  | { code: 'course_not_owned' }
  | { code: 'import_refused'; detail: string }
  /** No announcement of the actor's community matches (or none is running, for pause/resume/cancel). */
  | { code: 'announcement_not_found' }
  | { code: 'role_not_assignable'; reason: 'above_bot' | 'managed' | 'everyone' | 'no_manage_roles' }
  /** A coupon code that does not apply here, now, to this member or product (see CouponRefusal). */
  | { code: 'coupon_refused'; reason: CouponRefusal }
  /** Over a rate limit: told once per window, then silence (see core/safety). */
  | { code: 'rate_limited'; retryInSeconds: number };

export type DomainErrorCode = DomainError['code'];

const messageKeys = {
  course_not_found: 'error.course_not_found',
  forbidden: 'error.forbidden',
  space_not_linked: 'error.space_not_linked',
  no_active_community: 'error.no_active_community',
  invalid_input: 'error.invalid_input',
  invalid_action: 'error.invalid_action',
  membership_inactive: 'error.membership_inactive',
  community_not_found: 'error.community_not_found',
  not_in_space: 'error.not_in_space',
  not_space_admin: 'error.not_space_admin',
  space_already_linked: 'error.space_already_linked',
  invalid_setup_code: 'error.invalid_setup_code',
  product_not_found: 'error.product_not_found',
  already_owned: 'error.already_owned',
  provider_unavailable: 'error.provider_unavailable',
  checkout_unavailable: 'error.checkout_unavailable',
  order_not_found: 'error.order_not_found',
  order_not_refundable: 'error.order_not_refundable',
  order_not_payable: 'error.order_not_payable',
  role_not_assignable: 'error.role_not_assignable',
  nothing_to_cancel: 'error.nothing_to_cancel',
  member_not_found: 'error.member_not_found',
  invalid_link_code: 'error.invalid_link_code',
  link_same_account: 'error.link_same_account',
  link_platform_taken: 'error.link_platform_taken',
  link_has_purchases: 'error.link_has_purchases',
  nothing_to_revoke: 'error.nothing_to_revoke',
  which_subscription: 'error.which_subscription',
  ticket_not_found: 'error.ticket_not_found',
  ticket_claimed: 'error.ticket_claimed',
  ticket_closed: 'error.ticket_closed',
  not_your_ticket: 'error.not_your_ticket',
  upload_refused: 'error.upload_refused',
  course_in_review: 'error.course_in_review',
  stale_edit: 'error.stale_edit',
  lesson_not_found: 'error.lesson_not_found',
  comment_not_found: 'error.comment_not_found',
  markdown_refused: 'error.markdown_refused',
  too_many_files: 'error.too_many_files',
  not_in_review: 'error.not_in_review',
  lesson_locked: 'error.lesson_locked',
  course_not_owned: 'error.course_not_owned',
  import_refused: 'error.import_refused',
  announcement_not_found: 'error.announcement_not_found',
  coupon_refused: 'error.coupon_refused',
  rate_limited: 'error.rate_limited',
} as const satisfies Record<DomainErrorCode, `error.${DomainErrorCode}`>;

/** The one rendering of a domain error for every edge: short, private to the actor. */
export function describeError(locale: Locale, error: DomainError): Reply {
  if (error.code === 'role_not_assignable') {
    return { body: `${t(locale, messageKeys[error.code])} ${t(locale, `role.blocked.${error.reason}`)}`, ephemeral: true };
  }
  if (error.code === 'coupon_refused') return { body: t(locale, `coupon.refused.${error.reason}`), ephemeral: true };
  const params: Record<string, string> =
    error.code === 'invalid_input'
      ? { details: error.details }
      : error.code === 'ticket_claimed' || error.code === 'not_your_ticket'
        ? { by: error.by }
        : error.code === 'upload_refused'
          ? { why: t(locale, `upload.${error.reason}`), detail: error.detail }
          : error.code === 'markdown_refused'
            ? { line: String(error.line), why: t(locale, `markdown.${error.reason}`), detail: error.detail }
            : error.code === 'too_many_files'
              ? { max: String(error.max) }
              : error.code === 'import_refused'
                ? { detail: error.detail }
                : error.code === 'lesson_locked' && error.until
                  ? { until: error.until }
                  : error.code === 'rate_limited'
                    ? { seconds: String(error.retryInSeconds) }
                    : {};
  if (error.code === 'lesson_locked' && error.until) return { body: t(locale, 'error.lesson_locked_until', params), ephemeral: true };
  return { body: t(locale, messageKeys[error.code], params), ephemeral: true };
}

/** What an edge shows when something unexpected (a bug or an outage) happened. */
export function describeUnexpected(locale: Locale): Reply {
  return { body: t(locale, 'error.unexpected'), ephemeral: true };
}
