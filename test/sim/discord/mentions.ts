/**
 * Allowed mentions, as the message resource describes them: `parse` ('users', 'roles',
 * 'everyone') turns on every mention of a kind in the content; `users` / `roles` (at most 100
 * ids each) allow just those; `replied_user` pings the author of the message replied to. Without
 * `allowed_mentions` everything in the content pings (and a reply pings its author); with it,
 * only what it allows. `parse: ['users']` with a `users` list (or roles with roles) is Discord's
 * 400 MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE; an empty or null list is fine. Permissions
 * (Mention @everyone, unmentionable roles) are not simulated.
 */
import { z } from 'zod';
import { coded } from './form-errors.ts';
import type { World } from './state.ts';
import type { AllowedMentions, Pings, SimMessage } from './types.ts';

const KINDS = ['users', 'roles', 'everyone'] as const;
const snowflake = z.string().regex(/^\d{15,21}$/, coded('NUMBER_TYPE_COERCE', 'Value is not snowflake.'));
const ids = z.array(snowflake).max(100, 'BASE_TYPE_MAX_LENGTH').nullable().optional();
const exclusive = (kind: string) => coded('MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE', `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`);

export const allowedMentions = z
  .object({
    parse: z
      .array(z.string().refine((kind) => (KINDS as readonly string[]).includes(kind), coded('BASE_TYPE_CHOICES', "Value must be one of ('users', 'roles', 'everyone').")))
      .optional(),
    users: ids,
    roles: ids,
    replied_user: z.boolean().optional(),
  })
  .superRefine((value, ctx) => {
    for (const kind of ['users', 'roles'] as const) {
      if (value.parse?.includes(kind) && value[kind]?.length) ctx.addIssue({ code: 'custom', path: [], message: exclusive(kind) });
    }
  })
  .transform((value) => value as AllowedMentions);

const USER = /<@!?(\d{15,21})>/g;
const ROLE = /<@&(\d{15,21})>/g;
const EVERYONE = /@(everyone|here)\b/;

/**
 * Who a message with this content and `allowed_mentions` pings, the way Discord decides it
 * (`undefined` or `null`: the request had none). `repliedAuthor`: the author of the message it
 * replies to, if it is a reply.
 */
export function pings(content: string, allowed: AllowedMentions | null | undefined, repliedAuthor?: string): Pings {
  const users = [...new Set([...content.matchAll(USER)].map((match) => match[1]!))];
  const roles = [...new Set([...content.matchAll(ROLE)].map((match) => match[1]!))];
  const everyone = EVERYONE.test(content);
  if (!allowed) return { everyone, users: [...new Set([...users, ...(repliedAuthor ? [repliedAuthor] : [])])], roles };
  const parse = allowed.parse ?? [];
  const pingedUsers = users.filter((id) => parse.includes('users') || (allowed.users ?? []).includes(id));
  if (repliedAuthor && allowed.replied_user && !pingedUsers.includes(repliedAuthor)) pingedUsers.push(repliedAuthor);
  return {
    everyone: everyone && parse.includes('everyone'),
    users: pingedUsers,
    roles: roles.filter((id) => parse.includes('roles') || (allowed.roles ?? []).includes(id)),
  };
}

/** A ping target for `wouldPing`: `'everyone'` (also @here), `{ user }` or `{ role }`. */
export type PingTarget = 'everyone' | { user: string } | { role: string };

export function pingsTarget(result: Pings, target: PingTarget): boolean {
  if (target === 'everyone') return result.everyone;
  return 'user' in target ? result.users.includes(target.user) : result.roles.includes(target.role);
}

/**
 * Who a stored message pinged: a bot message by its content and recorded `allowed_mentions`
 * (the replied-to author for a reply); a user's message by the mentions the client made.
 */
export function messagePings(world: World, message: SimMessage): Pings {
  if (message.allowedMentions === undefined) return { everyone: Boolean(message.mentionEveryone), users: message.mentions ?? [], roles: message.mentionRoles ?? [] };
  const replied = message.reference?.messageId ? (world.messages.get(message.reference.channelId) ?? []).find((candidate) => candidate.id === message.reference!.messageId) : undefined;
  return pings(message.content, message.allowedMentions, replied?.authorId);
}
