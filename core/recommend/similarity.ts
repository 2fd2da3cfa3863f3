import { type Csr, csrFromRows, transpose, type UserItems } from './matrix.ts';
import { topK } from './top-k.ts';

/**
 * Item-to-item weights for collaborative filtering, as rows of source items: a member's score
 * for item j is the sum, over the items i they have, of W[i][j]. Both are computed from who has
 * what (binary), one item at a time with a dense accumulator and the list of entries it touched,
 * so the cost is the sum over members of (items per member)², never items².
 */

/** Co-occurrence of one item with every other, through the members who have it: `weight(user)` per shared member. */
function accumulate(data: UserItems, item: number, accumulator: Float64Array, touched: Int32Array, weight: (user: number) => number): number {
  let count = 0;
  const { byItem, byUser } = data;
  for (let at = byItem.indptr[item]!; at < byItem.indptr[item + 1]!; at += 1) {
    const user = byItem.indices[at]!;
    const share = weight(user);
    for (let k = byUser.indptr[user]!; k < byUser.indptr[user + 1]!; k += 1) {
      const other = byUser.indices[k]!;
      if (other === item) continue;
      if (accumulator[other] === 0) touched[count++] = other;
      accumulator[other]! += share;
    }
  }
  return count;
}

const degree = (matrix: Csr, row: number) => matrix.indptr[row + 1]! - matrix.indptr[row]!;

/**
 * Cosine item-kNN with shrinkage: sim(i, j) = |U_i ∩ U_j| / (sqrt|U_i| · sqrt|U_j| + shrink),
 * the `neighbours` largest kept per target item j.
 */
export function itemKnn(data: UserItems, options: { shrink: number; neighbours: number }): Csr {
  const items = data.byItem.rows;
  const accumulator = new Float64Array(items);
  const touched = new Int32Array(items);
  const columns = [];
  for (let target = 0; target < items; target += 1) {
    const count = accumulate(data, target, accumulator, touched, () => 1);
    const norm = Math.sqrt(degree(data.byItem, target));
    for (let n = 0; n < count; n += 1) {
      const source = touched[n]!;
      accumulator[source] = accumulator[source]! / (norm * Math.sqrt(degree(data.byItem, source)) + options.shrink);
    }
    columns.push(keep(accumulator, touched, count, options.neighbours));
  }
  // Kept per target (rows = targets); scoring reads rows of sources.
  return transpose(csrFromRows(items, items, columns));
}

/**
 * RP3beta: a random walk item → member → item, W = P_iu · P_ui with each transition
 * probability raised to `alpha`, column j divided by pop(j)^beta (so popular items do not win by
 * being everywhere), the `neighbours` largest kept per source item.
 */
export function rp3beta(data: UserItems, options: { alpha: number; beta: number; neighbours: number }): Csr {
  const items = data.byItem.rows;
  const accumulator = new Float64Array(items);
  const touched = new Int32Array(items);
  const penalty = Float64Array.from({ length: items }, (_, item) => {
    const popularity = degree(data.byItem, item);
    return popularity ? popularity ** -options.beta : 0;
  });
  const rows = [];
  for (let source = 0; source < items; source += 1) {
    const fromItem = degree(data.byItem, source) ** -options.alpha;
    const count = accumulate(data, source, accumulator, touched, (user) => fromItem * degree(data.byUser, user) ** -options.alpha);
    for (let n = 0; n < count; n += 1) accumulator[touched[n]!]! *= penalty[touched[n]!]!;
    rows.push(keep(accumulator, touched, count, options.neighbours));
  }
  return csrFromRows(items, items, rows);
}

/** The `neighbours` largest touched entries (ascending column order), and the accumulator cleared. */
function keep(accumulator: Float64Array, touched: Int32Array, count: number, neighbours: number): { indices: Int32Array; values: Float32Array } {
  const candidates = touched.subarray(0, count);
  const best = topK(accumulator, candidates, neighbours, (index) => accumulator[index]! <= 0).sort();
  const values = Float32Array.from(best, (index) => accumulator[index]!);
  for (const index of candidates) accumulator[index] = 0;
  return { indices: best, values };
}
