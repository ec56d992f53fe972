import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createClock } from '../kit';
import { createPartnerCenterEmulator, DEMO_CREDENTIALS, type PartnerCenterEmulator } from './index';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
const { tenantId, clientId, clientSecret } = DEMO_CREDENTIALS;

let emu: PartnerCenterEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function start(today = '2025-09-10', maxPageSize?: number) {
  emu = createPartnerCenterEmulator({
    seedDir: FIXTURES,
    clock: createClock({ start: `${today}T09:00:00Z` }),
    ...(maxPageSize ? { maxPageSize } : {}),
  });
  const base = await emu.listen();
  return { base, emu };
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

async function token(base: string, scope = 'https://api.partnercenter.microsoft.com/.default') {
  const res = await fetch(
    `${base}/${tenantId}/oauth2/v2.0/token`,
    form({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope }),
  );
  return ((await res.json()) as { access_token: string }).access_token;
}

const get = (url: string, bearer: string, headers: Record<string, string> = {}) =>
  fetch(url, { headers: { authorization: `Bearer ${bearer}`, accept: 'application/json', ...headers } });

describe('Partner Center emulator: token endpoint', () => {
  it('issues v2 and v1 client-credentials tokens', async () => {
    const { base } = await start();
    const v2 = await fetch(
      `${base}/${tenantId}/oauth2/v2.0/token`,
      form({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: 'https://api.partnercenter.microsoft.com/.default',
      }),
    );
    expect(v2.status).toBe(200);
    expect(await v2.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3599 });
    const v1 = await fetch(
      `${base}/${tenantId}/oauth2/token`,
      form({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        resource: 'https://api.partnercenter.microsoft.com',
      }),
    );
    expect(await v1.json()).toMatchObject({
      expires_in: '3599',
      resource: 'https://api.partnercenter.microsoft.com',
    });
  });

  it('answers wrong credentials with AADSTS errors (401 bad secret, 400 unknown app / tenant / scope)', async () => {
    const { base } = await start();
    const body = (extra: Record<string, string>) => ({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: 'https://api.partnercenter.microsoft.com/.default',
      ...extra,
    });
    const bad = await fetch(`${base}/${tenantId}/oauth2/v2.0/token`, form(body({ client_secret: 'nope' })));
    expect(bad.status).toBe(401);
    const json = (await bad.json()) as { error: string; error_description: string; error_codes: number[] };
    expect(json.error).toBe('invalid_client');
    expect(json.error_codes).toEqual([7000215]);
    expect(json.error_description).toMatch(/^AADSTS7000215: Invalid client secret/);
    const unknown = await fetch(`${base}/${tenantId}/oauth2/v2.0/token`, form(body({ client_id: 'other' })));
    expect([unknown.status, ((await unknown.json()) as { error: string }).error]).toEqual([
      400,
      'unauthorized_client',
    ]);
    const tenant = await fetch(`${base}/contoso.onmicrosoft.com/oauth2/v2.0/token`, form(body({})));
    expect(((await tenant.json()) as { error_codes: number[] }).error_codes).toEqual([90002]);
    const scope = await fetch(
      `${base}/${tenantId}/oauth2/v2.0/token`,
      form(body({ scope: 'https://graph.microsoft.com/.default' })),
    );
    expect([scope.status, ((await scope.json()) as { error: string }).error]).toEqual([400, 'invalid_scope']);
  });

  it('refuses API calls without a valid bearer token for the right audience', async () => {
    const { base, emu } = await start();
    const none = await fetch(`${base}/v1/customers`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^OAuth realm=/);
    expect(await none.json()).toMatchObject({ code: '401', source: 'PartnerFD' });
    const partnerApi = await token(base, 'https://api.partner.microsoft.com/.default');
    expect((await get(`${base}/v1/customers`, partnerApi)).status).toBe(401);
    const t = await token(base);
    expect((await get(`${base}/v1/customers`, t)).status).toBe(200);
    await fetch(`${base}/_emulator/tokens/expire`, { method: 'POST' });
    expect(
      ((await (await get(`${base}/v1/customers`, t)).json()) as { description: string }).description,
    ).toMatch(/expired/);
    expect(emu.requestLog.count('GET', '/v1/customers')).toBe(4);
  });
});

describe('Partner Center emulator: resources', () => {
  it('pages customers with continuation tokens', async () => {
    const { base } = await start('2025-09-10', 2);
    const t = await token(base);
    const first = (await (await get(`${base}/v1/customers?size=2`, t)).json()) as {
      totalCount: number;
      items: { id: string; companyProfile: { companyName: string; domain: string } }[];
      continuationToken: string;
      links: { next: { uri: string; headers: { key: string; value: string }[] } };
    };
    expect(first.totalCount).toBe(2);
    expect(first.links.next.uri).toBe('/customers?size=2&seekOperation=Next');
    expect(first.links.next.headers).toEqual([
      { key: 'MS-ContinuationToken', value: first.continuationToken },
    ]);
    const second = (await (
      await get(`${base}/v1/customers?size=2&seekOperation=Next`, t, {
        'MS-ContinuationToken': first.continuationToken,
      })
    ).json()) as typeof first;
    expect(second.items.map((c) => c.companyProfile.companyName)).toEqual(['Northwind Traders']);
    expect(second.continuationToken).toBeUndefined();
    expect(
      (await get(`${base}/v1/customers?size=2&seekOperation=Next`, t, { 'MS-ContinuationToken': 'forged' }))
        .status,
    ).toBe(400);
  });

  it('shows an invoice from its issue date on (the emulated clock)', async () => {
    const { base, emu } = await start('2025-09-01');
    let t = await token(base);
    const list = async () =>
      ((await (await get(`${base}/v1/invoices`, t)).json()) as { items: { id: string }[] }).items.map(
        (i) => i.id,
      );
    expect(await list()).toEqual(['G000000123']);
    expect((await get(`${base}/v1/invoices/G000000124`, t)).status).toBe(404);
    emu.clock.set('2025-09-06');
    expect((await get(`${base}/v1/invoices`, t)).status).toBe(401); // the token expired meanwhile
    t = await token(base);
    expect(await list()).toEqual(['G000000124', 'G000000123']);
    const inv = JSON.parse(await (await get(`${base}/v1/invoices/G000000123`, t)).text());
    expect(inv).toMatchObject({
      invoiceDate: '2025-08-07T00:00:00Z',
      billingPeriodStartDate: '2025-07-01T00:00:00Z',
      billingPeriodEndDate: '2025-07-31T00:00:00Z',
      currencyCode: 'USD',
      invoiceType: 'OneTime',
      attributes: { objectType: 'Invoice' },
    });
    expect(inv.invoiceDetails.map((d: { invoiceLineItemType: string }) => d.invoiceLineItemType)).toEqual([
      'billing_line_items',
      'usage_line_items',
    ]);
  });

  it('serves billing line items in the wire format with seek paging and exact numbers', async () => {
    const { base } = await start('2025-09-10', 3);
    const t = await token(base);
    const url = `${base}/v1/invoices/G000000123/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD&period=previous&size=2000`;
    const pages: string[] = [];
    let res = await get(url, t);
    for (;;) {
      const text = await res.text();
      pages.push(text);
      const page = JSON.parse(text) as { continuationToken?: string };
      if (!page.continuationToken) break;
      res = await get(`${url}&seekOperation=Next`, t, { 'MS-ContinuationToken': page.continuationToken });
    }
    expect(pages).toHaveLength(3);
    const items = pages.flatMap((p) => (JSON.parse(p) as { items: Record<string, unknown>[] }).items);
    expect(items).toHaveLength(7);
    expect(items[1]).toMatchObject({
      customerId: '8b2f1c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d',
      chargeType: 'addQuantity',
      quantity: 10,
      subtotal: -193.7,
      totalForCustomer: -193.7,
      chargeStartDate: '2025-07-20T00:00:00Z',
      chargeEndDate: '2025-08-14T00:00:00Z',
      orderDate: '2025-07-20T09:12:44Z',
      pcToBCExchangeRate: 1,
      billingProvider: 'one_time',
      attributes: { objectType: 'OneTimeInvoiceLineItem' },
    });
    expect(pages[0]).toContain('"subtotal":-193.70');
    expect(items[6]).toMatchObject({
      productQualifiers: ['Consumption'],
      unitPrice: 84.1734,
      subscriptionStartDate: null,
    });
  });

  it('serves Azure daily-rated usage line items and the license-based price sheet of one market', async () => {
    const { base } = await start();
    const t = await token(base);
    const usage = (await (
      await get(
        `${base}/v1/invoices/G000000123/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=previous&size=2000`,
        t,
      )
    ).json()) as { items: Record<string, unknown>[] };
    expect(usage.items).toHaveLength(3);
    expect(usage.items[2]).toMatchObject({
      usageDate: '2025-07-02T00:00:00Z',
      quantity: 1.234567,
      unitOfMeasure: '1 GB/Month',
      entitlementId: '99999999-0000-4000-8000-00000000aaaa',
      hasPartnerEarnedCredit: true,
    });
    const partnerApi = await token(base, 'https://api.partner.microsoft.com/.default');
    const sheet = await get(
      `${base}/v1.0/sales/pricesheets(Market='US',PricesheetView='updatedlicensebased')/$value`,
      partnerApi,
    );
    expect(sheet.headers.get('content-type')).toBe('application/octet-stream');
    const lines = (await sheet.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^ChangeIndicator,ProductTitle,ProductId/);
    expect(lines).toHaveLength(6);
    expect(
      (
        await get(
          `${base}/v1.0/sales/pricesheets(Market='US',PricesheetView='azure_consumption')/$value`,
          partnerApi,
        )
      ).status,
    ).toBe(400);
  });

  it('validates line-item queries', async () => {
    const { base } = await start();
    const t = await token(base);
    const q = (qs: string) => get(`${base}/v1/invoices/G000000123/lineitems?${qs}`, t);
    expect((await q('provider=onetime&invoicelineitemtype=billinglineitems')).status).toBe(400);
    expect((await q('provider=onetime&invoicelineitemtype=nope&currencycode=USD')).status).toBe(400);
    const legacy = (await (
      await q('provider=office&invoicelineitemtype=billinglineitems&size=10')
    ).json()) as { totalCount: number };
    expect(legacy.totalCount).toBe(0);
    expect((await get(`${base}/v1/invoices/NOPE/lineitems?provider=onetime`, t)).status).toBe(404);
  });

  it('injects faults through the kit and counts requests', async () => {
    const { base, emu } = await start();
    const t = await token(base);
    const inj = await fetch(`${base}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: '429', path: '/v1/invoices/*/lineitems', retryAfter: 2 }),
    });
    expect(inj.status).toBe(200);
    const r = await get(
      `${base}/v1/invoices/G000000123/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD`,
      t,
    );
    expect([r.status, r.headers.get('retry-after')]).toEqual([429, '2']);
    expect(await r.json()).toMatchObject({ code: '429', source: 'PartnerFD' });
    const counts = (await (await fetch(`${base}/_emulator/requests`)).json()) as {
      counts: Record<string, number>;
    };
    expect(counts.counts['GET /v1/invoices/:id/lineitems']).toBe(1);
    expect(emu.faults.list()[0]?.hits).toBe(1);
  });

  it('reseeds from a directory through the admin API', async () => {
    const { base } = await start();
    const bad = await fetch(`${base}/_emulator/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dir: '/no/such/dir' }),
    });
    expect(bad.status).toBe(400);
    const ok = await fetch(`${base}/_emulator/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dir: FIXTURES }),
    });
    const state = (await ok.json()) as {
      customers: number;
      invoices: { id: string; billingLineItems: number; visible: boolean }[];
    };
    expect(state.customers).toBe(3);
    expect(state.invoices.map((i) => [i.id, i.billingLineItems, i.visible])).toEqual([
      ['G000000123', 7, true],
      ['G000000124', 4, true],
    ]);
  });
});
