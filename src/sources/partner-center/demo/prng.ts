/** A small seeded random source: the same seed gives the same demo data on every machine. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** true with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A random version-4-shaped GUID (lower case). */
  guid(): string;
  /** `n` characters from `alphabet`. */
  chars(n: number, alphabet?: string): string;
}

/** mulberry32 (Tommy Ettinger): 32-bit state, good enough spread for test data, trivially reproducible. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const chars = (n: number, alphabet = '0123456789abcdef') => {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[int(0, alphabet.length - 1)];
    return out;
  };
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    guid: () => `${chars(8)}-${chars(4)}-4${chars(3)}-${'89ab'[int(0, 3)]}${chars(3)}-${chars(12)}`,
    chars,
  };
}
