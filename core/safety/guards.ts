import type { Action } from '../actions.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import type { Actor, Caller } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { DEFAULT_LIMITS, limitsOf, take, type Verdict } from './rate-limits.ts';

type Deps = Pick<CoreDeps, 'db' | 'limits'>;

/** What a refused use is told (at most once per window). */
export const rateLimited = (verdict: Extract<Verdict, { allowed: false }>): DomainError => ({ code: 'rate_limited', retryInSeconds: Math.max(1, Math.ceil(verdict.retryInMs / 1000)) });

const allowed: Verdict = { allowed: true };
/** Owners, creators and staff answer to the community's limit, not to the members' ones. */
const isStaff = (actor: Actor) => actor.role !== 'member';
const memberKey = (actor: Actor, what: string) => `m:${actor.communityId}:${actor.memberId}:${what}`;

/** Sends that reach the community's members: counted against its `announce` limit by whoever may send them. */
function sendsToMembers(actor: Actor, use: { command: string; action?: string } | { button: Action['type'] }): boolean {
  if (!can(actor.role, 'delivery.announce')) return false;
  return 'button' in use ? use.button === 'announce.confirm' : use.command === 'live' && use.action === 'schedule';
}

async function guard(deps: Deps, actor: Actor, memberUse: string, use: Parameters<typeof sendsToMembers>[1]): Promise<Verdict> {
  if (!deps.limits) return allowed;
  const limits = await limitsOf(deps.db, actor.communityId);
  if (sendsToMembers(actor, use)) {
    const verdict = await take(deps.limits, `c:${actor.communityId}:announce`, limits.announce);
    if (!verdict.allowed) return verdict;
  }
  if (isStaff(actor)) return 'button' in use ? allowed : take(deps.limits, `c:${actor.communityId}:creator`, limits.creator);
  return take(deps.limits, memberKey(actor, memberUse), 'button' in use ? limits.buttons : limits.commands);
}

/** A typed command (or a submitted form, which runs one). */
export function guardCommand(deps: Deps, actor: Actor, command: string, input: unknown): Promise<Verdict> {
  const action = typeof input === 'object' && input !== null && 'action' in input ? String(input.action) : undefined;
  return guard(deps, actor, `cmd:${command}`, { command, ...(action ? { action } : {}) });
}

/** A pressed button or chosen option, counted by its kind (every "next page" together). */
export function guardButton(deps: Deps, actor: Actor, action: Action): Promise<Verdict> {
  return guard(deps, actor, `btn:${action.type}`, { button: action.type });
}

/** Free text to the assistant: one member's messages share the `commands` limit. */
export function guardMessage(deps: Deps, actor: Actor): Promise<Verdict> {
  return isStaff(actor) ? Promise.resolve(allowed) : guard(deps, actor, 'message', { command: 'message' });
}

/** /start and deep links, counted per platform user before they are anyone's member (no database). */
export function guardStart(deps: Pick<CoreDeps, 'limits'>, caller: Caller): Promise<Verdict> {
  return take(deps.limits, `u:${caller.platform}:${caller.userId}:start`, DEFAULT_LIMITS.start);
}

/** A join request about to be declined: a raid of strangers is declined at the chat's rate, the rest stay pending. */
export async function guardJoinDecline(deps: Deps, communityId: string, chat: { platform: string; id: string }): Promise<Verdict> {
  if (!deps.limits) return allowed;
  const limits = await limitsOf(deps.db, communityId);
  return take(deps.limits, `j:${chat.platform}:${chat.id}`, limits.joins);
}
