/**
 * A copy of a string that does not keep a larger string alive. Fields are cut out of a file chunk as V8 "sliced
 * strings" that reference the whole chunk; a long-lived one (a cache key, a customer name kept for the whole
 * import) would keep every chunk it came from in memory (~100 MB on a 100k-row file). Concatenating flattens into
 * a new string; slicing that drops the extra character.
 */
export function detach(value: string): string {
  return ` ${value}`.slice(1);
}

/** Entries a cache may hold before it starts over (bounds memory on odd files). */
const CACHE_LIMIT = 20_000;

/**
 * Values derived from texts, computed once per distinct text. Consecutive rows of a Microsoft file often repeat a
 * value (the same customer, dates, prices), so the last key is checked first: a string compare is cheaper than
 * hashing a freshly sliced string for a map lookup. Keys and string values are detached from their file chunk.
 * `compute` gets the key and an optional argument, so callers on the hot path pass a static function instead of
 * allocating a closure per row.
 */
export class TextCache<T> {
  private lastKey: string | undefined;
  private lastValue: T | undefined;
  private readonly map = new Map<string, T>();

  get(key: string, compute: (key: string) => T): T {
    if (key === this.lastKey) return this.lastValue as T;
    // One lookup in the usual case; `has` only tells a cached undefined from a missing entry.
    let value = this.map.get(key);
    if (value === undefined && !this.map.has(key)) value = this.store(key, compute(key));
    this.lastKey = key;
    this.lastValue = value;
    return value as T;
  }

  /** `get`, computing a missing value as `compute(arg, key)`. */
  getWith<A>(key: string, arg: A, compute: (arg: A, key: string) => T): T {
    if (key === this.lastKey) return this.lastValue as T;
    let value = this.map.get(key);
    if (value === undefined && !this.map.has(key)) value = this.store(key, compute(arg, key));
    this.lastKey = key;
    this.lastValue = value;
    return value as T;
  }

  private store(key: string, computed: T): T {
    const value = (typeof computed === 'string' ? detach(computed) : computed) as T;
    if (this.map.size >= CACHE_LIMIT) this.map.clear();
    this.map.set(detach(key), value);
    return value;
  }
}
