import { describe, expect, test } from 'vitest';
import { type Accepts, mergeSwitches, orThrow } from './switches';

interface Rules {
  mode: 'a' | 'b';
  ttl: number;
}
const TABLE: Record<keyof Rules, Accepts> = {
  mode: { oneOf: ['a', 'b'] },
  ttl: { number: { integer: true, min: 1 } },
};
const CURRENT: Rules = { mode: 'a', ttl: 10 };

describe('mergeSwitches', () => {
  test('applies a partial patch and leaves the current value alone', () => {
    expect(mergeSwitches('rules', TABLE, CURRENT, { mode: 'b' })).toEqual({
      ok: true,
      value: { mode: 'b', ttl: 10 },
    });
    expect(mergeSwitches('rules', TABLE, CURRENT, undefined)).toEqual({ ok: true, value: CURRENT });
    expect(CURRENT.mode).toBe('a');
  });

  test('names the first bad key: unknown, outside the list, not an integer, below the minimum, not an object', () => {
    const error = (patch: unknown) => {
      const r = mergeSwitches('rules', TABLE, CURRENT, patch);
      return r.ok ? undefined : r.error;
    };
    expect(error({ nope: 1 })).toBe('rules.nope: unknown switch');
    expect(error({ mode: 'c' })).toBe('rules.mode: must be "a" | "b", got "c"');
    expect(error({ ttl: 1.5 })).toBe('rules.ttl: must be an integer >= 1, got 1.5');
    expect(error({ ttl: 0 })).toBe('rules.ttl: must be an integer >= 1, got 0');
    expect(error([1])).toBe('rules: must be an object');
    expect(() => orThrow(mergeSwitches('rules', TABLE, CURRENT, { mode: 'c' }))).toThrow('rules.mode');
  });
});
