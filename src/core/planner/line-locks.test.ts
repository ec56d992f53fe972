import { describe, expect, it } from 'vitest';
import { dec } from '../money/decimal';
import type { BillingPeriod } from '../time/billing-period';
import { parsePlainDate as d } from '../time/plain-date';
import { daySet } from './day-set';
import { diffLine } from './diff-line';
import { lineLocks, nextFreeDay } from './line-locks';
import { lockedGaps } from './locked-gaps';
import { projectedLine } from './projected-line';

const seg = (start: string, end: string | undefined, units: number, price = '10', cost = '8') => ({
  start: d(start),
  end: end === undefined ? undefined : d(end),
  state: { units: dec(units), price: dec(price), cost: dec(cost) },
});

describe('lines that change only on the first of a month (ConnectWise, decision 0012)', () => {
  const locks = lineLocks(d('2025-06-30'), [], 'month-start');

  it('locks every day but the 1st, and posted days before that', () => {
    expect(locks.reason(d('2025-07-01'))).toBeUndefined();
    expect(locks.reason(d('2025-07-02'))).toBe('period');
    expect(locks.reason(d('2025-06-01'))).toBe('posted');
    expect(lineLocks(undefined, []).reason(d('2025-07-02'))).toBeUndefined();
  });

  it('the next free day is the next 1st after the posted days', () => {
    expect(nextFreeDay(locks, d('2025-07-20'))).toBe('2025-08-01');
    expect(nextFreeDay(locks, d('2025-05-20'))).toBe('2025-07-01');
    expect(nextFreeDay(lineLocks(undefined, [d('2025-08-01')], 'month-start'), d('2025-07-20'))).toBe(
      '2025-09-01',
    );
  });

  it('a mid-month change is written on the next 1st and the days before it are money, to the cent', () => {
    // Wanted: 5 units from 1 Jul, 7 from 20 Jul (12 days of 31). The PSA has 5 from 1 Jul.
    const desired = [seg('2025-07-01', '2025-07-20', 5), seg('2025-07-20', undefined, 7)];
    const actual = [seg('2025-07-01', undefined, 5)];
    const decided = daySet([{ start: d('2025-07-01'), end: d('2025-08-15') }]);
    const sync = { price: true, cost: true, onCreateOnly: false };
    const diff = diffLine(desired, actual, {
      from: d('2025-07-01'),
      until: undefined,
      decided,
      locks,
      sync,
      base: { price: undefined, cost: undefined },
      newLine: false,
    });
    expect(diff.adjustments.map((a) => [a.effectiveDate, a.unitsAfter.toString()])).toEqual([
      ['2025-08-01', '7'],
    ]);
    expect(diff.locked).toEqual([{ day: d('2025-07-20'), fixedFrom: d('2025-08-01') }]);
    const projected = [seg('2025-07-01', '2025-08-01', 5), seg('2025-08-01', undefined, 7)];
    const gaps = lockedGaps({
      desired,
      projected,
      decided,
      locks,
      from: d('2025-07-01'),
      until: undefined,
      syncPrice: true,
      syncCost: true,
      base: { price: undefined, cost: undefined },
    });
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.month).toBe('2025-07');
    expect(gaps[0]!.reasons).toEqual(new Set(['period']));
    // 2 units x 10 x 12 / 31 and 2 x 8 x 12 / 31.
    expect(gaps[0]!.amount.round(2, 1).toString()).toBe('7.74');
    expect(gaps[0]!.cost.round(2, 1).toString()).toBe('6.19');
    expect(gaps[0]!.stretches).toEqual([{ start: d('2025-07-20'), end: d('2025-08-01') }]);
  });
});

describe('a new line that starts after its first days, under a strategy that keeps the PSA price', () => {
  // ConnectWise: 4 seats from 15 Feb 2026 (14 of 28 days); the addition can start only on 1 Mar. "Only sync cost
  // pricing": the line billsync creates takes the catalog price 26.40; the invoice's retail (28.00) is not used.
  // The days before the line exists are priced as the line will be, not at 0.
  const locks = lineLocks(undefined, [], 'month-start');
  const desired = [seg('2026-02-15', undefined, 4, '28.00', '22.44')];
  const decided = daySet([{ start: d('2026-02-15'), end: d('2026-03-01') }]);
  const base = { price: dec('26.40'), cost: dec('20.00') };
  const gapsFor = (syncCost: boolean) =>
    lockedGaps({
      desired,
      projected: [seg('2026-03-01', undefined, 4, '26.40', syncCost ? '22.44' : '20.00')],
      decided,
      locks,
      from: d('2026-02-15'),
      until: undefined,
      syncPrice: false,
      syncCost,
      base,
    });

  it('books the partial month at the catalog price (and cost, when the cost is not synced either)', () => {
    const costOnly = gapsFor(true);
    expect(costOnly).toHaveLength(1);
    // 4 x 26.40 x 14 / 28 and 4 x 22.44 x 14 / 28.
    expect(costOnly[0]!.amount.round(2, 1).toString()).toBe('52.8');
    expect(costOnly[0]!.cost.round(2, 1).toString()).toBe('44.88');
    const none = gapsFor(false);
    expect(none[0]!.amount.round(2, 1).toString()).toBe('52.8');
    expect(none[0]!.cost.round(2, 1).toString()).toBe('40');
  });
});

describe('a price set before a locked day whose adjustment set its own price (Autotask)', () => {
  // The line carries 29.99 (billsync's adjustments of 1 Dec and 12 Dec set it, under "Don't sync any pricing");
  // the strategy now follows the invoice, 31.00. Both days are taken: the line is put right from 2 Dec, and the
  // row of 12 Dec keeps the price its own adjustment set (under either reading of unitRowPrice), so 13 Dec must
  // set 31.00 again. Before: 2 Dec only, and billsync's check after writing found 29.99 from 12 Dec.
  const actual = [
    seg('2025-12-01', '2025-12-12', 10, '29.99', '21.50'),
    seg('2025-12-12', undefined, 12, '29.99', '21.50'),
  ];
  const desired = [
    seg('2025-12-01', '2025-12-12', 10, '31', '26'),
    seg('2025-12-12', undefined, 12, '31', '26'),
  ];
  const decided = daySet([{ start: d('2025-12-01'), end: d('2026-01-01') }]);
  const locks = lineLocks(undefined, [d('2025-12-01'), d('2025-12-12')]);
  const options = {
    from: d('2025-12-01'),
    until: undefined,
    decided,
    locks,
    sync: { price: true, cost: true, onCreateOnly: false },
    base: { price: undefined, cost: undefined },
    newLine: false,
  };

  it('sets the price again on the day after the priced, locked day', () => {
    const diff = diffLine(desired, actual, {
      ...options,
      pricedDays: new Set([d('2025-12-01'), d('2025-12-12')]),
    });
    expect(
      diff.adjustments.map((a) => [a.effectiveDate, a.unitsAfter.toString(), a.unitPrice?.toString()]),
    ).toEqual([
      ['2025-12-02', '10', '31'],
      ['2025-12-13', '12', '31'],
    ]);
    expect(diff.locked.map((l) => [l.day, l.fixedFrom])).toEqual([
      ['2025-12-01', '2025-12-02'],
      ['2025-12-12', '2025-12-13'],
    ]);
  });

  it('a day whose adjustment set no price (units only) carries the price set before it', () => {
    const diff = diffLine(desired, actual, { ...options, pricedDays: new Set([d('2025-12-01')]) });
    expect(diff.adjustments.map((a) => a.effectiveDate)).toEqual(['2025-12-02']);
  });
});

describe('months billsync booked charges in (a corrected invoice takes the change back)', () => {
  // Posted through 31 Jan; the line has 11 units all along and the invoices now want 11 too. billsync booked a
  // charge in January (for a 13-seat change the first invoice had); February has none.
  const g = (bookedMonths: Set<BillingPeriod>) =>
    lockedGaps({
      desired: [seg('2026-01-01', undefined, 11)],
      projected: [seg('2026-01-01', undefined, 11)],
      decided: daySet([{ start: d('2026-01-01'), end: d('2026-02-01') }]),
      locks: lineLocks(d('2026-01-31'), []),
      from: d('2026-01-01'),
      until: undefined,
      syncPrice: true,
      syncCost: true,
      base: { price: undefined, cost: undefined },
      bookedMonths,
    });

  it('returns each decided month with a charge, with a zero gap when no day differs any more', () => {
    expect(g(new Set())).toEqual([]);
    const [jan, ...rest] = g(new Set(['2026-01', '2026-03'] as BillingPeriod[]));
    expect(rest).toEqual([]);
    expect(jan).toMatchObject({ month: '2026-01', stretches: [], parts: [] });
    expect(jan!.amount.toFixed()).toBe('0');
  });

  it('also when no day is locked any more (the MSP un-posted the month)', () => {
    const gaps = lockedGaps({
      desired: [seg('2026-01-01', undefined, 11)],
      projected: [seg('2026-01-01', undefined, 11)],
      decided: daySet([{ start: d('2026-01-01'), end: d('2026-02-01') }]),
      locks: lineLocks(undefined, []),
      from: d('2026-01-01'),
      until: undefined,
      syncPrice: true,
      syncCost: true,
      base: { price: undefined, cost: undefined },
      bookedMonths: new Set(['2026-01' as BillingPeriod]),
    });
    expect(gaps.map((x) => x.month)).toEqual(['2026-01']);
  });
});

describe('an Azure plan line whose writes hold one month each (ConnectWise, `azureByMonth`)', () => {
  const locks = lineLocks(undefined, [], 'month-start');
  const sync = { price: true, cost: true, onCreateOnly: false };
  const base = { price: undefined, cost: undefined };
  // Two months of equal usage synced in one run: 1 unit at 1.10 (cost 1) over April and over May.
  const desired = [
    seg('2026-04-01', '2026-06-01', 1, '1.1', '1'),
    seg('2026-06-01', undefined, 0, '1.1', '1'),
  ];
  const decided = daySet([{ start: d('2026-04-01'), end: d('2026-06-01') }]);
  const options = { from: d('2026-04-01'), until: undefined, decided, locks, sync, base, newLine: true };
  const shown = (segments: ReturnType<typeof projectedLine>) =>
    segments.map((x) => `${x.start}..${x.end ?? 'open'} ${x.state.units.toString()}`);

  it('writes each decided month, also when it bills what the month before did', () => {
    const diff = diffLine(desired, [], { ...options, byMonth: true });
    expect(
      diff.adjustments.map((a) => [a.effectiveDate, a.unitsBefore.toString(), a.unitsAfter.toString()]),
    ).toEqual([
      ['2026-04-01', '0', '1'],
      ['2026-05-01', '0', '1'],
    ]);
    expect(shown(projectedLine([], diff.adjustments, base, new Set(), true))).toEqual([
      '2026-04-01..2026-06-01 1',
      '2026-06-01..open 0',
    ]);
    // Without it, one write holds both months (Autotask).
    expect(diffLine(desired, [], options).adjustments.map((a) => a.effectiveDate)).toEqual(['2026-04-01']);
  });

  it('the projection ends each write with its month, and a month already written needs nothing', () => {
    const april = diffLine(desired, [], { ...options, byMonth: true }).adjustments.slice(0, 1);
    expect(shown(projectedLine([], april, base, new Set(), true))).toEqual([
      '2026-04-01..2026-05-01 1',
      '2026-05-01..open 0',
    ]);
    const actual = [seg('2026-04-01', '2026-05-01', 1, '1.1', '1')];
    const diff = diffLine(desired, actual, { ...options, newLine: false, byMonth: true });
    expect(diff.adjustments.map((a) => [a.effectiveDate, a.unitsAfter.toString()])).toEqual([
      ['2026-05-01', '1'],
    ]);
  });
});
