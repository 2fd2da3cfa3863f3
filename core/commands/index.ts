import { z } from 'zod';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply } from '../reply.ts';
import type { Result } from '../result.ts';
import { grantAccess, grantInput } from '../access/grant-access.ts';
import { accessInput, manageAccess } from '../access/retry-access.ts';
import { revokeAccess, revokeInput } from '../access/revoke-access.ts';
import { buyProduct, buyProductInput } from '../commerce/buy-product.ts';
import { linkAccounts, linkInput } from '../members/link-accounts.ts';
import { manageSettings, settingsInput } from '../communities/community-settings.ts';
import { listTickets, ticketsInput } from '../support/list-tickets.ts';
import { faqInput, manageFaq } from '../support/faq.ts';
import { claimInput, claimTicket, closeInput, closeTicket, handBack, handbackInput } from '../support/takeover.ts';
import { cancelInput, cancelSubscription } from '../commerce/cancel-subscription.ts';
import { manageProduct, manageProductInput } from '../commerce/manage-products.ts';
import { showMyPurchases } from '../commerce/my-purchases.ts';
import { refundOrderInput, requestRefund } from '../commerce/refund-order.ts';
import { showSales } from '../commerce/show-sales.ts';
import { showHelp } from './help.ts';
import { listCourses, listCoursesInput } from './list-courses.ts';
import { courseCommandInput, lessonCommandInput, runCourseCommand, runLessonCommand } from '../studio/commands.ts';
import { commentInput, manageComment } from '../studio/comments.ts';
import { rateCourse, rateInput } from '../studio/ratings.ts';
import { review, reviewInput } from '../studio/review-course.ts';
import { dripInput, manageDrip } from '../delivery/drip-commands.ts';
import { manageNotifications, notificationsInput } from '../delivery/preferences.ts';
import { announceInput, runAnnounceCommand } from '../delivery/announcements/announce-command.ts';
import { liveInput, runLiveCommand } from '../delivery/live/live-command.ts';
import { couponInput, manageCoupons } from '../growth/coupon-command.ts';
import { runStats, statsInput } from '../analytics/stats-command.ts';
import { dashboardInput, manageDashboard } from '../analytics/dashboard-access.ts';
import { recommend, recommendInput } from '../recommend/recommend-command.ts';
import { privacyInput, runPrivacy } from '../privacy/privacy-command.ts';
import { auditInput, runAudit } from '../audit/audit-command.ts';

export type CommandDeps = Pick<CoreDeps, 'db' | 'queue' | 'clock' | 'payments' | 'log' | 'files' | 'access' | 'support' | 'delivery' | 'charts' | 'web' | 'limits'>;

type CommandDefinition<S extends z.ZodType> = {
  /** Options as the platform delivered them; parsed here, never trusted before. */
  input: S;
  run(deps: CommandDeps, actor: Actor, input: z.infer<S>): Promise<Result<Reply, DomainError>>;
};

const define = <S extends z.ZodType>(definition: CommandDefinition<S>) => definition;

/** Every command a member can type, by name, on every platform. */
export const commands = {
  courses: define({ input: listCoursesInput, run: listCourses }),
  course: define({ input: courseCommandInput, run: runCourseCommand }),
  recommend: define({ input: recommendInput, run: recommend }),
  lesson: define({ input: lessonCommandInput, run: runLessonCommand }),
  review: define({ input: reviewInput, run: review }),
  rate: define({ input: rateInput, run: rateCourse }),
  comment: define({ input: commentInput, run: manageComment }),
  notifications: define({ input: notificationsInput, run: manageNotifications }),
  drip: define({ input: dripInput, run: manageDrip }),
  announce: define({ input: announceInput, run: runAnnounceCommand }),
  live: define({ input: liveInput, run: runLiveCommand }),
  privacy: define({ input: privacyInput, run: runPrivacy }),
  help: define({ input: z.object({}), run: (_deps, actor) => showHelp(actor) }),
  buy: define({ input: buyProductInput, run: buyProduct }),
  my: define({ input: z.object({}), run: (deps, actor) => showMyPurchases(deps, actor) }),
  cancel: define({ input: cancelInput, run: cancelSubscription }),
  link: define({ input: linkInput, run: linkAccounts }),
  product: define({ input: manageProductInput, run: manageProduct }),
  coupon: define({ input: couponInput, run: manageCoupons }),
  stats: define({ input: statsInput, run: runStats }),
  dashboard: define({ input: dashboardInput, run: manageDashboard }),
  audit: define({ input: auditInput, run: runAudit }),
  sales: define({ input: z.object({}), run: (deps, actor) => showSales(deps, actor) }),
  refund: define({ input: refundOrderInput, run: requestRefund }),
  access: define({ input: accessInput, run: manageAccess }),
  grant: define({ input: grantInput, run: grantAccess }),
  settings: define({ input: settingsInput, run: manageSettings }),
  tickets: define({ input: ticketsInput, run: listTickets }),
  claim: define({ input: claimInput, run: claimTicket }),
  handback: define({ input: handbackInput, run: handBack }),
  close: define({ input: closeInput, run: closeTicket }),
  faq: define({ input: faqInput, run: manageFaq }),
  revoke: define({ input: revokeInput, run: revokeAccess }),
};

export type CommandName = keyof typeof commands;
export const commandNames = Object.keys(commands) as CommandName[];
export const isCommandName = (name: string): name is CommandName => name in commands;
