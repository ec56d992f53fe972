import { describe, expect, it } from 'vitest';
import { dec } from '../../core/money/decimal';
import type { TargetContract, TargetContractLine, TargetUnitSegment } from '../../core/ports/target';
import { parsePlainDate as d } from '../../core/time/plain-date';
import { lineSegments, withUnitsReadUntil } from './unit-segments';

const contract: TargetContract = {
  id: 'C1',
  companyId: 'A',
  name: 'Contoso',
  recurring: true,
  active: true,
  startDate: d('2026-01-01'),
  endDate: d('2026-12-31'),
};
const line = (id: string): TargetContractLine => ({
  id,
  contractId: 'C1',
  productId: `P${id}`,
  unitPrice: dec('10'),
  unitCost: dec('8'),
});
const row = (lineId: string, start: string, end: string, units: number): TargetUnitSegment => ({
  contractLineId: lineId,
  contractId: 'C1',
  productId: `P${lineId}`,
  start: d(start),
  end: d(end),
  units: dec(units),
  price: dec('10'),
  cost: dec('8'),
  posted: false,
});

describe('rows only up to the current period (§8 Q7)', () => {
  const rows = [
    // Read to the contract's end.
    row('1', '2026-01-01', '2027-01-01', 4),
    // Rows up to the current period (February) only.
    row('2', '2026-01-01', '2026-02-01', 2),
    row('2', '2026-02-01', '2026-03-01', 3),
  ];
  const lines = withUnitsReadUntil([line('1'), line('2'), line('3')], rows, new Map([['C1', contract]]));

  it('tells per line from which day it has no rows: none, the day after the last, all (a line a write created)', () => {
    expect(lines.map((l) => l.unitsReadUntil)).toEqual([undefined, '2026-03-01', '2026-01-01']);
  });

  it('carries the last row to the contract end, never 0 units', () => {
    const two = lineSegments(rows.slice(1), contract.endDate);
    expect(two.map((s) => `${s.start}..${s.end} ${s.units.toFixed()}`)).toEqual([
      '2026-01-01..2026-02-01 2',
      '2026-02-01..2026-03-01 3',
      '2026-03-01..2027-01-01 3',
    ]);
  });
});
