import { eq, sql } from 'drizzle-orm';
import { recommendations, recommenderRuns, similarCourses, type RecommendationReason } from '../db/schema/index.ts';
import type { CoreDeps } from '../deps.ts';
import { contentSimilarity } from './content.ts';
import { DEFAULT_PARAMS, fitHybrid, type HybridModel, type HybridParams, tuneHybrid } from './hybrid.ts';
import { type Csr, InteractionList } from './matrix.ts';
import { courseFeatures, memberSignals, ownedCourses, publishedCourses } from './signals.ts';
import { allIndices, topK } from './top-k.ts';
import { profile, type TrainingData, trainingData } from './training-data.ts';

/** Courses kept per member: more than a page, so what they buy or ignore later can be left out when read. */
export const KEPT_PER_MEMBER = 20;
export const SIMILAR_PER_COURSE = 5;
/** Below this many members to hold out, validation says nothing: the defaults are used. */
const MIN_VALIDATION_MEMBERS = 30;
/** Without tuning: recent courses count more, content helps a catalogue nobody has used much yet. */
const UNTUNED: HybridParams = { ...DEFAULT_PARAMS, recency: 0.8, content: 0.2, popularity: 0.05 };
const INSERT_BATCH = 5_000;

export type TrainingRun = { members: number; courses: number; interactions: number; params: HybridParams; validationRecall: number | null; durationMs: number };

/**
 * One training run for one community (the nightly job): read the members' signals and the
 * published courses, learn the hybrid's parameters on a validation split (when there are
 * enough members), fit it, and replace the community's stored recommendations (each member's
 * best courses they do not hold, with the reason) and similar courses.
 */
export async function trainCommunity(deps: Pick<CoreDeps, 'db' | 'clock'>, communityId: string): Promise<TrainingRun> {
  const started = performance.now();
  const now = deps.clock.now();
  const [courses, signals, owned, finished] = await Promise.all([publishedCourses(deps.db, communityId), memberSignals(deps.db, communityId, now), ownedCourses(deps.db, communityId), finishedCourses(deps.db, communityId)]);
  const courseIndex = new Map(courses.map((course, index) => [course.id, index]));
  const memberIds: string[] = [];
  const interactions = new InteractionList();
  for (const signal of signals) {
    if (memberIds.at(-1) !== signal.memberId) memberIds.push(signal.memberId);
    interactions.push(memberIds.length - 1, courseIndex.get(signal.courseId)!, Math.max(signal.weight, 1e-3));
  }
  const data = trainingData(interactions, memberIds.length, courses.map(courseFeatures));
  const content = contentSimilarity(data.features, 100);
  const validationMembers = memberIds.filter((_, user) => data.byUser.indptr[user + 1]! - data.byUser.indptr[user]! >= 2).length;
  const tuning = courses.length >= 2 && validationMembers >= MIN_VALIDATION_MEMBERS ? tuneHybrid(data, { content }) : undefined;
  const params = tuning?.params ?? UNTUNED;
  const model = fitHybrid(data, params, content);

  const rows: Array<typeof recommendations.$inferInsert> = [];
  memberIds.forEach((memberId, user) => {
    const mine = owned.get(memberId);
    const top = model.scorer.top!(user, KEPT_PER_MEMBER, (item) => mine?.has(courses[item]!.id) ?? false);
    top.forEach((item, rank) => {
      const why = reasonFor(data, model, user, item, (index) => finished.get(memberId)?.has(courses[index]!.id) ?? false);
      rows.push({ communityId, memberId, courseId: courses[item]!.id, rank: rank + 1, reason: why.reason, reasonCourseId: why.course === undefined ? null : courses[why.course]!.id });
    });
  });
  const similar = similarOf(model, data).flatMap((list, item) => list.map((other, rank) => ({ communityId, courseId: courses[item]!.id, similarCourseId: courses[other.item]!.id, rank: rank + 1, score: other.score })));
  const durationMs = Math.round(performance.now() - started);
  const run: TrainingRun = { members: memberIds.length, courses: courses.length, interactions: data.byUser.indices.length, params, validationRecall: tuning?.validation.recall ?? null, durationMs };
  await deps.db.transaction(async (tx) => {
    await tx.delete(recommendations).where(eq(recommendations.communityId, communityId));
    await tx.delete(similarCourses).where(eq(similarCourses.communityId, communityId));
    for (let at = 0; at < rows.length; at += INSERT_BATCH) await tx.insert(recommendations).values(rows.slice(at, at + INSERT_BATCH));
    for (let at = 0; at < similar.length; at += INSERT_BATCH) await tx.insert(similarCourses).values(similar.slice(at, at + INSERT_BATCH));
    await tx.insert(recommenderRuns).values({ communityId, ...run, params: { ...params } });
  });
  return run;
}

async function finishedCourses(db: CoreDeps['db'], communityId: string): Promise<Map<string, Set<string>>> {
  const rows = await db.execute<{ member_id: string; course_id: string }>(sql`select member_id, course_id from enrollments where community_id = ${communityId} and completed_at is not null`);
  const finished = new Map<string, Set<string>>();
  for (const row of rows) finished.set(row.member_id, (finished.get(row.member_id) ?? new Set()).add(row.course_id));
  return finished;
}

/** W[i][j], or 0: rows are sorted by column, so a binary search. */
function weightAt(matrix: Csr, row: number, column: number): number {
  let low = matrix.indptr[row]!;
  let high = matrix.indptr[row + 1]! - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const found = matrix.indices[middle]!;
    if (found === column) return matrix.values[middle]!;
    if (found < column) low = middle + 1;
    else high = middle - 1;
  }
  return 0;
}

/**
 * Why `item` is recommended to `user`: the member's course that leads to it most through other
 * members (finished, or just taken), else the one most like it, else popularity (in a category
 * of theirs, or in the community).
 */
function reasonFor(data: TrainingData, model: HybridModel, user: number, item: number, isFinished: (item: number) => boolean): { reason: RecommendationReason; course?: number } {
  const { items, weights } = profile(data, user);
  let best = { course: -1, weight: 0 };
  let similar = { course: -1, weight: 0 };
  for (let n = 0; n < items.length; n += 1) {
    const recency = weights[n]! * model.params.recency ** (items.length - 1 - n);
    const walk = recency * weightAt(model.cf, items[n]!, item);
    if (walk > best.weight) best = { course: items[n]!, weight: walk };
    const alike = recency * weightAt(model.content, items[n]!, item);
    if (alike > similar.weight) similar = { course: items[n]!, weight: alike };
  }
  if (best.course >= 0) return { reason: isFinished(best.course) ? 'finished' : 'took', course: best.course };
  if (similar.course >= 0 && model.params.content > 0) return { reason: 'similar', course: similar.course };
  const category = data.features[item]![0];
  return { reason: items.some((mine) => data.features[mine]![0] === category) ? 'popular_category' : 'popular' };
}

/** Per course, the courses most like it: its walk neighbours and its content neighbours, blended as the model blends them. */
function similarOf(model: HybridModel, data: TrainingData): Array<Array<{ item: number; score: number }>> {
  const items = data.byItem.rows;
  const scores = new Float64Array(items);
  const candidates = allIndices(items);
  return Array.from({ length: items }, (_, item) => {
    scores.fill(0);
    let best = 0;
    for (let at = model.cf.indptr[item]!; at < model.cf.indptr[item + 1]!; at += 1) best = Math.max(best, model.cf.values[at]!);
    for (let at = model.cf.indptr[item]!; at < model.cf.indptr[item + 1]!; at += 1) scores[model.cf.indices[at]!]! += model.cf.values[at]! / best;
    // Content counts at least a little, so a course nobody has taken yet still has neighbours.
    const contentWeight = Math.max(model.params.content, 0.1);
    for (let at = model.content.indptr[item]!; at < model.content.indptr[item + 1]!; at += 1) scores[model.content.indices[at]!]! += contentWeight * model.content.values[at]!;
    return Array.from(topK(scores, candidates, SIMILAR_PER_COURSE, (other) => other === item || scores[other]! <= 0)).map((other) => ({ item: other, score: scores[other]! }));
  });
}
