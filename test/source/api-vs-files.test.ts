import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../emulators/kit';
import {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  type PartnerCenterEmulator,
} from '../../emulators/partner-center';
import type { BillingPeriod } from '../../src/core/time';
import { createPartnerCenterClient, type PartnerCenterClient } from '../../src/sources/partner-center/api';
import { generateDemoData, writeDemoData } from '../../src/sources/partner-center/demo/generate';
import { parsePriceListFile, parseReconFile, parseUsageFile } from '../../src/sources/partner-center/files';

/**
 * Acceptance (issue 4): the same month read from the Partner Center emulator and from the files gives identical
 * normalized records. Two data sets: part A's generated demo data (`billsync demo-data`) and the emulator's own
 * hand-written fixtures (US-style dates, upper-case ids, a `Total` with tax, several customers per invoice).
 */

/** Canonical text of a record: Money and Decimal values by their exact text, keys in a stable order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) && !('toJSON' in v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

interface DataSet {
  dir: string;
  emu: PartnerCenterEmulator;
  client: PartnerCenterClient;
}

async function open(dir: string, today: string): Promise<DataSet> {
  const emu = createPartnerCenterEmulator({
    seedDir: dir,
    clock: createClock({ start: `${today}T12:00:00Z` }),
  });
  const base = await emu.listen();
  const client = createPartnerCenterClient({
    connection: {
      authorityUrl: base,
      apiUrl: base,
      partnerApiUrl: base,
      ...DEMO_CREDENTIALS,
      tokenEndpoint: 'v2',
    },
    pageSize: { lineItems: 50 },
    // The emulator listens on loopback: allowed by the URL policy when local URLs are (docs/url-policy.md).
    http: { allowLocalUrls: true },
  });
  return { dir, emu, client };
}

const demoDir = mkdtempSync(join(tmpdir(), 'billsync-demo-'));
const sets: Record<string, DataSet> = {};

beforeAll(async () => {
  const data = generateDemoData({
    months: 4,
    customers: 10,
    seed: 42,
    endPeriod: '2025-12' as BillingPeriod,
  });
  await writeDemoData(demoDir, data);
  sets.demo = await open(demoDir, '2026-01-31');
  sets.fixtures = await open(
    fileURLToPath(new URL('../../emulators/partner-center/fixtures', import.meta.url)),
    '2025-09-30',
  );
});

afterAll(async () => {
  for (const s of Object.values(sets)) await s.emu.close();
  rmSync(demoDir, { recursive: true, force: true });
});

describe.each(['demo', 'fixtures'])('API (emulator) vs files: %s data', (name) => {
  it('every invoice month gives identical invoice lines and Azure usage lines', async () => {
    const { dir, client } = sets[name]!;
    const invoices = await all(client.listInvoices());
    expect(invoices.length).toBeGreaterThan(1);
    let compared = 0;
    for (const inv of invoices) {
      const file = join(dir, `invoice-${inv.billingPeriod}.csv`);
      const fromFile = await all(parseReconFile(createReadStream(file), `invoice-${inv.billingPeriod}.csv`));
      const fromApi = await all(client.listInvoiceLines(inv));
      expect(fromApi.length).toBe(fromFile.length);
      expect(fromApi.map(canonical)).toEqual(fromFile.map(canonical));
      compared += fromApi.length;
      const usageFromApi = await all(client.listUsageLines(inv));
      if (usageFromApi.length > 0) {
        const usageFile = join(dir, `azure-usage-${inv.billingPeriod}.csv`);
        const usageFromFile = await all(
          parseUsageFile(createReadStream(usageFile), `azure-usage-${inv.billingPeriod}.csv`),
        );
        expect(usageFromApi.map(canonical)).toEqual(usageFromFile.map(canonical));
      }
    }
    expect(compared).toBeGreaterThan(5);
  });

  it('the price sheet gives identical price-list entries', async () => {
    const { dir, client } = sets[name]!;
    const fromFile = (
      await all(parsePriceListFile(createReadStream(join(dir, 'pricelist.csv')), 'pricelist.csv'))
    ).filter((e) => e.offer.market === 'US');
    const fromApi = await all(client.listPrices('US'));
    expect(fromApi.length).toBeGreaterThan(0);
    expect(fromApi.map(canonical)).toEqual(fromFile.map(canonical));
  });

  it('customers of the API are the customers the invoice files name', async () => {
    const { dir, client } = sets[name]!;
    const customers = await all(client.listCustomers());
    const invoices = await all(client.listInvoices());
    const named = new Map<string, string>();
    for (const inv of invoices) {
      for (const l of await all(
        parseReconFile(createReadStream(join(dir, `invoice-${inv.billingPeriod}.csv`)), 'recon'),
      )) {
        named.set(l.customerTenantId, l.customerName);
      }
    }
    const byId = new Map(customers.map((c) => [c.tenantId, c.name]));
    for (const [tenantId] of named) expect(byId.has(tenantId), tenantId).toBe(true);
  });
});
