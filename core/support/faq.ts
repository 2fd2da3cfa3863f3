import { and, asc, eq } from 'drizzle-orm';
import { shortId } from '../short-ids.ts';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { supportFaqs } from '../db/schema/index.ts';
import { byIdPrefix } from '../short-ids.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { type Locale, t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { type Reply, replyLimits, truncate } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';

export const faqInput = z.object({
  action: z.enum(['list', 'add', 'edit', 'remove']).default('list'),
  /** The entry's number as /faq list shows it. */
  entry: z.string().trim().regex(/^#?[0-9a-f]{8}$/i, 'an entry number like #1a2b3c4d').optional(),
  question: z.string().trim().min(3).max(300).optional(),
  answer: z.string().trim().min(2).max(1500).optional(),
  /** Which language the question and answer are in (default: the creator's). */
  lang: z.enum(['en', 'zh']).optional(),
});

/** How close a message must be to an entry's question for the FAQ to answer it (see `similarity`). */
const FAQ_MATCH = 0.5;
const STOPWORDS = new Set('a an the is are am do does did i my me you your we our it to of in on for and or how what can with be at this that there'.split(' '));

/** Words (lowercased, stopwords out) plus Han character bigrams, so 怎么退款 and 如何退款 share 退款. */
function faqTokens(text: string): Set<string> {
  const tokens = new Set<string>();
  for (const word of text.toLowerCase().match(/[a-z0-9']+/g) ?? []) if (word.length > 1 && !STOPWORDS.has(word)) tokens.add(word.replace(/'s$/, ''));
  for (const run of text.match(/\p{Script=Han}+/gu) ?? []) {
    const chars = Array.from(run);
    if (chars.length === 1) tokens.add(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) tokens.add(chars[i]! + chars[i + 1]!);
  }
  return tokens;
}

/** Cosine of two token sets: shared tokens over the geometric mean of their sizes. */
function similarity(message: Set<string>, question: Set<string>): number {
  if (!message.size || !question.size) return 0;
  let shared = 0;
  for (const token of question) if (message.has(token)) shared += 1;
  return shared / Math.sqrt(message.size * question.size);
}

/** The community's FAQ answer for a message, in the member's language where the entry has it. */
export async function matchFaq(deps: Pick<CoreDeps, 'db'>, actor: Actor, text: string): Promise<Reply | undefined> {
  const entries = await deps.db.select().from(supportFaqs).where(eq(supportFaqs.communityId, actor.communityId));
  const tokens = faqTokens(text);
  let best: { score: number; answer: string } | undefined;
  for (const entry of entries) {
    for (const [lang, question] of Object.entries(entry.questions) as Array<[Locale, string]>) {
      const score = similarity(tokens, faqTokens(question));
      const answer = entry.answers[actor.locale] ?? entry.answers[lang] ?? Object.values(entry.answers)[0];
      if (answer && score >= FAQ_MATCH && score > (best?.score ?? 0)) best = { score, answer };
    }
  }
  return best && { body: truncate(best.answer, replyLimits.body) };
}

/** `/faq list|add|edit|remove` for creators: the answers the assistant gives before anything escalates. Audited. */
export async function manageFaq(deps: Pick<CoreDeps, 'db'>, actor: Actor, input: z.infer<typeof faqInput>): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'catalog.manage')) return err({ code: 'forbidden', permission: 'catalog.manage' });
  const lang = input.lang ?? actor.locale;
  const scope = eq(supportFaqs.communityId, actor.communityId);
  const audit = (action: string, targetId: string) => recordAudit(deps.db, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action, targetKind: 'support_faq', targetId });
  switch (input.action) {
    case 'list':
      break;
    case 'add': {
      if (!input.question || !input.answer) return err({ code: 'invalid_input', details: t(actor.locale, 'faq.needsBoth') });
      const [created] = await deps.db.insert(supportFaqs).values({ communityId: actor.communityId, questions: { [lang]: input.question }, answers: { [lang]: input.answer }, createdByMemberId: actor.memberId }).returning({ id: supportFaqs.id });
      await audit('support.faq_add', created!.id);
      break;
    }
    case 'edit':
    case 'remove': {
      if (!input.entry) return err({ code: 'invalid_input', details: t(actor.locale, 'faq.needsEntry') });
      const matches = await deps.db.select().from(supportFaqs).where(and(scope, byIdPrefix(supportFaqs.id, input.entry))).limit(2);
      const [entry] = matches;
      if (!entry || matches.length > 1) return err({ code: 'invalid_input', details: t(actor.locale, 'faq.unknown') });
      if (input.action === 'remove') await deps.db.delete(supportFaqs).where(eq(supportFaqs.id, entry.id));
      else {
        if (!input.question && !input.answer) return err({ code: 'invalid_input', details: t(actor.locale, 'faq.needsChange') });
        await deps.db
          .update(supportFaqs)
          .set({ questions: input.question ? { ...entry.questions, [lang]: input.question } : entry.questions, answers: input.answer ? { ...entry.answers, [lang]: input.answer } : entry.answers })
          .where(eq(supportFaqs.id, entry.id));
      }
      await audit(`support.faq_${input.action}`, entry.id);
      break;
    }
  }
  const entries = await deps.db.select().from(supportFaqs).where(scope).orderBy(asc(supportFaqs.createdAt));
  const lines = entries.map((entry) => {
    const langs = Object.keys(entry.questions).join('+');
    return `#${shortId(entry.id)} (${langs}) ${entry.questions[actor.locale] ?? Object.values(entry.questions)[0]} → ${truncate(entry.answers[actor.locale] ?? Object.values(entry.answers)[0] ?? '', 80)}`;
  });
  return ok({ title: t(actor.locale, 'faq.title', { count: entries.length }), body: truncate(lines.join('\n') || t(actor.locale, 'faq.none'), replyLimits.body), ephemeral: true });
}
