import { describe, expect, it } from 'vitest';
import { NO_COMPANY } from './map-invoices';
import { usageEstimates } from './map-usage';
import { COMPANY, COMPANY_2 } from './test-fixtures';

describe('usage summaries', () => {
  it('sums the running month per company; unlinked resource groups stay apart', () => {
    const summary = (
      id: string,
      companyId: string | null,
      partnerTotal: number | string,
      currentCharges: number | string,
    ) => ({
      id,
      companyId,
      productId: 'p',
      subscriptionId: 's',
      resourceGroup: `rg-${id}`,
      vendorName: 'Microsoft',
      currentCharges,
      partnerTotal,
      currencyCode: 'USD',
      isTrial: false,
    });
    const got = usageEstimates(
      [
        summary('1', COMPANY, 86.456, 95.1),
        summary('2', COMPANY, '10.004', '11'),
        summary('3', COMPANY_2, 1, 2),
        summary('4', null, 3, 4),
      ],
      'USD',
    );
    expect(got.map((u) => [u.customerTenantId, u.cost.toString(), u.retail.toString(), u.summaries])).toEqual(
      [
        [NO_COMPANY, '3', '4', 1],
        [COMPANY, '96.46', '106.1', 2],
        [COMPANY_2, '1', '2', 1],
      ],
    );
  });
});
