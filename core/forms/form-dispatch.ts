import type { z } from 'zod';
import { type Action, decodeAction } from '../actions.ts';
import { type CommandDeps, commands, isCommandName } from '../commands/index.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor, Caller } from '../members/actor.ts';
import { resolveActor } from '../members/resolve-actor.ts';
import { describeIssues, failure, type Outcome, pressedAction, settle } from '../outcome.ts';
import type { Reply } from '../reply.ts';
import type { Result } from '../result.ts';
import { guardCommand, rateLimited } from '../safety/guards.ts';
import { type ChatFormAnswer, type ChatFormStep, continueChatForm, startChatForm } from './chat-forms.ts';

/**
 * A submitted form (a Discord modal, the last answer of a Telegram guided form): the command it
 * stands for, run with the answers as options. The form's fixed options win over any answer of
 * the same name, and the command validates and authorises everything as if it were typed.
 */
export async function handleForm(deps: CommandDeps, caller: Caller, encoded: string, answers: Record<string, unknown>): Promise<Outcome> {
  const pressed = await pressedAction(deps, caller, encoded);
  if ('reply' in pressed) return pressed;
  if (pressed.action.type !== 'form.submit') return failure(caller, { code: 'invalid_action' }, pressed.actor);
  return settle(caller, pressed.actor, await runForm(deps, pressed.actor, pressed.action, answers));
}

/**
 * Where forms are conversations (Telegram): a reply that asks for a form becomes its first
 * question, asked in the actor's private chat. Other replies pass through.
 */
export async function asChatForm(deps: CommandDeps, outcome: Outcome): Promise<Outcome> {
  if (!outcome.reply.form || !outcome.actor) return outcome;
  return { ...outcome, reply: await startChatForm(deps, outcome.actor, outcome.actor.platformUserId, outcome.reply.form) };
}

/**
 * A message in a private chat while a form is open there: the answer to its current question.
 * `undefined` when no form is open (the message is for the support assistant).
 */
export async function handleChatFormAnswer(deps: CommandDeps, caller: Caller, answer: ChatFormAnswer): Promise<Outcome | undefined> {
  const resolved = await resolveActor(deps, caller);
  if (!resolved.ok) return undefined;
  const actor = resolved.value;
  const step = await continueChatForm(deps, actor, actor.platformUserId, answer);
  if (!step) return undefined;
  return asChatForm(deps, settle(caller, actor, await settleChatFormStep(deps, actor, step)));
}

export async function stepChatForm(deps: CommandDeps, actor: Actor, answer: ChatFormAnswer): Promise<Result<Reply, DomainError>> {
  const step = await continueChatForm(deps, actor, actor.platformUserId, answer);
  return step ? settleChatFormStep(deps, actor, step) : { ok: true, value: { body: t(actor.locale, 'form.nothingOpen'), ephemeral: true } };
}

async function settleChatFormStep(deps: CommandDeps, actor: Actor, step: NonNullable<ChatFormStep>): Promise<Result<Reply, DomainError>> {
  if ('ask' in step) return { ok: true, value: step.ask };
  if ('canceled' in step) return { ok: true, value: step.canceled };
  if ('refused' in step) return { ok: true, value: step.refused };
  const action = decodeAction(step.submit.encoded);
  if (action?.type !== 'form.submit') return { ok: false, error: { code: 'invalid_action' } };
  return runForm(deps, actor, action, step.submit.answers);
}

export async function runForm(deps: CommandDeps, actor: Actor, action: Extract<Action, { type: 'form.submit' }>, answers: Record<string, unknown>): Promise<Result<Reply, DomainError>> {
  if (!isCommandName(action.command)) return { ok: false, error: { code: 'invalid_action' } };
  // Empty answers are "left out", as an unset option would be.
  const given = Object.fromEntries(Object.entries(answers).filter(([, value]) => value !== '' && value !== undefined));
  const command = commands[action.command];
  const parsed = (command.input as z.ZodType).safeParse({ ...given, ...action.options });
  if (!parsed.success) return { ok: false, error: { code: 'invalid_input', details: describeIssues(parsed.error) } };
  // A form is typed slowly: over the limit it is always told, never silent.
  const verdict = await guardCommand(deps, actor, action.command, parsed.data);
  if (!verdict.allowed) return { ok: false, error: rateLimited(verdict) };
  const run = command.run as (deps: CommandDeps, actor: Actor, input: unknown) => Promise<Result<Reply, DomainError>>;
  return run(deps, actor, parsed.data);
}
