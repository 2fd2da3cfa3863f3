/**
 * Stripe's list envelope and cursor paging: `limit` 1-100 (default 10), `starting_after` gives
 * the page after that id, `ending_before` the page just before it; `has_more` says whether the
 * list continues in the direction of travel.
 */
import { invalidRequest } from './errors.ts';
import { requireInteger } from './validation.ts';

export interface ListPage<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export interface PageParams {
  limit?: unknown;
  starting_after?: unknown;
  ending_before?: unknown;
}

/** Pages `items` (already in list order) by id cursors; `objectName` words unknown-cursor errors. */
export function paginate<T extends { id: string }>(
  items: readonly T[],
  params: PageParams,
  url: string,
  objectName: string,
): ListPage<T> {
  const limit = requireInteger(params.limit, 'limit', { min: 1 }) ?? 10;
  if (limit > 100) throw invalidRequest('This value must be less than or equal to 100.', { param: 'limit' });
  const after = typeof params.starting_after === 'string' ? params.starting_after : undefined;
  const before = typeof params.ending_before === 'string' ? params.ending_before : undefined;
  if (after && before) {
    throw invalidRequest('You may only specify one of these parameters: ending_before, starting_after.', {
      param: 'ending_before',
    });
  }
  const cursor = after ?? before;
  if (cursor === undefined) {
    return { object: 'list', data: items.slice(0, limit), has_more: items.length > limit, url };
  }
  const index = items.findIndex((item) => item.id === cursor);
  if (index < 0) {
    throw invalidRequest(`No such ${objectName}: '${cursor}'`, {
      param: after ? 'starting_after' : 'ending_before',
      code: 'resource_missing',
      status: 404,
    });
  }
  if (after) {
    const rest = items.slice(index + 1);
    return { object: 'list', data: rest.slice(0, limit), has_more: rest.length > limit, url };
  }
  const start = Math.max(0, index - limit);
  return { object: 'list', data: items.slice(start, index), has_more: start > 0, url };
}

/** `created` (or any timestamp) filter: an exact value or a gt/gte/lt/lte range. */
export type RangeParam = number | { gt?: number; gte?: number; lt?: number; lte?: number };

export function inRange(value: number, range: RangeParam | undefined): boolean {
  if (range === undefined) return true;
  if (typeof range === 'number') return value === range;
  if (range.gt !== undefined && !(value > range.gt)) return false;
  if (range.gte !== undefined && !(value >= range.gte)) return false;
  if (range.lt !== undefined && !(value < range.lt)) return false;
  if (range.lte !== undefined && !(value <= range.lte)) return false;
  return true;
}

/** Objects newest first, as Stripe lists them (insertion order breaks ties within a second). */
export function newestFirst<T extends { created: number }>(items: Iterable<T>): T[] {
  return [...items].map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.created - a.item.created || b.index - a.index)
    .map(({ item }) => item);
}
