import { describe, expect, it } from 'vitest';
import { allSettledOrThrow } from './settle';

describe('allSettledOrThrow', () => {
  it('gives the values in order, typed per position', async () => {
    const [a, b] = await allSettledOrThrow([Promise.resolve(1), Promise.resolve('two')]);
    expect([a, b]).toEqual([1, 'two']);
  });

  it('fails only once every promise has settled, with the first failure in the order given', async () => {
    let releaseSlow!: () => void;
    let slowDone = false;
    const slow = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    }).then(() => {
      slowDone = true;
    });
    let failedAt: boolean | undefined;
    const all = allSettledOrThrow([
      slow,
      Promise.reject(new Error('first refused')),
      Promise.reject(new Error('second refused')),
    ]).catch((error: Error) => {
      failedAt = slowDone;
      return error;
    });
    // The refusals are known, the slow read is still running: nothing is reported yet.
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(failedAt).toBeUndefined();
    releaseSlow();
    const error = await all;
    expect((error as Error).message).toBe('first refused');
    expect(failedAt).toBe(true);
  });
});
