import { describe, expect, it } from 'vitest';
import { AZURE, priceEntry } from '../../../test/support/planner-fixtures';
import { offerKeyText } from '../model/source';
import { parsePlainDate as d } from '../time/plain-date';
import { entriesOfOffer, entryOn } from './pricing';

describe('entriesOfOffer', () => {
  it("gives one offer's entries in list order, from a list indexed once", () => {
    const other = { ...AZURE, productId: 'CFQ7TTC0LH18', skuId: '0001' };
    const list = [
      priceEntry(other, '10', '12', '2024-01-01', '2024-06-01'),
      priceEntry(AZURE, '0', '0'),
      priceEntry(other, '11', '13', '2024-06-01'),
    ];
    expect(entriesOfOffer(list, offerKeyText(other)).map((e) => e.cost.amount.toString())).toEqual([
      '10',
      '11',
    ]);
    expect(entriesOfOffer(list, offerKeyText(AZURE))).toEqual([list[1]]);
    expect(entriesOfOffer(list, 'nothing')).toEqual([]);
    // Another list is indexed on its own.
    expect(entriesOfOffer([list[0] as (typeof list)[0]], offerKeyText(other))).toHaveLength(1);
  });
});

describe('entryOn: the price-list row in force on a day', () => {
  const o = { ...AZURE, productId: 'CFQ7TTC0LH18', skuId: '0001' };
  it("a later list's row supersedes an earlier open-ended one (monthly lists name only the rows in force)", () => {
    // February's list: 6.30 / 7.56 from 15 Feb, open-ended; April's list: 6.60 / 7.92 from 1 Apr, open-ended.
    const rows = [
      priceEntry(o, '6.00', '7.20', '2025-10-01', '2026-02-15'),
      priceEntry(o, '6.30', '7.56', '2026-02-15'),
      priceEntry(o, '6.60', '7.92', '2026-04-01'),
    ];
    const retail = (day: string) => {
      const e = entryOn(rows, d(day));
      return typeof e === 'object' ? e.retail.amount.toFixed(2) : e;
    };
    expect(retail('2026-02-14')).toBe('7.20');
    expect(retail('2026-03-31')).toBe('7.56');
    expect(retail('2026-04-01')).toBe('7.92');
    expect(retail('2026-06-10')).toBe('7.92');
  });

  it('is ambiguous only when rows starting on the same latest day disagree', () => {
    const same = [priceEntry(o, '6.30', '7.56', '2026-02-15'), priceEntry(o, '6.30', '7.56', '2026-02-15')];
    expect(typeof entryOn(same, d('2026-03-01'))).toBe('object');
    const clash = [priceEntry(o, '6.30', '7.56', '2026-02-15'), priceEntry(o, '6.40', '7.68', '2026-02-15')];
    expect(entryOn(clash, d('2026-03-01'))).toBe('ambiguous');
    expect(entryOn(clash, d('2026-02-01'))).toBeUndefined();
  });
});
