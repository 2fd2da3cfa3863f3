/**
 * The k best of `candidates` by `scores`, best first; equal scores go to the lower index (the
 * evaluation protocol's tie rule). A min-heap of size k: O(n log k).
 */
export function topK(scores: ArrayLike<number>, candidates: ArrayLike<number>, k: number, skip?: (index: number) => boolean): Int32Array {
  const heap = new Int32Array(Math.max(0, k));
  let size = 0;
  // `a` ranks below `b`: a lower score, or the same score and a higher index.
  const worse = (a: number, b: number) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const siftDown = (from: number) => {
    let at = from;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let worst = at;
      if (left < size && worse(heap[left]!, heap[worst]!)) worst = left;
      if (right < size && worse(heap[right]!, heap[worst]!)) worst = right;
      if (worst === at) return;
      [heap[at], heap[worst]] = [heap[worst]!, heap[at]!];
      at = worst;
    }
  };
  for (let n = 0; n < candidates.length; n += 1) {
    const index = candidates[n]!;
    if (skip?.(index)) continue;
    if (size < k) {
      heap[size] = index;
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(heap[at]!, heap[parent]!)) break;
        [heap[at], heap[parent]] = [heap[parent]!, heap[at]!];
        at = parent;
      }
    } else if (k > 0 && worse(heap[0]!, index)) {
      heap[0] = index;
      siftDown(0);
    }
  }
  const result = Array.from(heap.subarray(0, size)).sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  return Int32Array.from(result);
}

/** 0..n-1, the candidates when every index may win. */
export const allIndices = (n: number): Int32Array => Int32Array.from({ length: n }, (_, index) => index);
