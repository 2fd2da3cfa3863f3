/**
 * The member × course matrix in compressed sparse rows (typed arrays), both ways round: rows of a
 * user are their items in time order (oldest first) with a weight each; rows of an item are its
 * users. Users and items are dense indices 0..n-1; callers keep the mapping to their own ids.
 */
export type Csr = { rows: number; cols: number; indptr: Int32Array; indices: Int32Array; values: Float32Array };

export type Interaction = { user: number; item: number; weight: number };

export type UserItems = { byUser: Csr; byItem: Csr };

/** Builds both views; `interactions` must be in time order per user (the order kept in the rows). A repeated pair keeps the first. */
export function buildUserItems(interactions: Interaction[], users: number, items: number): UserItems {
  const counts = new Int32Array(users + 1);
  const seen = new Set<number>();
  const kept: Interaction[] = [];
  for (const entry of interactions) {
    const key = entry.user * items + entry.item;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(entry);
    counts[entry.user + 1]! += 1;
  }
  const byUser = fromCounts(users, items, counts, kept.length);
  const cursor = byUser.indptr.slice(0, users);
  for (const entry of kept) {
    const at = cursor[entry.user]!++;
    byUser.indices[at] = entry.item;
    byUser.values[at] = entry.weight;
  }
  return { byUser, byItem: transpose(byUser) };
}

function fromCounts(rows: number, cols: number, counts: Int32Array, nnz: number): Csr {
  const indptr = new Int32Array(rows + 1);
  for (let row = 0; row < rows; row += 1) indptr[row + 1] = indptr[row]! + counts[row + 1]!;
  return { rows, cols, indptr, indices: new Int32Array(nnz), values: new Float32Array(nnz) };
}

/** The transpose, its rows' entries in ascending column order. */
export function transpose(matrix: Csr): Csr {
  const counts = new Int32Array(matrix.cols + 1);
  for (let at = 0; at < matrix.indices.length; at += 1) counts[matrix.indices[at]! + 1]! += 1;
  const result = fromCounts(matrix.cols, matrix.rows, counts, matrix.indices.length);
  const cursor = result.indptr.slice(0, matrix.cols);
  for (let row = 0; row < matrix.rows; row += 1) {
    for (let at = matrix.indptr[row]!; at < matrix.indptr[row + 1]!; at += 1) {
      const target = cursor[matrix.indices[at]!]!++;
      result.indices[target] = row;
      result.values[target] = matrix.values[at]!;
    }
  }
  return result;
}

/** Rows from (row, col, value) lists already grouped by row in ascending row order. */
export function csrFromRows(rows: number, cols: number, perRow: Array<{ indices: ArrayLike<number>; values: ArrayLike<number> }>): Csr {
  const counts = new Int32Array(rows + 1);
  let nnz = 0;
  perRow.forEach((row, index) => {
    counts[index + 1] = row.indices.length;
    nnz += row.indices.length;
  });
  const result = fromCounts(rows, cols, counts, nnz);
  perRow.forEach((row, index) => {
    result.indices.set(row.indices, result.indptr[index]!);
    result.values.set(row.values, result.indptr[index]!);
  });
  return result;
}
