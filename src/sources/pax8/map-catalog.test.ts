import { describe, expect, it } from 'vitest';
import type { PlainDate } from '../../core/time';
import { priceListFromWire, productFromWire } from './map-catalog';
import { customerFromWire, websiteDomain } from './map-customers';
import { billingPlanOf, commitmentMonthsOf, termOf } from './terms';
import { BP, PRODUCT } from './test-fixtures';
import { companySchema, pricingSchema, type WirePricing } from './wire-types';
import { parseJsonLossless, wireDate } from './wire-values';

const FROM = '2026-01-01' as PlainDate;

/** A pricing row as `GET /products/{id}/pricing` sends it (pax8-api.md 2.3). */
const row = (over: Partial<WirePricing>): WirePricing =>
  pricingSchema.parse({
    productId: PRODUCT,
    productName: BP.name,
    billingTerm: 'Monthly',
    commitmentTerm: null,
    type: 'Flat',
    unitOfMeasurement: 'Each',
    rates: [
      {
        partnerBuyRate: 26.4,
        suggestedRetailPrice: 29.04,
        startQuantityRange: 0,
        endQuantityRange: null,
        chargeType: 'Per Unit',
      },
    ],
    ...over,
  });

const rates = (cost: number | string, retail: number | string) => [
  {
    partnerBuyRate: cost,
    suggestedRetailPrice: retail,
    startQuantityRange: 0,
    endQuantityRange: null,
    chargeType: 'Per Unit',
  },
];

describe('companies -> customers', () => {
  it('keys a customer by its Pax8 company id and carries name and website domain for matching', () => {
    const list = parseJsonLossless(
      '{"content":[{"id":"3D0617AC-57F6-40E3-951D-E91DA47A326B","name":" Contoso Dental ","website":"https://www.ContosoDental.com/about","status":"Active","updatedDate":"2023-08-11T11:33:12.314-0600"}],"page":{"size":10,"totalElements":1,"totalPages":1,"number":0}}',
    ) as { content: unknown[] };
    expect(customerFromWire(companySchema.parse(list.content[0]))).toEqual({
      tenantId: '3d0617ac-57f6-40e3-951d-e91da47a326b',
      name: 'Contoso Dental',
      defaultDomain: 'contosodental.com',
    });
    expect(websiteDomain('contoso.co.uk')).toBe('contoso.co.uk');
    expect(websiteDomain('www2.fabrikam.com:8443/x?y')).toBe('fabrikam.com');
    expect(websiteDomain('n/a')).toBe('');
    expect(websiteDomain(null)).toBe('');
    expect(() => customerFromWire({ id: '42', name: 'x' })).toThrow(/company "42": the id is not a GUID/);
  });
});

describe('terms', () => {
  it('maps Pax8 billing terms and commitments to billsync terms and plans', () => {
    expect(
      ['Monthly', 'Annual', '3-Year', '3 Year', 'One-Time', 'One-time', 'Activation', 'Trial', '2-Year'].map(
        billingPlanOf,
      ),
    ).toEqual([
      'Monthly',
      'Annual',
      'Triennial',
      'Triennial',
      'OneTime',
      'OneTime',
      'OneTime',
      'Monthly',
      undefined,
    ]);
    expect(
      [null, '1-Year', '3-Year', 'Monthly', '12 Months', '1 Year', 'whenever'].map((t) =>
        commitmentMonthsOf(undefined, t),
      ),
    ).toEqual([0, 12, 36, 0, 12, 12, undefined]);
    expect(termOf(0, 'Monthly')).toBe('P1M');
    expect(termOf(12, 'Monthly')).toBe('P1Y');
    expect(termOf(12, 'Annual')).toBe('P1Y');
    expect(termOf(0, 'Annual')).toBe('P1Y');
    expect(termOf(36, 'Triennial')).toBe('P3Y');
    expect(termOf(36, 'Annual')).toBe('P3Y');
    expect(termOf(24, 'Monthly')).toBeUndefined();
  });

  it('reads the mixed date formats as the calendar date written', () => {
    expect(
      [
        '2021-01-01T08:30:00Z',
        '2020-12-03',
        '2020-12-01T13:20:13.153-0700',
        '2000-10-31T01:30:00.000-05:00',
      ].map((d) => wireDate(d, 'd')),
    ).toEqual(['2021-01-01', '2020-12-03', '2020-12-01', '2000-10-31']);
    expect(() => wireDate('12/03/2020', 'startDate')).toThrow(/startDate: not a date/);
  });
});

describe('pricing -> price list', () => {
  it('one entry per billing term and commitment: cost = partner buy rate, retail = suggested retail, per plan period', () => {
    const { entries, skipped } = priceListFromWire(
      BP,
      [
        row({}),
        row({ commitmentTerm: '1-Year', commitmentTermInMonths: 12, rates: rates('22.00', '24.20') }),
        row({
          billingTerm: 'Annual',
          commitmentTerm: '1-Year',
          commitmentTermInMonths: 12,
          rates: rates(264, 290.4),
        }),
        row({
          billingTerm: '3-Year',
          commitmentTerm: '3-Year',
          commitmentTermInMonths: 36,
          rates: rates(720, 792),
        }),
        row({ billingTerm: '2-Year', commitmentTerm: '2-Year', commitmentTermInMonths: 24 }),
        row({ commitmentTerm: '2-Year', commitmentTermInMonths: 24 }),
      ],
      { currency: 'USD', effectiveFrom: FROM },
    );
    expect(
      entries.map((e) => [
        e.offer.productId,
        e.offer.skuId,
        e.offer.term,
        e.offer.billingPlan,
        e.cost.toString(),
        e.retail.toString(),
      ]),
    ).toEqual([
      ['MST-M365-BP', 'a34eef76', 'P1M', 'Monthly', '26.4', '29.04'],
      ['MST-M365-BP', 'a34eef76', 'P1Y', 'Monthly', '22', '24.2'],
      ['MST-M365-BP', 'a34eef76', 'P1Y', 'Annual', '264', '290.4'],
      ['MST-M365-BP', 'a34eef76', 'P3Y', 'Triennial', '720', '792'],
    ]);
    expect(entries[0]).toMatchObject({
      effective: { start: FROM, end: undefined },
      unitOfMeasure: 'Each',
      productTitle: BP.name,
    });
    expect(entries[0]!.offer).toMatchObject({ segment: 'Commercial', market: 'ALL', currency: 'USD' });
    expect(skipped).toEqual([
      expect.objectContaining({
        billingTerm: '2-Year',
        reason: expect.stringMatching(/no billsync billing plan/),
      }),
      expect.objectContaining({
        billingTerm: 'Monthly',
        commitment: '2-Year',
        reason: expect.stringMatching(/no billsync term/),
      }),
    ]);
  });

  it('an annual row stated per month is priced per year, whichever way Pax8 states it', () => {
    const perYear = priceListFromWire(
      BP,
      [
        row({ commitmentTerm: '1-Year', rates: rates(22, 24.2) }),
        row({ billingTerm: 'Annual', commitmentTerm: '1-Year', rates: rates(264, 290.4) }),
      ],
      { currency: 'USD', effectiveFrom: FROM },
    );
    const perMonth = priceListFromWire(
      BP,
      [
        row({ commitmentTerm: '1-Year', rates: rates(22, 24.2) }),
        row({ billingTerm: 'Annual', commitmentTerm: '1-Year', rates: rates(22, 24.2) }),
      ],
      { currency: 'USD', effectiveFrom: FROM },
    );
    const annual = (r: typeof perYear) => r.entries.find((e) => e.offer.billingPlan === 'Annual')!;
    expect(annual(perYear).cost.toString()).toBe('264');
    expect(annual(perMonth).cost.toString()).toBe('264');
    expect(annual(perMonth).retail.toString()).toBe('290.4');
    expect(annual(perMonth).tags).toContain('rate-per-month-x12');
  });

  it('takes the first tier of tiered rates, and leaves Azure plan (a usage container) to the invoice usage', () => {
    const tiered = priceListFromWire(
      BP,
      [
        row({
          type: 'Tiered',
          rates: [...rates(18, 20).map((r) => ({ ...r, startQuantityRange: 11 })), ...rates(20, 22)],
        }),
      ],
      { currency: 'EUR', effectiveFrom: FROM },
    );
    expect(tiered.entries[0]!.cost.toString()).toBe('20');
    expect(tiered.entries[0]!.cost.currency).toBe('EUR');
    expect(tiered.entries[0]!.tags).toContain('tiered');
    const azure = productFromWire({
      id: 'A34EEF76-52A1-4B0C-8D2E-000000000099',
      name: 'Microsoft Azure Plan',
      sku: 'MST-AZR-PLAN',
      vendorName: 'Microsoft',
    });
    const r = priceListFromWire(azure, [row({ rates: rates(0, 0) })], {
      currency: 'USD',
      effectiveFrom: FROM,
    });
    expect(r.entries).toEqual([]);
    expect(r.skipped[0]!.reason).toMatch(/usage product/);
  });
});
