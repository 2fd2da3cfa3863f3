import { and, eq, gt, lt } from 'drizzle-orm';
import { encodeAction } from '../actions.ts';
import { chatForms, type StoredForm } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import type { Reply, ReplyForm } from '../reply.ts';

/** How long a half-filled form waits for its author to come back. */
export const CHAT_FORM_TTL_MS = 24 * 60 * 60 * 1000;
/** A file answer is kept in the file store meanwhile; the answer holds its name and hash. */
const FILE_ANSWER = /^file:([0-9a-f]{64}):(.+)$/s;

type Deps = Pick<CoreDeps, 'db' | 'clock' | 'files'>;
type Key = { platform: Actor['platform']; platformUserId: string; chatId: string };
const where = (key: Key) => and(eq(chatForms.platform, key.platform), eq(chatForms.platformUserId, key.platformUserId), eq(chatForms.chatId, key.chatId));

export type ChatFormAnswer = { text: string } | { file: { name: string; bytes: Uint8Array } } | { skip: true } | { cancel: true };
/** What the conversation does next: ask the next question, submit the answers, or nothing was waiting. */
export type ChatFormStep = { ask: Reply } | { submit: { encoded: string; answers: Record<string, unknown> } } | { canceled: Reply } | { refused: Reply } | undefined;

/**
 * Starts a form as a conversation, one question per message (Telegram has no modals): replaces
 * any form the person had open in that chat, and asks the first question.
 */
export async function startChatForm(deps: Deps, actor: Actor, chatId: string, form: ReplyForm): Promise<Reply> {
  const stored: StoredForm = { title: form.title, submit: encodeAction(form.submit), inputs: form.inputs };
  const key = { platform: actor.platform, platformUserId: actor.platformUserId, chatId };
  const expiresAt = new Date(deps.clock.now().getTime() + CHAT_FORM_TTL_MS);
  await deps.db
    .insert(chatForms)
    .values({ ...key, form: stored, answers: {}, step: 0, expiresAt })
    .onConflictDoUpdate({ target: [chatForms.platform, chatForms.platformUserId, chatForms.chatId], set: { form: stored, answers: {}, step: 0, expiresAt } });
  return question(actor, stored, 0);
}

/**
 * The person's next message in a chat with an open form: the answer to the current question
 * (checked against its limits), a skip of an optional one, or cancel. Coming back hours later
 * continues where they stopped; after a day the form is gone.
 */
export async function continueChatForm(deps: Deps, actor: Actor, chatId: string, answer: ChatFormAnswer): Promise<ChatFormStep> {
  const key = { platform: actor.platform, platformUserId: actor.platformUserId, chatId };
  const now = deps.clock.now();
  await deps.db.delete(chatForms).where(and(where(key), lt(chatForms.expiresAt, now)));
  const [row] = await deps.db.select().from(chatForms).where(and(where(key), gt(chatForms.expiresAt, now)));
  if (!row) return 'cancel' in answer ? { canceled: { body: t(actor.locale, 'form.nothingOpen'), ephemeral: true } } : undefined;
  if ('cancel' in answer) {
    await deps.db.delete(chatForms).where(where(key));
    return { canceled: { body: t(actor.locale, 'form.canceled'), ephemeral: true } };
  }
  const input = row.form.inputs[row.step]!;
  const answers = { ...row.answers };
  if ('skip' in answer) {
    if (input.required && !input.value) return { refused: question(actor, row.form, row.step, t(actor.locale, 'form.required')) };
  } else if ('file' in answer) {
    if (input.style !== 'file') return { refused: question(actor, row.form, row.step, t(actor.locale, 'form.textExpected')) };
    const stored = await deps.files.put(answer.file.bytes, { maxBytes: Number.MAX_SAFE_INTEGER });
    answers[input.key] = `file:${stored.sha256}:${answer.file.name}`;
  } else {
    if (input.style === 'file') return { refused: question(actor, row.form, row.step, t(actor.locale, 'form.fileExpected')) };
    const text = answer.text.trim();
    const length = Array.from(text).length;
    if (length > input.maxLength || length < (input.minLength ?? 0)) return { refused: question(actor, row.form, row.step, t(actor.locale, 'form.length', { min: input.minLength ?? 0, max: input.maxLength, length })) };
    answers[input.key] = text;
  }
  const step = row.step + 1;
  if (step < row.form.inputs.length) {
    await deps.db.update(chatForms).set({ answers, step, expiresAt: new Date(now.getTime() + CHAT_FORM_TTL_MS) }).where(where(key));
    return { ask: question(actor, row.form, step) };
  }
  await deps.db.delete(chatForms).where(where(key));
  return { submit: { encoded: row.form.submit, answers: await resolveFiles(deps, answers) } };
}

async function resolveFiles(deps: Deps, answers: Record<string, string>): Promise<Record<string, unknown>> {
  const resolved: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(answers)) {
    const file = FILE_ANSWER.exec(value);
    const bytes = file ? await deps.files.get(file[1]!) : undefined;
    resolved[name] = file ? (bytes ? { name: file[2], bytes } : undefined) : value;
  }
  return resolved;
}

/** One question: which of how many, the label, the current value for an edit, and Skip / Keep / Cancel. */
function question(actor: Actor, form: StoredForm, step: number, problem?: string): Reply {
  const { locale } = actor;
  const input = form.inputs[step]!;
  const hint = input.style === 'file' ? t(locale, 'form.sendFile') : input.value ? t(locale, 'form.current', { value: input.value.slice(0, 500) }) : undefined;
  return {
    title: t(locale, 'form.step', { title: form.title, step: step + 1, steps: form.inputs.length }),
    body: [problem, input.label, hint].filter(Boolean).join('\n\n'),
    actions: [
      {
        buttons: [
          ...(!input.required || input.value ? [{ label: t(locale, input.value ? 'form.keep' : 'form.skip'), action: { type: 'form.skip' as const } }] : []),
          { label: t(locale, 'form.cancel'), action: { type: 'form.cancel' as const }, style: 'danger' as const },
        ],
      },
    ],
    ephemeral: true,
  };
}
