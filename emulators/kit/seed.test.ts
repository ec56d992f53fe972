import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, endOfMonth, isDate, toDate } from './dates';
import { expandRelativeDates, readJsonFile, resolveSeedArg } from './seed';

describe('date helpers', () => {
  it('does UTC calendar arithmetic', () => {
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-11-15', 3)).toBe('2027-02-15');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-15');
    expect(endOfMonth('2028-02-10')).toBe('2028-02-29');
    expect(daysBetween('2026-01-01', '2026-03-01')).toBe(59);
    expect(toDate('2026-09-01T00:00:00Z')).toBe('2026-09-01');
    expect(isDate('2026-02-30')).toBe(false);
    expect(isDate('2026-02-28')).toBe(true);
  });
});

describe('seed helpers', () => {
  it('expands relative date tokens recursively', () => {
    const out = expandRelativeDates(
      {
        a: '@today',
        b: ['@today+3d', '@today-1m'],
        c: { d: '@monthStart+1m', e: '@monthEnd', f: 'x@today' },
      },
      '2026-03-15',
    );
    expect(out).toEqual({
      a: '2026-03-15',
      b: ['2026-03-18', '2026-02-15'],
      c: { d: '2026-04-01', e: '2026-03-31', f: 'x@today' },
    });
  });

  it('resolves demo or a JSON file, and names the file in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-seed-'));
    const file = join(dir, 'seed.json');
    writeFileSync(file, '{"x":1}');
    const opts = { demo: () => ({ x: 0 }), parse: (raw: unknown) => raw as { x: number } };
    expect(resolveSeedArg('demo', opts)).toEqual({ x: 0 });
    expect(resolveSeedArg(undefined, opts)).toEqual({ x: 0 });
    expect(resolveSeedArg(file, opts)).toEqual({ x: 1 });
    writeFileSync(file, '{nope');
    expect(() => readJsonFile(file)).toThrow(/not valid JSON/);
    expect(() => readJsonFile(join(dir, 'missing.json'))).toThrow(/Cannot read seed file/);
  });
});
