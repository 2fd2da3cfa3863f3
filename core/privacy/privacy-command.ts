import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import { withDefaultAction } from '../commands/default-action.ts';
import { memberships } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { findMember } from '../members/find-member.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { eraseMember } from './erase-member.ts';
import { memberRecords } from './member-records.ts';

const MAX_EXPORT_BYTES = 32 * 1024 * 1024;
const member = z.string().trim().min(1).max(100).optional();

export const privacyInput = withDefaultAction('export', z.discriminatedUnion('action', [z.object({ action: z.literal('export'), member }), z.object({ action: z.literal('delete'), member })]));

type Deps = Pick<CoreDeps, 'db' | 'files' | 'clock'>;

/**
 * The member a confirmation button names, checked again when pressed: the presser, or a member
 * of this community whom they may act for. The team's own data is theirs to export or erase:
 * a creator cannot do it to an owner, nor to another of the team.
 */
async function confirmedSubject(deps: Pick<CoreDeps, 'db'>, actor: Actor, memberId: string): Promise<Result<{ self: boolean }, DomainError>> {
  if (memberId === actor.memberId) return ok({ self: true });
  if (!can(actor.role, 'privacy.manage')) return err({ code: 'forbidden', permission: 'privacy.manage' });
  const [member] = await deps.db.select({ role: memberships.role }).from(memberships).where(and(eq(memberships.communityId, actor.communityId), eq(memberships.memberId, memberId)));
  if (!member) return err({ code: 'member_not_found' });
  return member.role === 'member' ? ok({ self: false }) : err({ code: 'forbidden', permission: 'privacy.manage' });
}

/** Whose data: the actor's own, or (owners and creators, on a member's request) the named member's. */
async function subjectOf(deps: Deps, actor: Actor, ref: string | undefined): Promise<Result<{ memberId: string; self: boolean }, DomainError>> {
  if (!ref) return ok({ memberId: actor.memberId, self: true });
  if (!can(actor.role, 'privacy.manage')) return err({ code: 'forbidden', permission: 'privacy.manage' });
  const found = await findMember(deps.db, { communityId: actor.communityId, platform: actor.platform, ref });
  if (!found) return err({ code: 'member_not_found' });
  const checked = await confirmedSubject(deps, actor, found.memberId);
  return checked.ok ? ok({ memberId: found.memberId, self: checked.value.self }) : checked;
}

/**
 * `/privacy export [member]`: a JSON file of everything Lyceum holds about the member in this
 * community (see `memberRecords`), sent privately to whoever asked. Run for someone else, it is
 * audited. `/privacy delete [member]` asks for a confirmation; see `confirmErase`.
 */
export async function runPrivacy(deps: Deps, actor: Actor, input: z.infer<typeof privacyInput>): Promise<Result<Reply, DomainError>> {
  const subject = await subjectOf(deps, actor, input.member);
  if (!subject.ok) return subject;
  const { memberId } = subject.value;
  if (input.action === 'delete') {
    return ok({
      title: t(actor.locale, 'privacy.deleteTitle', { community: actor.communityName }),
      body: t(actor.locale, subject.value.self ? 'privacy.deleteWarning' : 'privacy.deleteWarningFor'),
      actions: [{ buttons: [{ label: t(actor.locale, 'privacy.deleteConfirm'), style: 'danger', action: { type: 'privacy.erase', memberId } }] }],
      ephemeral: true,
      confidential: true,
    });
  }
  const tables = await memberRecords(deps.db, actor.communityId, memberId);
  const exportedAt = deps.clock.now().toISOString();
  const document = { community: { id: actor.communityId, name: actor.communityName }, memberId, exportedAt, tables };
  const bytes = new TextEncoder().encode(JSON.stringify(document, null, 2));
  const stored = await deps.files.put(bytes, { maxBytes: MAX_EXPORT_BYTES });
  if (!subject.value.self) {
    await recordAudit(deps.db, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'privacy.export', targetKind: 'member', targetId: memberId });
  }
  const rows = Object.values(tables).reduce((sum, list) => sum + list.length, 0);
  return ok({
    title: t(actor.locale, 'privacy.exported', { community: actor.communityName }),
    body: t(actor.locale, 'privacy.exportBody', { rows, tables: Object.keys(tables).length }),
    files: [{ sha256: stored.sha256, name: `lyceum-${actor.communitySlug}-${exportedAt.slice(0, 10)}.json`, kind: 'document', mime: 'application/json', size: stored.size }],
    ephemeral: true,
    confidential: true,
  });
}

/**
 * The confirmation of `/privacy delete`: the member's data in this community erased (see
 * `eraseMember`), audited under the placeholder that now holds their accounting rows.
 */
export async function confirmErase(deps: Pick<CoreDeps, 'db'>, actor: Actor, memberId: string): Promise<Result<Reply, DomainError>> {
  const subject = await confirmedSubject(deps, actor, memberId);
  if (!subject.ok) return subject;
  const erasure = await eraseMember(deps.db, actor.communityId, memberId);
  if (!erasure.erased) return ok({ body: t(actor.locale, 'privacy.cancelFirst'), ephemeral: true });
  await recordAudit(deps.db, {
    communityId: actor.communityId,
    ...(subject.value.self ? {} : { actorMemberId: actor.memberId }),
    platform: actor.platform,
    action: 'privacy.delete',
    targetKind: 'member',
    targetId: erasure.placeholderId,
    details: { requestedBy: subject.value.self ? 'the member' : 'staff' },
  });
  return ok({ body: t(actor.locale, subject.value.self ? 'privacy.deleted' : 'privacy.deletedFor', { community: actor.communityName }), ephemeral: true });
}
