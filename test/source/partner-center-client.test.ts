import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createClock } from '../../emulators/kit';
import {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  type PartnerCenterEmulator,
} from '../../emulators/partner-center';
import { IntegrationError } from '../../src/core/integration-error';
import type { BillingPeriod } from '../../src/core/time';
import {
  createPartnerCenterClient,
  type PartnerCenterClientOptions,
  type PullStore,
  pullFromPartnerCenter,
} from '../../src/sources/partner-center/api';

const FIXTURES = fileURLToPath(new URL('../../emulators/partner-center/fixtures', import.meta.url));

let emu: PartnerCenterEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function setup(extra: Partial<PartnerCenterClientOptions> = {}, tokenEndpoint: 'v1' | 'v2' = 'v2') {
  emu = createPartnerCenterEmulator({
    seedDir: FIXTURES,
    clock: createClock({ start: '2025-09-10T09:00:00Z' }),
  });
  const base = await emu.listen();
  let nowMs = Date.parse('2025-09-10T09:00:00Z');
  const slept: number[] = [];
  const client = createPartnerCenterClient({
    connection: {
      authorityUrl: base,
      apiUrl: base,
      partnerApiUrl: base,
      tenantId: DEMO_CREDENTIALS.tenantId,
      clientId: DEMO_CREDENTIALS.clientId,
      clientSecret: DEMO_CREDENTIALS.clientSecret,
      tokenEndpoint,
    },
    // The emulator listens on loopback: allowed by the URL policy when local URLs are (docs/url-policy.md).
    http: {
      allowLocalUrls: true,
      sleep: async (ms) => void slept.push(ms),
      random: () => 0,
      timeoutMs: 5000,
    },
    now: () => nowMs,
    ...extra,
  });
  const tokenRequests = () => emu!.requestLog.count('POST', '/:tenant/oauth2/**');
  return { base, client, slept, emu, tokenRequests, advance: (ms: number) => (nowMs += ms) };
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('Partner Center client against the emulator', () => {
  it('reads customers across continuation pages with one cached token', async () => {
    const { client, tokenRequests, emu } = await setup({ pageSize: { customers: 2 } });
    const customers = await all(client.listCustomers());
    expect(customers.map((c) => c.name)).toEqual([
      'Contoso Dental',
      'Fabrikam Legal LLP',
      'Northwind Traders',
    ]);
    expect(customers[0]).toEqual({
      tenantId: '8b2f1c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d',
      name: 'Contoso Dental',
      defaultDomain: 'contosodental.onmicrosoft.com',
    });
    expect(emu.requestLog.count('GET', '/v1/customers')).toBe(2);
    expect(tokenRequests()).toBe(1);
  });

  it('reads invoices, their line items (seek paging) and usage, normalized', async () => {
    const { client } = await setup({ pageSize: { lineItems: 3, invoices: 1 } });
    const invoices = await all(client.listInvoices());
    expect(invoices.map((i) => [i.id, i.billingPeriod, i.issueDate])).toEqual([
      ['G000000124', '2025-08', '2025-09-06'],
      ['G000000123', '2025-07', '2025-08-07'],
    ]);
    expect((await all(client.listInvoices({ since: '2025-08' as BillingPeriod }))).map((i) => i.id)).toEqual([
      'G000000124',
    ]);
    const lines = await all(client.listInvoiceLines(invoices[1]!));
    expect(lines.map((l) => l.lineNumber)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(lines.map((l) => l.quantity.toFixed())).toEqual(['10', '-10', '12', '2', '5', '3', '1']);
    expect(lines.map((l) => l.kind)).toEqual([
      'license',
      'license',
      'license',
      'license',
      'license',
      'license',
      'azure_usage',
    ]);
    expect(lines[3]?.customerTenantId).toBe('8b2f1c3d-4e5f-4a6b-9c7d-0e1f2a3b4c5d');
    const aug = await all(client.listInvoiceLines(invoices[0]!));
    expect(aug[0]).toMatchObject({
      chargePeriod: { start: '2025-08-15', end: '2025-09-15' },
      orderDate: '2025-08-15',
    });
    const usage = await all(client.listUsageLines(invoices[1]!));
    expect(usage.map((u) => u.cost.toString())).toEqual(['2.4192', '2.4192', '0.0225308']);
    expect(await all(client.listUsageLines(invoices[0]!))).toEqual([]);
    expect((await client.getInvoice('G000000123')).billingPeriod).toBe('2025-07');
  });

  it('renews the token before it expires, and after the server refuses it', async () => {
    const { client, tokenRequests, advance, base } = await setup();
    await all(client.listCustomers());
    advance(56 * 60_000); // 56 minutes: inside the 5-minute renewal margin of a 3599 s token
    await all(client.listCustomers());
    expect(tokenRequests()).toBe(2);
    await fetch(`${base}/_emulator/tokens/expire`, { method: 'POST' });
    expect(await all(client.listCustomers())).toHaveLength(3);
    expect(tokenRequests()).toBe(3);
  });

  it('works with the v1 token endpoint', async () => {
    const { client } = await setup({}, 'v1');
    expect(await all(client.listCustomers())).toHaveLength(3);
  });

  it('retries a 429 honoring Retry-After, and a 503', async () => {
    const { client, slept, emu } = await setup();
    emu.faults.inject({ kind: '429', path: '/v1/invoices/*/lineitems', retryAfter: 7 });
    emu.faults.inject({ kind: '503', path: '/v1/invoices/*/lineitems' });
    const lines = await all(client.listInvoiceLines({ id: 'G000000123', currency: 'USD' }));
    expect(lines).toHaveLength(7);
    expect(slept).toEqual([7000, 500]); // Retry-After, then the backoff of the 2nd attempt (500 ms x 2^1, half jitter at random 0)
  });

  it('maps wrong credentials to an auth IntegrationError with the AADSTS text and no secret', async () => {
    const { base } = await setup();
    const client = createPartnerCenterClient({
      connection: {
        authorityUrl: base,
        apiUrl: base,
        partnerApiUrl: base,
        tenantId: DEMO_CREDENTIALS.tenantId,
        clientId: DEMO_CREDENTIALS.clientId,
        clientSecret: 'wrong-secret-value',
        tokenEndpoint: 'v2',
      },
      http: { allowLocalUrls: true, sleep: async () => {} },
    });
    const error = await all(client.listCustomers()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrationError);
    const e = error as IntegrationError;
    expect([e.kind, e.vendor, e.status, e.retryable]).toEqual(['auth', 'partner-center', 401, false]);
    expect(e.message).toMatch(/AADSTS7000215: Invalid client secret provided/);
    expect(JSON.stringify(e.toJSON())).not.toContain('wrong-secret-value');
  });

  it('sends nothing to a URL outside the URL policy: the client secret never leaves', async () => {
    const { client, emu, tokenRequests } = await setup({
      http: { allowLocalUrls: false, sleep: async () => {} },
    });
    const error = await all(client.listCustomers()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IntegrationError);
    const e = error as IntegrationError;
    expect([e.kind, e.vendor, e.retryable]).toEqual(['validation', 'partner-center', false]);
    expect(e.message).toMatch(/^billsync refused to send POST http:\/\/127\.0\.0\.1:\d+\/.*loopback address/);
    expect(tokenRequests()).toBe(0);
    expect(emu.requestLog.count()).toBe(0);
  });

  it('downloads the price sheet and parses it with the price-list parser', async () => {
    const { client } = await setup();
    const prices = await all(client.listPrices('us'));
    expect(prices).toHaveLength(5);
    expect(prices[0]).toMatchObject({
      offer: { productId: 'CFQ7TTC0LCHC', term: 'P1Y', billingPlan: 'Monthly', market: 'US' },
    });
    expect(prices[0]?.cost.toString()).toBe('20.79');
    expect(prices[0]?.retail.toString()).toBe('23.1');
  });

  it('pulls everything into a store, idempotently, listing a failing invoice and going on', async () => {
    const { client, emu } = await setup();
    const stored = new Map<string, string>();
    const store: PullStore = {
      async upsertCustomers(customers) {
        return { created: customers.length, updated: 0, unchanged: 0 };
      },
      async storeInvoice(header, lines, usage) {
        const rows = (await all(lines)).map((l) => JSON.stringify(l));
        const key = JSON.stringify([rows, usage?.length]);
        const before = stored.get(header.id);
        stored.set(header.id, key);
        const n = rows.length + (usage?.length ?? 0);
        return before === key
          ? { status: 'unchanged', counts: { created: 0, updated: 0, unchanged: n } }
          : { status: 'created', counts: { created: n, updated: 0, unchanged: 0 } };
      },
    };
    const first = await pullFromPartnerCenter(client, store);
    expect([first.created, first.updated, first.unchanged, first.errors]).toEqual([3 + 7 + 3 + 4, 0, 0, []]);
    expect(first.invoices.map((i) => i.id)).toEqual(['G000000123', 'G000000124']);
    const again = await pullFromPartnerCenter(client, store, { since: '2025-07' as BillingPeriod });
    expect([again.created - 3, again.updated, again.unchanged]).toEqual([0, 0, 14]);
    emu.faults.inject({ kind: '500', path: '/v1/invoices/G000000124/lineitems', count: 10 });
    const partial = await pullFromPartnerCenter(client, store);
    // The usage and the billing line items share the path: both fail; the invoice is not stored.
    expect(partial.errors).toEqual([
      expect.objectContaining({ stage: 'usage', invoiceId: 'G000000124', kind: 'unavailable' }),
      expect.objectContaining({ stage: 'lines', invoiceId: 'G000000124', kind: 'unavailable' }),
    ]);
    expect(partial.invoices.map((i) => i.id)).toEqual(['G000000123']);
  });
});
