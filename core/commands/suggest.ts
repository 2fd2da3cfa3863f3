import { listCategories } from '../catalog/list-categories.ts';
import { searchCourses } from '../catalog/search-courses.ts';
import { visibleStatuses } from '../catalog/types.ts';
import { listProducts } from '../commerce/products.ts';
import type { Actor } from '../members/actor.ts';
import { can } from '../members/rbac.ts';
import { truncate } from '../reply.ts';
import type { CommandDeps } from './index.ts';

export type Suggestion = { name: string; value: string };
export type SuggestRequest = { command: string; option: string; value: string };

const MAX_SUGGESTIONS = 25;

/**
 * Autocomplete for typed options: course names for `/course name`, categories for
 * `/courses category`, products for `/buy product` (on sale) and `/product ... product`
 * (archived too, for creators). Only what the actor may see; a course or product suggests its
 * slug as the value so the command finds exactly that one.
 */
export async function suggest(deps: CommandDeps, actor: Actor, request: SuggestRequest): Promise<Suggestion[]> {
  const statuses = visibleStatuses(actor.role);
  const value = request.value.trim().slice(0, 100);
  const courseOption = (request.command === 'course' && request.option === 'name') || (['course', 'lesson', 'review', 'rate', 'announce', 'live', 'stats'].includes(request.command) && request.option === 'course');
  if (courseOption) {
    const { items } = await searchCourses(deps.db, {
      communityId: actor.communityId,
      statuses,
      query: value || undefined,
      limit: MAX_SUGGESTIONS,
      offset: 0,
    });
    return items.map((item) => ({ name: truncate(item.title, 100), value: item.slug }));
  }
  if (request.command === 'courses' && request.option === 'category') {
    const categories = await listCategories(deps.db, { communityId: actor.communityId, statuses });
    const wanted = value.toLowerCase();
    return categories
      .filter(({ category }) => category.toLowerCase().includes(wanted))
      .slice(0, MAX_SUGGESTIONS)
      .map(({ category, courses }) => ({ name: truncate(`${category} (${courses})`, 100), value: truncate(category, 100) }));
  }
  if (['buy', 'product', 'grant', 'revoke', 'announce'].includes(request.command) && request.option === 'product') {
    const manage = request.command !== 'buy' && can(actor.role, 'commerce.manage');
    const wanted = value.toLowerCase();
    return (await listProducts(deps.db, { communityId: actor.communityId, includeArchived: manage }))
      .filter((product) => product.name.toLowerCase().includes(wanted) || product.slug.includes(wanted))
      .slice(0, MAX_SUGGESTIONS)
      .map((product) => ({ name: truncate(product.name, 100), value: product.slug }));
  }
  return [];
}
