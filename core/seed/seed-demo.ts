import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record-audit.ts';
import { refreshCourseStats } from '../catalog/refresh-course-stats.ts';
import type { Database, Queryable } from '../db/client.ts';
import {
  behaviourEvents,
  communities,
  courses,
  lessons,
  members,
  memberships,
  platformIdentities,
  platformSpaces,
  productGrants,
  products,
} from '../db/schema/index.ts';
import type { MemberRole } from '../members/rbac.ts';
import { type DemoCourse, demoCourses } from './demo-catalog.ts';

export const DEMO_COMMUNITY_SLUG = 'lyceum-demo';
/** The console adapter's space: events typed in the terminal belong to the demo community. */
export const CONSOLE_SPACE_ID = 'console';

/** The people you can be in the console (`/as <role>`), one per community role. */
export const consolePersonas: Record<MemberRole, { userId: string; displayName: string }> = {
  owner: { userId: 'console-owner', displayName: 'Olivia' },
  creator: { userId: 'console-creator', displayName: 'Chen' },
  staff: { userId: 'console-staff', displayName: 'Sam' },
  member: { userId: 'console-member', displayName: 'Mia' },
};

const PYTHON_BOOTCAMP = ['python-basics', 'python-data-analysis', 'python-zh'];

/**
 * Loads the demo community: ~20 courses in English and Chinese with lessons, an all-access
 * membership and a one-time bootcamp, and the console personas. Idempotent: rows are keyed by
 * their natural keys and existing ones are left as they are, so re-running never duplicates or
 * overwrites. Returns whether the community was created by this call.
 */
export async function seedDemoCommunity(db: Database, now: Date): Promise<{ communityId: string; created: boolean }> {
  return db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(communities)
      .values({ slug: DEMO_COMMUNITY_SLUG, name: 'Lyceum Demo Academy', description: 'A sample community.' })
      .onConflictDoNothing()
      .returning({ id: communities.id });
    const communityId = inserted?.id ?? (await demoCommunityId(tx));
    if (!communityId) throw new Error('demo community missing after insert');

    await tx
      .insert(platformSpaces)
      .values({ communityId, platform: 'console', kind: 'console', externalId: CONSOLE_SPACE_ID, title: 'Terminal' })
      .onConflictDoNothing();
    await seedPersonas(tx, communityId);
    const courseIds = await seedCourses(tx, communityId);
    await seedProducts(tx, communityId, courseIds);
    if (inserted) {
      await seedViews(tx, communityId, courseIds, now);
      await refreshCourseStats(tx, { communityId, now });
      await recordAudit(tx, { communityId, action: 'community.seeded' });
    }
    return { communityId, created: Boolean(inserted) };
  });
}

export async function demoCommunityId(db: Queryable): Promise<string | undefined> {
  const [row] = await db.select({ id: communities.id }).from(communities).where(eq(communities.slug, DEMO_COMMUNITY_SLUG));
  return row?.id;
}

async function seedPersonas(tx: Queryable, communityId: string) {
  for (const [role, persona] of Object.entries(consolePersonas) as Array<[MemberRole, (typeof consolePersonas)[MemberRole]]>) {
    const [existing] = await tx
      .select({ memberId: platformIdentities.memberId })
      .from(platformIdentities)
      .where(and(eq(platformIdentities.platform, 'console'), eq(platformIdentities.platformUserId, persona.userId)));
    let memberId = existing?.memberId;
    if (!memberId) {
      const [member] = await tx.insert(members).values({ displayName: persona.displayName }).returning({ id: members.id });
      memberId = member!.id;
      await tx.insert(platformIdentities).values({
        memberId,
        platform: 'console',
        platformUserId: persona.userId,
        activeCommunityId: communityId,
      });
    }
    await tx.insert(memberships).values({ communityId, memberId, role }).onConflictDoNothing();
  }
}

async function seedCourses(tx: Queryable, communityId: string): Promise<Map<string, string>> {
  await tx
    .insert(courses)
    .values(
      demoCourses.map((c) => ({
        communityId,
        slug: c.slug,
        title: c.title,
        summary: c.summary,
        description: describe(c),
        category: c.category,
        tags: c.tags,
        level: c.level,
        language: c.language,
        status: c.status,
        publishedAt: c.status === 'published' ? sql`now()` : null,
      })),
    )
    .onConflictDoNothing();
  const rows = await tx
    .select({ id: courses.id, slug: courses.slug })
    .from(courses)
    .where(and(eq(courses.communityId, communityId), inArray(courses.slug, demoCourses.map((c) => c.slug))));
  const ids = new Map(rows.map((row) => [row.slug, row.id]));
  await tx
    .insert(lessons)
    .values(
      demoCourses.flatMap((c) =>
        c.lessons.map((entry, index) => {
          const [, title = entry, offset] = /^(.*?)(?: \+(\d+))?$/.exec(entry) ?? [];
          return {
            communityId,
            courseId: ids.get(c.slug)!,
            position: index + 1,
            title,
            body: c.language === 'zh' ? `${title}：本节内容。` : `${title}: lesson notes.`,
            dripOffsetDays: offset ? Number(offset) : 0,
          };
        }),
      ),
    )
    .onConflictDoNothing();
  return ids;
}

function describe(c: DemoCourse): string {
  const outline = c.lessons.map((l) => l.replace(/ \+\d+$/, '')).join(c.language === 'zh' ? '、' : ', ');
  return c.language === 'zh' ? `${c.summary}\n\n你将学到：${outline}。` : `${c.summary}\n\nYou will learn: ${outline}.`;
}

async function seedProducts(tx: Queryable, communityId: string, courseIds: Map<string, string>) {
  await tx
    .insert(products)
    .values([
      {
        communityId,
        slug: 'all-access',
        name: 'All-Access Membership',
        description: 'Every published course, the members-only channels and live Q&A.',
        kind: 'subscription',
        interval: 'month',
        priceAmount: 2900,
        currency: 'USD',
        starsPrice: 1500,
        trialDays: 7,
      },
      {
        communityId,
        slug: 'python-bootcamp',
        name: 'Python Bootcamp',
        description: 'Lifetime access to the three Python courses.',
        kind: 'one_time',
        priceAmount: 9900,
        currency: 'USD',
        starsPrice: 5000,
      },
    ])
    .onConflictDoNothing();
  const rows = await tx
    .select({ id: products.id, slug: products.slug })
    .from(products)
    .where(eq(products.communityId, communityId));
  const productId = (slug: string) => rows.find((row) => row.slug === slug)!.id;
  const published = demoCourses.filter((c) => c.status === 'published').map((c) => c.slug);
  const grant = (slug: string, courseSlug: string) => ({
    communityId,
    productId: productId(slug),
    kind: 'course' as const,
    courseId: courseIds.get(courseSlug)!,
  });
  await tx
    .insert(productGrants)
    .values([...published.map((c) => grant('all-access', c)), ...PYTHON_BOOTCAMP.map((c) => grant('python-bootcamp', c))])
    .onConflictDoNothing();
}

/** A few weeks of made-up views so "popular first" ordering means something in the demo. */
async function seedViews(tx: Queryable, communityId: string, courseIds: Map<string, string>, now: Date) {
  const views = demoCourses.flatMap((c, index) =>
    Array.from({ length: (index * 7) % 23 }, (_, n) => ({
      communityId,
      kind: 'course_view' as const,
      courseId: courseIds.get(c.slug)!,
      occurredAt: new Date(now.getTime() - (n + 1) * 3_600_000 * 11),
    })),
  );
  if (views.length) await tx.insert(behaviourEvents).values(views);
}
