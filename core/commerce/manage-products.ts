import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit } from '../audit/record-audit.ts';
import type { Queryable } from '../db/client.ts';
import { courses, platformSpaces, productGrants, products } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import type { DomainError } from '../errors.ts';
import { t } from '../i18n/index.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import type { Reply } from '../reply.ts';
import { err, ok, type Result } from '../result.ts';
import { findProduct } from './products.ts';
import { priceLine, showProducts } from './show-products.ts';

const money = z.string().trim().regex(/^\d{1,7}(\.\d{1,2})?$/, 'a price like 49 or 49.90');
const fields = {
  name: z.string().trim().min(2).max(80).optional(),
  description: z.string().trim().max(500).optional(),
  price: money.optional(),
  currency: z.string().trim().regex(/^[A-Za-z]{3}$/, 'a 3-letter currency like USD').transform((value) => value.toUpperCase()).optional(),
  stars: z.union([z.coerce.number().int().min(1).max(100_000), z.literal('none')]).optional(),
  trial: z.coerce.number().int().min(0).max(365).optional(),
  /** Whether a Stripe trial needs a card on file (yes, no; Discord sends a boolean). */
  trial_card: z.union([z.boolean(), z.enum(['yes', 'no', 'true', 'false']).transform((value) => value === 'yes' || value === 'true')]).optional(),
  /** What ending an entitlement does to the member's access (see products.end_action). */
  end_action: z.enum(['remove', 'kick', 'keep']).optional(),
};
const grantsInput = {
  courses: z.string().trim().max(500).optional(),
  /** `<space external id>/<role or chat id>`, e.g. a Discord role in a linked server. */
  role: z.string().trim().regex(/^\d{5,25}\/\d{5,25}$/, 'server id/role id').optional(),
  chat: z.string().trim().regex(/^-?\d{5,25}$/, 'a Telegram chat id').optional(),
  /**
   * Set by the Discord adapter from the guild's roles: why the bot could not manage `role`
   * (a platform fact it knows, core decides what to say).
   */
  roleBlocked: z.enum(['above_bot', 'managed', 'everyone', 'no_manage_roles']).optional(),
};

export const manageProductInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('list') }),
  z.object({
    action: z.literal('create'),
    ...fields,
    ...grantsInput,
    name: z.string().trim().min(2).max(80),
    price: money,
    interval: z.enum(['none', 'week', 'month', 'year']).default('none'),
  }),
  z.object({ action: z.literal('edit'), product: z.string().trim().min(1).max(100), ...fields }),
  z.object({ action: z.literal('archive'), product: z.string().trim().min(1).max(100) }),
]);
export type ManageProductInput = z.infer<typeof manageProductInput>;

/**
 * `/product create|edit|list|archive` for creators and owners, audited. Prices are typed in
 * major units and stored in minor units; editing one changes only future checkouts (orders
 * copy their price). Grants are checked to be in the creator's own community.
 */
export async function manageProduct(deps: Pick<CoreDeps, 'db'>, actor: Actor, input: ManageProductInput): Promise<Result<Reply, DomainError>> {
  if (!can(actor.role, 'commerce.manage')) return err({ code: 'forbidden', permission: 'commerce.manage' });
  switch (input.action) {
    case 'list':
      return showProducts(deps, actor, { manage: true });
    case 'create':
      return createProduct(deps.db, actor, input);
    case 'edit':
    case 'archive': {
      const product = await findProduct(deps.db, { communityId: actor.communityId, ref: input.product, includeArchived: true });
      if (!product) return err({ code: 'product_not_found' });
      const currency = (input.action === 'edit' && input.currency) || product.currency;
      const changes =
        input.action === 'archive'
          ? { active: false }
          : {
              ...(input.name ? { name: input.name } : {}),
              ...(input.description !== undefined ? { description: input.description } : {}),
              ...(input.price ? { priceAmount: toMinorUnits(input.price, currency), currency } : {}),
              ...(input.stars !== undefined ? { starsPrice: input.stars === 'none' ? null : input.stars } : {}),
              ...(input.trial !== undefined ? { trialDays: input.trial } : {}),
              ...(input.trial_card !== undefined ? { trialRequiresCard: input.trial_card } : {}),
              ...(input.end_action ? { endAction: input.end_action } : {}),
            };
      const [updated] = await deps.db.update(products).set(changes).where(and(eq(products.id, product.id), eq(products.communityId, actor.communityId))).returning();
      await recordAudit(deps.db, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: `product.${input.action}`, targetKind: 'product', targetId: product.id, details: changes });
      const key = input.action === 'archive' ? 'product.archived' : 'product.updated';
      return ok({ body: t(actor.locale, key, { product: updated!.name, price: priceLine(actor.locale, updated!) }), ephemeral: true });
    }
  }
}

async function createProduct(db: Queryable, actor: Actor, input: Extract<ManageProductInput, { action: 'create' }>): Promise<Result<Reply, DomainError>> {
  const currency = input.currency ?? 'USD';
  const courseSlugs = (input.courses ?? '').split(',').map((slug) => slug.trim().toLowerCase()).filter(Boolean);
  const courseRows = courseSlugs.length
    ? await db.select({ id: courses.id, slug: courses.slug }).from(courses).where(and(eq(courses.communityId, actor.communityId), inArray(courses.slug, courseSlugs)))
    : [];
  const missing = courseSlugs.filter((slug) => !courseRows.some((row) => row.slug === slug));
  if (missing.length) return err({ code: 'invalid_input', details: t(actor.locale, 'product.unknownCourses', { courses: missing.join(', ') }) });
  if (input.roleBlocked) return err({ code: 'role_not_assignable', reason: input.roleBlocked });
  const resources = await resolveResources(db, actor.communityId, input);
  if (!resources.ok) return err({ code: 'invalid_input', details: t(actor.locale, 'product.unknownSpace') });

  return db.transaction(async (tx) => {
    const slug = await freeSlug(tx, actor.communityId, input.name);
    const [product] = await tx
      .insert(products)
      .values({
        communityId: actor.communityId,
        slug,
        name: input.name,
        description: input.description ?? '',
        kind: input.interval === 'none' ? 'one_time' : 'subscription',
        interval: input.interval === 'none' ? null : input.interval,
        priceAmount: toMinorUnits(input.price, currency),
        currency,
        starsPrice: input.stars === 'none' ? null : (input.stars ?? null),
        trialDays: input.trial ?? 0,
        trialRequiresCard: input.trial_card ?? true,
        endAction: input.end_action ?? 'remove',
      })
      .returning();
    const grantRows = [
      ...courseRows.map((course) => ({ kind: 'course' as const, courseId: course.id })),
      ...resources.value,
    ].map((grant) => ({ communityId: actor.communityId, productId: product!.id, ...grant }));
    if (grantRows.length) await tx.insert(productGrants).values(grantRows);
    await recordAudit(tx, { communityId: actor.communityId, actorMemberId: actor.memberId, platform: actor.platform, action: 'product.create', targetKind: 'product', targetId: product!.id, details: { slug, grants: grantRows.length } });
    return ok({ body: t(actor.locale, 'product.created', { product: product!.name, slug, price: priceLine(actor.locale, product!) }), ephemeral: true });
  });
}

type ResourceGrant = { kind: 'discord_role' | 'telegram_chat'; spaceId: string; resourceId: string };

/** A role in a linked Discord server, a linked Telegram chat: only the community's own spaces. */
async function resolveResources(db: Queryable, communityId: string, input: { role?: string | undefined; chat?: string | undefined }): Promise<Result<ResourceGrant[], null>> {
  const wanted = [
    ...(input.role ? [{ platform: 'discord' as const, externalId: input.role.split('/')[0]!, resourceId: input.role.split('/')[1]!, kind: 'discord_role' as const }] : []),
    ...(input.chat ? [{ platform: 'telegram' as const, externalId: input.chat, resourceId: input.chat, kind: 'telegram_chat' as const }] : []),
  ];
  const grants: ResourceGrant[] = [];
  for (const want of wanted) {
    const [space] = await db
      .select({ id: platformSpaces.id })
      .from(platformSpaces)
      .where(and(eq(platformSpaces.communityId, communityId), eq(platformSpaces.platform, want.platform), eq(platformSpaces.externalId, want.externalId)));
    if (!space) return err(null);
    grants.push({ kind: want.kind, spaceId: space.id, resourceId: want.resourceId });
  }
  return ok(grants);
}

async function freeSlug(db: Queryable, communityId: string, name: string): Promise<string> {
  const base = name.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 40) || 'product';
  const taken = new Set((await db.select({ slug: products.slug }).from(products).where(eq(products.communityId, communityId))).map((row) => row.slug));
  let slug = base;
  for (let n = 2; taken.has(slug); n += 1) slug = `${base}-${n}`;
  return slug;
}

/** "49.9" USD -> 4990; "500" JPY -> 500: the currency's own number of minor digits. */
export function toMinorUnits(price: string, currency: string): number {
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const [whole = '0', fraction = ''] = price.split('.');
  return Number(whole) * 10 ** digits + Number((fraction + '00').slice(0, digits) || '0');
}
