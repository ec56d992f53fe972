import { describe, expect, it } from 'vitest';
import { AZURE, priceEntry } from '../../../test/support/planner-fixtures';
import { offerKeyText } from '../model/source';
import { entriesOfOffer } from './pricing';

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
