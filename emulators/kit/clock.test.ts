import { describe, expect, it } from 'vitest';
import { createClock } from './clock';

describe('createClock', () => {
  it('is frozen at its start by default and can be set and advanced', () => {
    const clock = createClock({ start: '2026-03-15T10:00:00Z' });
    expect(clock.ticking).toBe(false);
    expect(clock.today()).toBe('2026-03-15');
    clock.advance(86_400_000);
    expect(clock.now().toISOString()).toBe('2026-03-16T10:00:00.000Z');
    clock.set('2027-01-01');
    expect(clock.now().toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(clock.nowMs()).toBe(Date.parse('2027-01-01T00:00:00Z'));
  });

  it('ticks with real time when asked to', () => {
    let real = 1_000;
    const clock = createClock({ start: '2026-01-01T00:00:00Z', ticking: true, realNow: () => real });
    real += 5_000;
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:05.000Z');
    clock.advance(1_000);
    real += 1_000;
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:07.000Z');
  });

  it('rejects invalid instants', () => {
    expect(() => createClock({ start: 'not a date' })).toThrow(/Invalid instant/);
    expect(() => createClock().set('2026-13-45x')).toThrow();
  });
});
