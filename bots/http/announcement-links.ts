import type { Hono } from 'hono';
import { followAnnouncementLink, LINK_PATH, linkParams } from '../../core/delivery/announcements/links.ts';
import type { CoreDeps } from '../../core/deps.ts';

/**
 * `/l/<delivery id>/<link number>`: a link in a delivered announcement. The click is counted for
 * that delivery and the browser sent on to the creator's URL, read from the announcement (never
 * from the request); anything else is a 404 that writes nothing.
 */
export function mountAnnouncementLinks(app: Hono, deps: Pick<CoreDeps, 'db' | 'clock'>): void {
  app.get(`${LINK_PATH}/:deliveryId/:index`, async (c) => {
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    const params = linkParams.safeParse(c.req.param());
    const url = params.success ? await followAnnouncementLink(deps, params.data) : undefined;
    return url ? c.redirect(url, 302) : c.text('There is no link here.', 404);
  });
}
