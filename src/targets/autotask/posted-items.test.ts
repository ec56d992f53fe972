import { describe, expect, it } from 'vitest';
import type { TargetContract } from '../../core/ports/target';
import { parsePlainDate } from '../../core/time/plain-date';
import { withPostedItems } from './posted-items';

const contract = (id: string, start: string, postedThrough?: string): TargetContract => ({
  id,
  companyId: 'c',
  name: id,
  recurring: true,
  active: true,
  startDate: parsePlainDate(start),
  endDate: undefined,
  ...(postedThrough ? { postedThrough: parsePlainDate(postedThrough) } : {}),
});

describe('posted periods from BillingItems', () => {
  it('a recurring item posts its whole contract period; the later of rows and items wins', () => {
    const items = [
      { id: 1, contractID: 10, contractServicePeriodID: 7, itemDate: '2026-02-10T00:00:00Z' },
      { id: 2, contractID: 11, contractServicePeriodID: 8, itemDate: '2026-01-15T00:00:00Z' },
      // A charge's item (no contract service period) posts no recurring period.
      { id: 3, contractID: 12, contractServicePeriodID: null, itemDate: '2026-05-01T00:00:00Z' },
    ];
    const out = withPostedItems(
      [
        contract('10', '2025-01-01'),
        contract('11', '2025-06-15', '2026-03-14'),
        contract('12', '2025-01-01'),
      ],
      items,
    );
    expect(out.map((c) => c.postedThrough)).toEqual(['2026-02-28', '2026-03-14', undefined]);
  });
});
