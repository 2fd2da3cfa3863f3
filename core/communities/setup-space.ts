import { randomBytes } from 'node:crypto';
import { TransactionRollbackError } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { Queryable } from '../db/client.ts';
import { communities, memberships, platformSpaces, type spaceKind } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { type Locale, t, toLocale } from '../i18n/index.ts';
import type { Caller } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { ensureIdentity, resolveActor, setActiveCommunity } from '../members/resolve-actor.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { createLinkCode, LINK_CODE_TTL_MS, recordCodeSpace, redeemLinkCode } from './link-codes.ts';
import { findSpace, listSpaces } from './spaces.ts';

export const setupInput = z.object({
  name: z.string().trim().min(2).max(80).optional(),
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/, 'must look like ABCD-EFGH')
    .optional(),
});
export type SetupInput = z.infer<typeof setupInput>;

/** What the adapter learned from the platform about the space and the caller's rights in it. */
export type SpaceFacts = {
  kind: (typeof spaceKind.enumValues)[number];
  title: string;
  /** Discord: Manage Server or Administrator in the interaction; Telegram: getChatMember says creator/administrator. */
  callerIsAdmin: boolean;
};

/**
 * /setup. In a space no community has claimed, a platform admin either creates a new community
 * (becoming its owner) or, with a one-time code from an existing community's owner, links the
 * space to that community. In a linked space, the community owner gets the status and a fresh
 * code for linking another space. Everyone else is refused. Every change is audited.
 */
export async function setupSpace(
  deps: Pick<CoreDeps, 'db' | 'clock'>,
  caller: Caller,
  space: SpaceFacts,
  input: SetupInput,
): Promise<Result<Reply, DomainError>> {
  if (!caller.spaceId) return err({ code: 'not_in_space' });
  const locale = toLocale(caller.locale) ?? 'en';
  const existing = await findSpace(deps.db, caller.platform, caller.spaceId);
  // Asking to link or found again (a code or a name) is refused whoever asks; a bare /setup is
  // the owner's status view.
  if (existing) return input.code || input.name ? err({ code: 'space_already_linked' }) : showStatus(deps, caller);
  if (!space.callerIsAdmin) return err({ code: 'not_space_admin' });

  const { memberId } = await ensureIdentity(deps.db, caller);
  const now = deps.clock.now();
  try {
    const linked = await deps.db.transaction(async (tx) => {
      const redeemed = input.code ? await redeemLinkCode(tx, { code: input.code, now }) : undefined;
      const communityId = input.code
        ? redeemed?.communityId
        : await createCommunity(tx, { name: input.name ?? space.title, locale, ownerId: memberId });
      if (!communityId) return undefined;
      const [inserted] = await tx
        .insert(platformSpaces)
        .values({
          communityId,
          platform: caller.platform,
          kind: space.kind,
          externalId: caller.spaceId!,
          title: space.title,
          linkedByMemberId: memberId,
        })
        .onConflictDoNothing()
        .returning({ id: platformSpaces.id });
      // Another admin linked this space a moment ago: undo whatever this attempt created.
      if (!inserted) tx.rollback();
      if (redeemed) await recordCodeSpace(tx, { codeId: redeemed.id, spaceId: inserted!.id });
      await tx.insert(memberships).values({ communityId, memberId }).onConflictDoNothing();
      await recordAudit(tx, {
        communityId,
        actorMemberId: memberId,
        platform: caller.platform,
        action: 'space.linked',
        targetKind: 'platform_space',
        targetId: inserted!.id,
        details: { platform: caller.platform, externalId: caller.spaceId, via: input.code ? 'link_code' : 'new_community' },
      });
      return communityId;
    });
    if (!linked) return err({ code: 'invalid_setup_code' });
    await setActiveCommunity(deps.db, caller, linked);
  } catch (error) {
    if (error instanceof TransactionRollbackError) return err({ code: 'space_already_linked' });
    throw error;
  }
  return showStatus(deps, caller, true);
}

async function createCommunity(tx: Queryable, params: { name: string; locale: Locale; ownerId: string }) {
  const [community] = await tx
    .insert(communities)
    .values({ slug: communitySlug(params.name), name: params.name, defaultLocale: params.locale })
    .returning({ id: communities.id });
  const communityId = community!.id;
  await tx.insert(memberships).values({ communityId, memberId: params.ownerId, role: 'owner' });
  await recordAudit(tx, { communityId, actorMemberId: params.ownerId, action: 'community.created', details: { name: params.name } });
  return communityId;
}

/** `Makers Guild` -> `makers-guild-3f9a`; names without Latin letters become `community-3f9a`. */
export function communitySlug(name: string): string {
  const base = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return `${base.length >= 2 ? base : 'community'}-${randomBytes(2).toString('hex')}`;
}

async function showStatus(deps: Pick<CoreDeps, 'db' | 'clock'>, caller: Caller, justLinked = false): Promise<Result<Reply, DomainError>> {
  const resolved = await resolveActor(deps, caller);
  if (!resolved.ok) return resolved;
  const actor = resolved.value;
  if (!justLinked && !can(actor.role, 'community.manage')) return err({ code: 'forbidden', permission: 'community.manage' });
  const spaces = await listSpaces(deps.db, actor.communityId);
  const { locale } = actor;
  const reply: Reply = {
    title: t(locale, justLinked ? 'setup.linkedTitle' : 'setup.statusTitle', { community: actor.communityName }),
    body: t(locale, justLinked ? 'setup.linkedBody' : 'setup.statusBody', { community: actor.communityName }),
    fields: [
      { name: t(locale, 'setup.spaces'), value: spaces.map((s) => `${s.title || s.kind} (${s.platform})`).join('\n') },
    ],
    ephemeral: true,
  };
  const basic = spaces.filter((space) => space.kind === 'telegram_group');
  if (basic.length) {
    reply.fields!.push({ name: t(locale, 'setup.basicGroupTitle'), value: t(locale, 'setup.basicGroup', { groups: basic.map((space) => space.title || space.kind).join(', ') }) });
  }
  if (can(actor.role, 'community.manage')) {
    const { code } = await deps.db.transaction(async (tx) => {
      const created = await createLinkCode(tx, { communityId: actor.communityId, memberId: actor.memberId, now: deps.clock.now() });
      await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'space.link_code_created' });
      return created;
    });
    reply.fields!.push({
      name: t(locale, 'setup.linkAnother'),
      value: t(locale, 'setup.linkCode', { code, hours: LINK_CODE_TTL_MS / 3_600_000 }),
    });
    reply.confidential = true;
  }
  return ok(reply);
}
