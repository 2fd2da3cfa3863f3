/**
 * The member × course matrix in compressed sparse rows (typed arrays), both ways round: rows of a
 * user are their items in time order (oldest first) with a weight each; rows of an item are its
 * users. Users and items are dense indices 0..n-1; callers keep the mapping to their own ids.
 */
export type Csr = { rows: number; cols: number; indptr: Int32Array; indices: Int32Array; values: Float32Array };

/** Interactions as columns (one entry per index), in time order per user. */
export type Interactions = { users: Int32Array; items: Int32Array; weights: Float32Array; length: number };

export type UserItems = { byUser: Csr; byItem: Csr };

/** A growing columnar list of interactions. */
export class InteractionList implements Interactions {
  users = new Int32Array(1_024);
  items = new Int32Array(1_024);
  weights = new Float32Array(1_024);
  length = 0;

  push(user: number, item: number, weight: number): void {
    if (this.length === this.users.length) {
      const grow = <T extends Int32Array | Float32Array>(array: T, next: T) => (next.set(array), next);
      this.users = grow(this.users, new Int32Array(this.length * 2));
      this.items = grow(this.items, new Int32Array(this.length * 2));
      this.weights = grow(this.weights, new Float32Array(this.length * 2));
    }
    this.users[this.length] = user;
    this.items[this.length] = item;
    this.weights[this.length++] = weight;
  }
}

/**
 * Builds both views, each user's row in the order given (time order); a repeated (user, item)
 * pair keeps its first entry. Linear in the interactions, with one marker per item.
 */
export function buildUserItems(interactions: Interactions, users: number, items: number): UserItems {
  const counts = new Int32Array(users + 1);
  for (let n = 0; n < interactions.length; n += 1) counts[interactions.users[n]! + 1]! += 1;
  const rows = fromCounts(users, items, counts, interactions.length);
  const cursor = rows.indptr.slice(0, users);
  for (let n = 0; n < interactions.length; n += 1) {
    const at = cursor[interactions.users[n]!]!++;
    rows.indices[at] = interactions.items[n]!;
    rows.values[at] = interactions.weights[n]!;
  }
  // Repeats out, in place: `marker[item]` is the last row that had it (plus one).
  const marker = new Int32Array(items);
  const indptr = new Int32Array(users + 1);
  let write = 0;
  for (let user = 0; user < users; user += 1) {
    for (let at = rows.indptr[user]!; at < rows.indptr[user + 1]!; at += 1) {
      const item = rows.indices[at]!;
      if (marker[item] === user + 1) continue;
      marker[item] = user + 1;
      rows.indices[write] = item;
      rows.values[write++] = rows.values[at]!;
    }
    indptr[user + 1] = write;
  }
  const byUser: Csr = { rows: users, cols: items, indptr, indices: rows.indices.slice(0, write), values: rows.values.slice(0, write) };
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
