import { and, eq, isNotNull } from 'drizzle-orm';
import { z } from 'zod';
import { announcements, behaviourEvents, deliveries } from '../../db/schema/index.ts';
import type { CoreDeps } from '../../deps.ts';
import { type Block, type Inline, parseMarkdown } from '../../studio/markdown.ts';

/** The redirect an announcement's links go through: `/l/<delivery id>/<link number>`. */
export const LINK_PATH = '/l';

export const linkParams = z.object({ deliveryId: z.uuid(), index: z.coerce.number().int().min(0).max(99) });

/**
 * The announcement's links as one delivery row sends them: each through Lyceum's redirect, which
 * records the click for that row (so a recipient, not an anonymous hit) and then goes to the
 * creator's URL. The redirect reads the URL from the announcement itself, never from the link,
 * so it cannot be turned into an open redirect.
 */
export function trackLinks(blocks: Block[], baseUrl: string, deliveryId: string): Block[] {
  return mapLinks(blocks, (_url, index) => `${baseUrl}${LINK_PATH}/${deliveryId}/${index}`);
}

/** The announcement's links in the order `trackLinks` numbers them. */
function linksOf(blocks: Block[]): string[] {
  const urls: string[] = [];
  mapLinks(blocks, (url) => (urls.push(url), url));
  return urls;
}

/** The blocks with each link's URL replaced by `replace(url, n)`, links numbered in reading order from 0. */
function mapLinks(blocks: Block[], replace: (url: string, index: number) => string): Block[] {
  let index = 0;
  const inline = (nodes: Inline[]): Inline[] =>
    nodes.map((node) => {
      if (node.type === 'link') return { ...node, url: replace(node.url, index++), children: inline(node.children) };
      return node.type === 'bold' || node.type === 'italic' ? { ...node, children: inline(node.children) } : node;
    });
  return blocks.map((block) => (block.type === 'paragraph' ? { ...block, lines: block.lines.map(inline) } : block.type === 'list' ? { ...block, items: block.items.map(inline) } : block));
}

/**
 * A recipient opened link `index` of the announcement a delivery row sent: the click is
 * recorded (kind `announcement_click`, with the row and the link) and the creator's URL returned.
 * Unknown rows, rows that are not announcements, or a link number the announcement does not
 * have: undefined, and nothing is written.
 */
export async function followAnnouncementLink(deps: Pick<CoreDeps, 'db' | 'clock'>, params: z.infer<typeof linkParams>): Promise<string | undefined> {
  const [row] = await deps.db
    .select({ communityId: deliveries.communityId, memberId: deliveries.memberId, announcementId: deliveries.announcementId, body: announcements.body })
    .from(deliveries)
    .innerJoin(announcements, and(eq(announcements.id, deliveries.announcementId), eq(announcements.communityId, deliveries.communityId)))
    .where(and(eq(deliveries.id, params.deliveryId), isNotNull(deliveries.announcementId)));
  const url = row ? linksOf(parseMarkdown(row.body).blocks)[params.index] : undefined;
  if (!row || !url) return undefined;
  await deps.db.insert(behaviourEvents).values({ communityId: row.communityId, memberId: row.memberId, kind: 'announcement_click', deliveryId: params.deliveryId, metadata: { announcementId: row.announcementId, link: params.index }, occurredAt: deps.clock.now() });
  return url;
}
