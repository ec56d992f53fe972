import { describe, expect, it } from 'vitest';
import { IntegrationError } from '../../../core/integration-error';
import { resolveConnection } from './connection';
import { parseJsonLossless } from './lossless-json';
import { cleanWireRecord, invoiceLineFromWire, usageLineFromWire } from './map-lines';
import { customerFromWire, invoiceHeaderFromWire, isSyncableInvoice } from './map-wire';

/** The csp-billing.md 7.2 reversal row as the API sends it (lossless: numbers as text). */
const reversal = parseJsonLossless(`{
  "partnerId": "5a1d7c3e-9b2f-4e60-8d14-0000000000aa", "customerId": "org:8B2F1C3D-4E5F-4A6B-9C7D-0E1F2A3B4C5D",
  "customerName": "Contoso Dental", "customerDomainName": "contosodental.onmicrosoft.com", "customerCountry": "US",
  "invoiceNumber": "G000000123", "mpnId": "6543210", "resellerMpnId": 0, "orderId": "o1", "orderDate": "2025-07-20T09:12:44Z",
  "productId": "CFQ7TTC0LCHC", "skuId": "0002", "availabilityId": "CFQ7TTC0K5C6", "skuName": "Microsoft 365 Business Premium",
  "productName": "Microsoft 365 Business Premium", "chargeType": "addQuantity", "unitPrice": 23.10, "quantity": 10,
  "subtotal": -193.70, "taxTotal": 0, "totalForCustomer": -193.70, "currency": "USD",
  "subscriptionId": "A1B2C3D4-1111-4AAA-8BBB-000000000001", "chargeStartDate": "2025-07-20T00:00:00Z",
  "chargeEndDate": "2025-08-14T00:00:00Z", "termAndBillingCycle": "One-Year commitment for monthly/yearly billing",
  "effectiveUnitPrice": 19.3709677419354838709677419, "unitType": "Seats", "billableQuantity": 10, "billingFrequency": "Monthly",
  "pricingCurrency": "USD", "pcToBCExchangeRate": 1, "pcToBCExchangeRateDate": "0001-01-01T00:00:00",
  "subscriptionStartDate": "2025-01-15T00:00:00Z", "subscriptionEndDate": "2026-01-14T00:00:00Z",
  "productQualifiers": [], "invoiceLineItemType": "billing_line_items", "billingProvider": "one_time",
  "attributes": { "objectType": "OneTimeInvoiceLineItem" }
}`) as Record<string, unknown>;

describe('lossless JSON', () => {
  it('keeps every number as its exact text and leaves strings alone', () => {
    const v = parseJsonLossless(
      '{"a": 19.3709677419354838709677419, "b": [-0.5, 1e3], "c": "x 1.5 \\" 2", "d": true, "e": null}',
    );
    expect(v).toEqual({
      a: '19.3709677419354838709677419',
      b: ['-0.5', '1e3'],
      c: 'x 1.5 " 2',
      d: true,
      e: null,
    });
  });
});

describe('wire -> model mapping', () => {
  it('maps a OneTimeInvoiceLineItem with the file rules: signed quantity, half-open period, lower-cased ids', () => {
    const line = invoiceLineFromWire(reversal, 2, 'invoice G000000123 line items');
    expect(line).toMatchObject({
      invoiceId: 'G000000123',
      lineNumber: 2,
      customerTenantId: '8b2f1c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d',
      subscriptionId: 'a1b2c3d4-1111-4aaa-8bbb-000000000001',
      chargeType: 'addquantity',
      kind: 'license',
      chargePeriod: { start: '2025-07-20', end: '2025-08-15' },
      subscriptionTerm: { start: '2025-01-15', end: '2026-01-15' },
      orderDate: '2025-07-20',
      offer: {
        productId: 'CFQ7TTC0LCHC',
        skuId: '0002',
        term: 'P1Y',
        billingPlan: 'Monthly',
        market: 'US',
        currency: 'USD',
      },
    });
    expect(line.quantity.toFixed()).toBe('-10');
    expect(line.effectiveUnitPrice.toString()).toBe('19.3709677419354838709677419');
    expect(line.subtotal.toString()).toBe('-193.7');
  });

  it('drops .NET unset dates and the envelope fields', () => {
    const clean = cleanWireRecord(reversal);
    expect(clean.pcToBCExchangeRateDate).toBeNull();
    expect(clean).not.toHaveProperty('attributes');
  });

  it('turns an unreadable line item into a protocol IntegrationError naming the invoice', () => {
    const bad = { ...reversal, chargeEndDate: 'soon' };
    let error: unknown;
    try {
      invoiceLineFromWire(bad, 1, 'invoice G000000123 line items');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(IntegrationError);
    expect((error as IntegrationError).kind).toBe('protocol');
    expect((error as IntegrationError).message).toMatch(/G000000123.*chargeEndDate/);
  });

  it('maps a DailyRatedUsageLineItem', () => {
    const usage =
      parseJsonLossless(`{"customerId": "C0FFEE00-1234-4ABC-8DEF-0123456789AB", "customerName": "Northwind", "invoiceNumber": "G1",
      "subscriptionId": "aa00aa00-3333-4eee-8fff-000000000005", "entitlementId": "99999999-0000-4000-8000-00000000AAAA",
      "usageDate": "2025-07-02T00:00:00Z", "meterId": "11111111-AAAA-4BBB-8CCC-000000000002", "meterName": "LRS", "meterCategory": "Storage",
      "quantity": 1.234567, "unitPrice": 0.01825, "effectiveUnitPrice": 0.01825, "billingPreTaxTotal": 0.0225308,
      "billingCurrency": "USD", "pricingCurrency": "USD", "unitOfMeasure": "1 GB/Month"}`) as Record<
        string,
        unknown
      >;
    const u = usageLineFromWire(usage, 1, 'invoice G1 usage');
    expect(u).toMatchObject({
      customerTenantId: 'c0ffee00-1234-4abc-8def-0123456789ab',
      usageDate: '2025-07-02',
      meterId: '11111111-aaaa-4bbb-8ccc-000000000002',
    });
    expect(u.quantity.toFixed()).toBe('1.234567');
    expect(u.cost.toString()).toBe('0.0225308');
  });

  it('maps customers and invoices', () => {
    expect(
      customerFromWire({
        id: 'org:8B2F1C3D-4E5F-4A6B-9C7D-0E1F2A3B4C5D',
        companyProfile: { companyName: ' Contoso Dental ', domain: 'contoso.onmicrosoft.com' },
      }),
    ).toEqual({
      tenantId: '8b2f1c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d',
      name: 'Contoso Dental',
      defaultDomain: 'contoso.onmicrosoft.com',
    });
    const inv = {
      id: 'G1',
      invoiceDate: '2025-08-07T00:00:00Z',
      billingPeriodStartDate: '2025-07-01T00:00:00Z',
      currencyCode: 'usd',
    };
    expect(invoiceHeaderFromWire(inv)).toEqual({
      id: 'G1',
      billingPeriod: '2025-07',
      issueDate: '2025-08-07',
      currency: 'USD',
      datesFrom: 'source',
    });
    expect(invoiceHeaderFromWire({ ...inv, billingPeriodStartDate: null }).billingPeriod).toBe('2025-07');
    expect(isSyncableInvoice({ ...inv, documentType: 'Credit Note' })).toBe(false);
    expect(isSyncableInvoice({ ...inv, invoiceType: 'Recurring' })).toBe(false);
    expect(isSyncableInvoice(inv)).toBe(true);
  });
});

const PC_HOSTS =
  'Partner Center URLs must be https on login.microsoftonline.com, api.partnercenter.microsoft.com or api.partner.microsoft.com (or http on a loopback address)';

describe('connection settings', () => {
  it('fills Microsoft defaults, points the price sheet at an emulator URL, and lists what is missing', () => {
    const ok = resolveConnection(
      { apiUrl: 'http://127.0.0.1:8082/', tenantId: 't', clientId: 'c', clientSecret: 's' },
      { allowLocal: true },
    );
    expect(ok).toEqual({
      ok: true,
      value: {
        authorityUrl: 'https://login.microsoftonline.com',
        apiUrl: 'http://127.0.0.1:8082',
        partnerApiUrl: 'http://127.0.0.1:8082',
        tenantId: 't',
        clientId: 'c',
        clientSecret: 's',
        tokenEndpoint: 'v2',
        refreshToken: undefined,
      },
    });
    const bad = resolveConnection({ authorityUrl: 'ftp://x', tokenEndpoint: 'v3' }, { allowLocal: true });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.problems).toEqual([
      'the token endpoint must be v1 or v2, not "v3"',
      `the authority URL "ftp://x" is not allowed: it is not on Partner Center's hosts: ${PC_HOSTS}`,
      'the partner tenant id is required',
      'the client (application) id is required',
      'the client secret is required',
    ]);
  });

  it('URLs follow the URL policy: https on Microsoft hosts; loopback only when local URLs are allowed', () => {
    const base = { tenantId: 't', clientId: 'c', clientSecret: 's' };
    const problems = (settings: Record<string, string>, allowLocal: boolean) => {
      const r = resolveConnection({ ...base, ...settings }, { allowLocal });
      return r.ok ? [] : r.problems;
    };
    expect(problems({}, false)).toEqual([]);
    expect(problems({ apiUrl: 'https://api.evil.example' }, false)).toEqual([
      expect.stringMatching(
        /^the API URL "https:\/\/api\.evil\.example" is not allowed: it is not on Partner Center's hosts/,
      ),
      expect.stringMatching(/^the partner API URL "https:\/\/api\.evil\.example" is not allowed/),
    ]);
    expect(problems({ authorityUrl: 'http://login.microsoftonline.com' }, false)).toEqual([
      expect.stringMatching(/^the authority URL .* is not allowed: it is not https/),
    ]);
    expect(problems({ apiUrl: 'http://127.0.0.1:8082' }, false)[0]).toMatch(
      /it is a loopback address, allowed only with BILLSYNC_ALLOW_LOCAL_PSA=1/,
    );
    expect(problems({ apiUrl: 'http://127.0.0.1:8082' }, true)).toEqual([]);
  });
});
