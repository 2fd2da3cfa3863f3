import { type Csr, csrFromRows } from './matrix.ts';
import { topK } from './top-k.ts';

/** A feature carried by more than this share of items says nothing about any of them (and would make the pass quadratic). */
const MAX_FEATURE_SHARE = 0.25;

/**
 * Item-to-item content similarity: the cosine of TF-IDF vectors over each item's features
 * (`category:…`, `tag:…`, `level:…`, `lang:…`, words of its text), the `neighbours` most similar
 * kept per item. Computed through an inverted index, so only items sharing a feature meet.
 */
export function contentSimilarity(features: string[][], neighbours: number): Csr {
  const items = features.length;
  const ids = new Map<string, number>();
  const rows = features.map((list) => {
    const counts = new Map<number, number>();
    for (const feature of list) {
      let id = ids.get(feature);
      if (id === undefined) ids.set(feature, (id = ids.size));
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  });
  const postings: number[][] = Array.from({ length: ids.size }, () => []);
  rows.forEach((counts, item) => {
    for (const id of counts.keys()) postings[id]!.push(item);
  });
  const idf = postings.map((list) => (list.length > Math.max(1, MAX_FEATURE_SHARE * items) ? 0 : Math.log(1 + items / list.length)));
  const vectors = rows.map((counts) => {
    const entries = [...counts].map(([id, count]) => [id, (1 + Math.log(count)) * idf[id]!] as const).filter(([, weight]) => weight > 0);
    const norm = Math.hypot(...entries.map(([, weight]) => weight)) || 1;
    return entries.map(([id, weight]) => [id, weight / norm] as const);
  });
  const weightOf = vectors.map((vector) => new Map(vector));
  const accumulator = new Float64Array(items);
  const touched = new Int32Array(items);
  const result = [];
  for (let item = 0; item < items; item += 1) {
    let count = 0;
    for (const [id, weight] of vectors[item]!) {
      for (const other of postings[id]!) {
        if (other === item) continue;
        if (accumulator[other] === 0) touched[count++] = other;
        accumulator[other]! += weight * weightOf[other]!.get(id)!;
      }
    }
    const candidates = touched.subarray(0, count);
    const best = topK(accumulator, candidates, neighbours, (index) => accumulator[index]! <= 0).sort();
    result.push({ indices: best, values: Float32Array.from(best, (index) => accumulator[index]!) });
    for (const index of candidates) accumulator[index] = 0;
  }
  return csrFromRows(items, items, result);
}
