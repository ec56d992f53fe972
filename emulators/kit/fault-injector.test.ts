import { describe, expect, it } from 'vitest';
import { createFaultInjector, globToRegExp } from './fault-injector';

describe('globToRegExp', () => {
  it('matches one segment with * and many with **, case-insensitively', () => {
    expect(globToRegExp('/a/*/c').test('/A/b/C')).toBe(true);
    expect(globToRegExp('/a/*/c').test('/a/b/x/c')).toBe(false);
    expect(
      globToRegExp('**/ServiceAdjustments').test('/atservicesrest/v1.0/contracts/7/serviceadjustments'),
    ).toBe(true);
    expect(globToRegExp('/x.y').test('/xzy')).toBe(false);
  });
});

describe('createFaultInjector', () => {
  it('fires a rule for N matching requests, by method and path', () => {
    const faults = createFaultInjector();
    const rule = faults.inject({ kind: '500', method: 'post', path: '**/Services', count: 2 });
    expect(faults.take('GET', '/v1.0/Services')).toBeUndefined();
    expect(faults.take('POST', '/v1.0/Companies')).toBeUndefined();
    expect(faults.take('POST', '/v1.0/services')?.id).toBe(rule.id);
    expect(faults.take('POST', '/v1.0/Services')?.remaining).toBe(0);
    expect(faults.take('POST', '/v1.0/Services')).toBeUndefined();
    expect(faults.list()).toEqual([expect.objectContaining({ id: rule.id, hits: 2, remaining: 0 })]);
  });

  it('matches any method by default and applies rules in order', () => {
    const faults = createFaultInjector();
    faults.inject({ kind: '429', path: '/a', retryAfter: 3 });
    faults.inject({ kind: '503', path: '/a' });
    expect(faults.take('DELETE', '/a')).toMatchObject({ kind: '429', retryAfter: 3 });
    expect(faults.take('GET', '/a')?.kind).toBe('503');
  });

  it('clears one or all rules', () => {
    const faults = createFaultInjector();
    const a = faults.inject({ kind: 'hang', path: '/a' });
    faults.inject({ kind: 'slow', path: '/b', delayMs: 5 });
    expect(faults.clear(a.id)).toBe(1);
    expect(faults.list().map((r) => r.path)).toEqual(['/b']);
    expect(faults.clear()).toBe(1);
    expect(faults.list()).toEqual([]);
  });

  it('validates specs', () => {
    const faults = createFaultInjector();
    expect(() => faults.inject({ kind: 'boom' as never, path: '/a' })).toThrow(/kind/);
    expect(() => faults.inject({ kind: '500', path: '' })).toThrow(/path/);
    expect(() => faults.inject({ kind: '500', path: '/a', count: 0 })).toThrow(/count/);
    expect(() => faults.inject({ kind: 'slow', path: '/a', delayMs: -1 })).toThrow(/delayMs/);
  });
});

describe('spread faults', () => {
  it('fires an `every` rule on every Nth matching request, after its offset', () => {
    const f = createFaultInjector();
    f.inject({ kind: '503', path: '**', every: 4, offset: 1, count: 100 });
    const fired = Array.from({ length: 12 }, () => f.take('GET', '/x') !== undefined);
    expect(fired.map((x) => (x ? 1 : 0)).join('')).toBe('000010001000');
  });
});
