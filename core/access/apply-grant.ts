import { and, eq, sql } from 'drizzle-orm';
import { accessGrants, platformIdentities, platformSpaces } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t, toLocale } from '../i18n/index.ts';
import { ok, type Result } from '../result.ts';
import type { AccessGateway, AccessOutcome } from './access-gateway.ts';
import { alertCreatorsOnce } from './alert-creators.ts';
import { recordObservations, recordRoleChange } from './observations.ts';

/** How long a Telegram invite link stays usable. */
export const INVITE_TTL_MS = 24 * 3_600_000;
const MAX_PASSES = 3;

export type ApplyGrantResult = { outcome: AccessOutcome['kind'] | 'in_sync' | 'gone' };

/**
 * Drives one grant's platform state to its desired state and records what happened: the
 * observed state, the invite link, or why it is blocked (shown to creators, not retried). If
 * the desired state changes while this runs, it runs again, so the last word always lands.
 * Outages and rate limits throw: the job is retried with backoff.
 */
export async function applyGrant(
  deps: Pick<CoreDeps, 'db' | 'clock' | 'access' | 'log'>,
  grantId: string,
): Promise<Result<ApplyGrantResult, DomainError>> {
  let result: ApplyGrantResult = { outcome: 'gone' };
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const grant = await loadGrant(deps, grantId);
    if (!grant) return ok(result);
    const { desired, observed } = grant;
    const inviteLive = observed === 'invited' && (grant.inviteExpiresAt?.getTime() ?? 0) > deps.clock.now().getTime();
    // `keep`: the product lets members keep what they had when a period runs out.
    const kept = desired === 'absent' && grant.endAction === 'keep';
    if ((desired === 'present' && (observed === 'present' || inviteLive)) || (desired === 'absent' && observed === 'absent') || kept) {
      return ok(pass === 0 ? { outcome: 'in_sync' } : result);
    }
    const outcome = await applyOnce(deps, grant);
    const [after] = await deps.db
      .update(accessGrants)
      .set(recordOf(grant, outcome, deps.clock.now()))
      .where(and(eq(accessGrants.id, grant.id), eq(accessGrants.desired, desired)))
      .returning({ id: accessGrants.id });
    result = { outcome: outcome.kind };
    if (after) {
      if (outcome.kind === 'done') {
        await noteObservation(deps, grant);
        await tellMember(deps, grant, outcome);
      }
      if (outcome.kind === 'blocked') await alertCreators(deps, grant, outcome.reason);
      return ok(result);
    }
    // The desired state flipped while we were at the platform: go again with the new one.
  }
  return ok(result);
}

type LoadedGrant = NonNullable<Awaited<ReturnType<typeof loadGrant>>>;

async function loadGrant(deps: Pick<CoreDeps, 'db'>, grantId: string) {
  const [row] = await deps.db
    .select({
      id: accessGrants.id,
      communityId: accessGrants.communityId,
      spaceId: accessGrants.spaceId,
      desired: accessGrants.desired,
      observed: accessGrants.observed,
      resourceKind: accessGrants.resourceKind,
      resourceId: accessGrants.resourceId,
      inviteExpiresAt: accessGrants.inviteExpiresAt,
      endAction: accessGrants.endAction,
      spaceExternalId: platformSpaces.externalId,
      spaceTitle: platformSpaces.title,
      platform: platformSpaces.platform,
      userId: platformIdentities.platformUserId,
      locale: platformIdentities.locale,
    })
    .from(accessGrants)
    .innerJoin(platformSpaces, and(eq(platformSpaces.id, accessGrants.spaceId), eq(platformSpaces.communityId, accessGrants.communityId)))
    .leftJoin(platformIdentities, and(eq(platformIdentities.memberId, accessGrants.memberId), eq(platformIdentities.platform, platformSpaces.platform)))
    .where(eq(accessGrants.id, grantId));
  return row;
}

async function applyOnce(deps: Pick<CoreDeps, 'clock' | 'access'>, grant: LoadedGrant): Promise<AccessOutcome> {
  if (!grant.userId) return { kind: 'waiting', reason: `the member has no ${grant.platform} account linked yet` };
  const gateway: AccessGateway | undefined = grant.platform === 'discord' ? deps.access?.discord : grant.platform === 'telegram' ? deps.access?.telegram : undefined;
  if (!gateway) throw new Error(`no ${grant.platform} gateway in this worker (is its bot token set?)`);
  const present = grant.desired === 'present';
  if (grant.resourceKind === 'discord_role') {
    const outcome = await gateway.setRole({ guildId: grant.spaceExternalId, userId: grant.userId, roleId: grant.resourceId, present, reason: present ? 'Lyceum: purchase' : 'Lyceum: access ended' });
    if (present || outcome.kind !== 'done' || grant.endAction !== 'kick') return outcome;
    if (!gateway.kickFromGuild) throw new Error('this Discord gateway cannot remove members from a server');
    return gateway.kickFromGuild({ guildId: grant.spaceExternalId, userId: grant.userId, reason: 'Lyceum: access ended' });
  }
  if (!present) return gateway.removeFromChat({ chatId: grant.resourceId, userId: grant.userId });
  const expiresAt = new Date(deps.clock.now().getTime() + INVITE_TTL_MS);
  return gateway.inviteToChat({ chatId: grant.resourceId, userId: grant.userId, expiresAt, name: `lyceum ${grant.id.slice(0, 8)}` });
}

function recordOf(grant: LoadedGrant, outcome: AccessOutcome, now: Date) {
  const attempt = { attempts: sql`${accessGrants.attempts} + 1`, lastAttemptAt: now };
  if (outcome.kind === 'waiting') return { ...attempt, lastError: outcome.reason };
  if (outcome.kind === 'blocked') return { ...attempt, lastError: outcome.reason, blockedAt: now };
  const invited = grant.resourceKind === 'telegram_chat' && grant.desired === 'present';
  return {
    ...attempt,
    lastError: null,
    blockedAt: null,
    syncedAt: now,
    observed: invited ? ('invited' as const) : grant.desired,
    inviteLink: invited ? (outcome.inviteLink ?? null) : null,
    inviteExpiresAt: invited ? new Date(now.getTime() + INVITE_TTL_MS) : null,
  };
}

/** What Lyceum just did is what the platform shows now: reconciliation need not ask. */
async function noteObservation(deps: Pick<CoreDeps, 'db' | 'clock'>, grant: LoadedGrant) {
  if (!grant.userId) return;
  const space = { id: grant.spaceId, communityId: grant.communityId };
  if (grant.resourceKind === 'discord_role') await recordRoleChange(deps.db, space, { userId: grant.userId, roleId: grant.resourceId, present: grant.desired === 'present' });
  else if (grant.desired === 'absent') await recordObservations(deps.db, space, [{ userId: grant.userId, present: false, status: 'left' }], deps.clock.now());
}

async function tellMember(deps: Pick<CoreDeps, 'access' | 'log'>, grant: LoadedGrant, outcome: Extract<AccessOutcome, { kind: 'done' }>) {
  const gateway = grant.platform === 'discord' ? deps.access?.discord : deps.access?.telegram;
  if (!gateway || !grant.userId) return;
  const locale = toLocale(grant.locale) ?? 'en';
  const place = grant.spaceTitle || grant.spaceExternalId;
  const reply =
    grant.resourceKind === 'telegram_chat' && grant.desired === 'present' && outcome.inviteLink
      ? { body: t(locale, 'access.invite', { place }), actions: [{ buttons: [{ label: t(locale, 'access.join'), url: outcome.inviteLink }] }] }
      : { body: t(locale, grant.desired === 'present' ? 'access.granted' : 'access.removed', { place }) };
  const reached = await gateway.notify(grant.userId, reply);
  if (!reached) deps.log.info({ grantId: grant.id }, 'member could not be told about their access (private messages closed)');
}

/** A permanent refusal: the community's creators hear about it once per resource, not per member. */
async function alertCreators(deps: Pick<CoreDeps, 'db' | 'access' | 'log'>, grant: LoadedGrant, reason: string) {
  const gateway = grant.platform === 'discord' ? deps.access?.discord : deps.access?.telegram;
  if (!gateway || (grant.platform !== 'discord' && grant.platform !== 'telegram')) return;
  await alertCreatorsOnce(deps, gateway, {
    communityId: grant.communityId,
    platform: grant.platform,
    key: `${grant.resourceKind}/${grant.spaceExternalId}/${grant.resourceId}`,
    place: grant.spaceTitle || grant.spaceExternalId,
    reason,
  });
}
