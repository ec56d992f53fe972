/**
 * Like `Promise.all`, but settles every promise before it fails: the first failure (in the order given) is thrown
 * once nothing is left running. The PSA adapters read in parallel; with `Promise.all`, a refused read returned at
 * once while its siblings went on calling the PSA (and holding its request places) for a caller that had moved on.
 */
export async function allSettledOrThrow<T extends readonly unknown[] | []>(
  values: T,
): Promise<{ -readonly [P in keyof T]: Awaited<T[P]> }> {
  const results = (await Promise.allSettled(values)) as PromiseSettledResult<unknown>[];
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as {
    -readonly [P in keyof T]: Awaited<T[P]>;
  };
}
