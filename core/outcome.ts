import type { z } from 'zod';
import { type Action, decodeAction } from './actions.ts';
import { expandPayload, isStoredPayload } from './button-payloads.ts';
import type { CommandDeps } from './commands/index.ts';
import { type DomainError, describeError } from './errors.ts';
import { toLocale } from './i18n/index.ts';
import type { Actor, Caller } from './members/actor.ts';
import { resolveActor } from './members/resolve-actor.ts';
import type { Reply } from './reply.ts';
import type { Result } from './result.ts';
import { rateLimited } from './safety/guards.ts';
import type { Verdict } from './safety/rate-limits.ts';

/**
 * What an adapter renders: the reply, plus the domain error behind it (for logs and tests).
 * `silent`: nothing to send (a message for staff while they hold the ticket, a redelivered update,
 * a press over a rate limit after the one "slow down"); adapters check it before anything else.
 */
export type Outcome = { reply: Reply; error?: DomainError; actor?: Actor; silent?: true };

/** The action behind a button, select or form: decoded, its actor resolved, a stored payload looked up in the actor's community only. */
export async function pressedAction(deps: CommandDeps, caller: Caller, encoded: string): Promise<{ actor: Actor; action: Action } | Outcome> {
  if (!isStoredPayload(encoded) && !decodeAction(encoded)) return failure(caller, { code: 'invalid_action' });
  const resolved = await resolveActor(deps, caller);
  if (!resolved.ok) return failure(caller, resolved.error);
  const actor = resolved.value;
  const expanded = await expandPayload(deps.db, actor.communityId, encoded);
  const action = expanded === undefined ? undefined : decodeAction(expanded);
  return action ? { actor, action } : failure(caller, { code: 'invalid_action' }, actor);
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export function settleQuiet(caller: Caller, actor: Actor, result: Result<Reply | undefined, DomainError>): Outcome {
  if (result.ok && !result.value) return { reply: {}, actor, silent: true };
  return settle(caller, actor, result as Result<Reply, DomainError>);
}

export function settle(caller: Caller, actor: Actor, result: Result<Reply, DomainError>): Outcome {
  return result.ok ? { reply: result.value, actor } : failure(caller, result.error, actor);
}

export function failure(caller: Caller, error: DomainError, actor?: Actor): Outcome {
  const locale = actor?.locale ?? toLocale(caller.locale) ?? 'en';
  return { reply: describeError(locale, error), error, ...(actor ? { actor } : {}) };
}

/** Over a rate limit: the one "slow down" of the window, or silence for the rest of it. */
export function overLimit(caller: Caller, verdict: Extract<Verdict, { allowed: false }>, actor?: Actor): Outcome {
  const error = rateLimited(verdict);
  return verdict.told ? failure(caller, error, actor) : { reply: {}, error, ...(actor ? { actor } : {}), silent: true };
}
