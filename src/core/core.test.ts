import { describe, expect, it } from 'vitest';
import { asId, isUuid } from './ids';
import { IntegrationError } from './integration-error';
import { err, mapResult, ok, unwrap } from './result';

describe('Result', () => {
  it('maps and unwraps', () => {
    expect(unwrap(mapResult(ok(2), (n) => n * 2))).toBe(4);
    expect(() => unwrap(err(new Error('boom')))).toThrow('boom');
    expect(mapResult(err('x'), (n: number) => n + 1)).toEqual({ ok: false, error: 'x' });
  });
});

describe('ids', () => {
  it('brands only UUIDs', () => {
    expect(isUuid('2f1c4b8e-6a3d-4c1b-9b7e-1f2a3b4c5d6e')).toBe(true);
    expect(() => asId('42')).toThrow(/not an id/);
  });
});

describe('IntegrationError', () => {
  it('derives retryable from its kind', () => {
    const mk = (kind: ConstructorParameters<typeof IntegrationError>[0]['kind']) =>
      new IntegrationError({ kind, message: kind, vendor: 'autotask' });
    expect(mk('rate_limited').retryable).toBe(true);
    expect(mk('unavailable').retryable).toBe(true);
    expect(mk('timeout').retryable).toBe(true);
    expect(mk('auth').retryable).toBe(false);
    expect(mk('validation').retryable).toBe(false);
    expect(mk('conflict').toJSON()).toMatchObject({ kind: 'conflict', retryable: false, vendor: 'autotask' });
  });
});
