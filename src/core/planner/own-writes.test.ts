import { describe, expect, it } from 'vitest';
import { dec } from '../money/decimal';
import type { TargetContractLine, TargetSnapshot, TargetUnitSegment } from '../ports/target';
import { parsePlainDate as d, type PlainDate } from '../time/plain-date';
import { type OwnAdjustment, withOwnWrites } from './own-writes';

const contract = {
  id: 'C1',
  companyId: 'A',
  name: 'Contoso',
  recurring: true,
  active: true,
  startDate: d('2026-01-01'),
  endDate: d('2026-12-31'),
};

function snapshot(lines: TargetContractLine[], unitSegments: TargetUnitSegment[]): TargetSnapshot {
  return {
    takenAt: '2026-02-10T00:00:00Z',
    companies: [],
    contracts: [contract],
    billingCodes: [],
    products: [],
    contractLines: lines,
    unitSegments,
  };
}

const line = (id: string, productId: string, until?: string): TargetContractLine => ({
  id,
  contractId: 'C1',
  productId,
  unitPrice: dec('36.5'),
  unitCost: dec('30'),
  ...(until ? { unitsReadUntil: d(until) } : {}),
});

const seg = (
  lineId: string,
  start: string,
  end: string,
  units: number,
  price = '36.5',
): TargetUnitSegment => ({
  contractLineId: lineId,
  contractId: 'C1',
  productId: lineId === 'L1' ? 'P1' : 'P2',
  start: d(start),
  end: d(end),
  units: dec(units),
  price: dec(price),
  cost: dec('30'),
  posted: false,
});

const adj = (day: string, change: number, over: Partial<OwnAdjustment> = {}): OwnAdjustment => ({
  contractId: 'C1',
  productId: 'P1',
  contractLineId: 'L1',
  effectiveDate: d(day) as PlainDate,
  unitChange: dec(change),
  unitPrice: undefined,
  unitCost: undefined,
  ...over,
});

const shown = (s: TargetSnapshot, lineId: string) =>
  s.unitSegments
    .filter((x) => x.contractLineId === lineId)
    .map((x) => `${x.start}..${x.end} ${x.units.toFixed()} @${x.price?.toFixed()}`);

describe("withOwnWrites (billsync's writes on the days the PSA has no rows for yet)", () => {
  it('adds a change dated in a coming period to the carried state, and keeps what the rows show', () => {
    // Rows to 28 Feb (the current period); 5 seats carried to the contract end. billsync wrote +3 on 1 Mar.
    const s = snapshot(
      [line('L1', 'P1', '2026-03-01')],
      [seg('L1', '2026-01-01', '2026-03-01', 5), seg('L1', '2026-03-01', '2027-01-01', 5)],
    );
    const out = withOwnWrites(s, [adj('2026-02-15', 1), adj('2026-03-01', 3, { unitPrice: dec('34') })]);
    expect(shown(out, 'L1')).toEqual(['2026-01-01..2026-03-01 5 @36.5', '2026-03-01..2027-01-01 8 @34']);
  });

  it('a line the write created has no rows: it starts with that write, in the order written', () => {
    const s = snapshot([line('L2', 'P2', '2026-01-01')], []);
    const out = withOwnWrites(s, [
      adj('2026-03-01', 3, { productId: 'P2', contractLineId: undefined, unitPrice: dec('36.5') }),
      adj('2026-04-10', -1, { productId: 'P2', contractLineId: 'L2' }),
      adj('2026-04-10', 2, { productId: 'P2', contractLineId: 'L2', unitPrice: dec('40') }),
    ]);
    expect(shown(out, 'L2')).toEqual(['2026-03-01..2026-04-10 3 @36.5', '2026-04-10..2027-01-01 4 @40']);
  });

  it('leaves lines read to the end, writes before the rows stop, and other lines alone', () => {
    const read = seg('L1', '2026-01-01', '2027-01-01', 5);
    const s = snapshot([line('L1', 'P1')], [read]);
    expect(withOwnWrites(s, [adj('2026-03-01', 3)])).toBe(s);
    const carried = snapshot(
      [line('L1', 'P1', '2026-03-01')],
      [seg('L1', '2026-01-01', '2026-03-01', 5), seg('L1', '2026-03-01', '2027-01-01', 5)],
    );
    expect(shown(withOwnWrites(carried, [adj('2026-02-01', 3)]), 'L1')).toEqual(shown(carried, 'L1'));
    // A write to another line of the product, or a creation when the contract has two lines of it.
    const two = snapshot([line('L1', 'P1', '2026-03-01'), line('L3', 'P1', '2026-03-01')], []);
    expect(
      withOwnWrites(two, [
        adj('2026-03-05', 3, { contractLineId: 'L9' }),
        adj('2026-03-06', 1, { contractLineId: undefined }),
      ]).unitSegments,
    ).toEqual([]);
  });
});
