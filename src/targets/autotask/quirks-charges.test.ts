import { describe, expect, it } from 'vitest';
import { dec } from '../../core/money/decimal';
import type { PlainDate } from '../../core/time/plain-date';
import { chargeMarker, chargeUnits, parseChargeMarker } from './quirks-charges';

describe('charge quirks', () => {
  it('builds and parses billsync marker: service, month, sequence', () => {
    const marker = chargeMarker('29683903', '2026-03-05' as PlainDate, 2);
    expect(marker).toBe('billsync:29683903:2026-03:2');
    expect(marker.length).toBeLessThanOrEqual(50);
    expect(parseChargeMarker(marker)).toEqual({ serviceId: '29683903', month: '2026-03', sequence: 2 });
    expect(parseChargeMarker(' BILLSYNC:1:2026-12:10 ')).toEqual({
      serviceId: '1',
      month: '2026-12',
      sequence: 10,
    });
    for (const other of ['PO-4711', 'billsync:1:2026-13:1', 'billsync:1:2026-03:0', null, 7]) {
      expect(parseChargeMarker(other), String(other)).toBeUndefined();
    }
    expect(() => chargeMarker('svc-1', '2026-03-05' as PlainDate, 1)).toThrow(RangeError);
    expect(() => chargeMarker('1', '2026-03-05' as PlainDate, 0)).toThrow(RangeError);
  });

  it('a credit is one unit of -1 at the absolute amounts; opposite signs are refused', () => {
    const text = (u: ReturnType<typeof chargeUnits>) => [
      u.unitQuantity,
      u.unitPrice.toString(),
      u.unitCost.toString(),
    ];
    expect(text(chargeUnits(dec('12.34'), dec('10')))).toEqual([1, '12.34', '10']);
    expect(text(chargeUnits(dec('-12.34'), dec('-10')))).toEqual([-1, '12.34', '10']);
    expect(text(chargeUnits(dec('0'), dec('-1.5')))).toEqual([-1, '0', '1.5']);
    expect(() => chargeUnits(dec('5'), dec('-1'))).toThrow(RangeError);
  });
});
