import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario } from '../support/cli-scenario';
import { BUSINESS_PREMIUM, CONTOSO, priceListFile, reconFile } from '../support/csp-files';

// Spec section 9, "a CLI for everything the UI does": the Users list, the Connections page and the import history.
describe('billsync user list, connections, imports, connect test, companies, contracts and recon --chart', () => {
  let s: CliScenario;
  beforeAll(async () => {
    s = await createCliScenario({ now: '2026-01-08T09:00:00Z', inProcess: true });
    await s.setup();
  }, 60_000);
  afterAll(() => s?.close());

  it('user list: the users with their role, never a password hash', async () => {
    const users = await s.json<{ items: Record<string, unknown>[] }>('user', 'list');
    expect(users.items.map((u) => [u.email, u.role])).toEqual([['admin@msp.example', 'admin']]);
    expect(Object.keys(users.items[0]!).sort()).toEqual(['createdAt', 'email', 'id', 'lastLoginAt', 'role']);
    const text = await s.run('user', 'list');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/EMAIL\s+ROLE/);
    expect(text.stdout).toContain('admin@msp.example');
  });

  it('connections: the saved PSA with its state; secrets only as "set"', async () => {
    const list = await s.json<{ items: { kind: string; status: string; credentials: string }[] }>(
      'connections',
    );
    expect(list.items.map((c) => [c.kind, c.credentials])).toEqual([['autotask', 'set']]);
    expect(JSON.stringify(list)).not.toContain('secret');
    expect((await s.run('connections')).stdout).toMatch(/autotask\s+\S+\s+set/);
  });

  it('imports: every file imported, newest first, with its outcome', async () => {
    expect((await s.json<{ items: unknown[] }>('imports')).items).toEqual([]);
    await s.importPriceList(priceListFile(s.dir, [{ cost: '20.00', erp: '23.10' }]));
    await s.importPriceList(priceListFile(s.dir, [{ cost: '20.00', erp: '23.40' }], 'pricelist-2.csv'));
    const history = await s.json<{ items: { fileName: string; outcome: string }[]; total: number }>(
      'imports',
    );
    expect(history.items.map((i) => [i.fileName, i.outcome])).toEqual([
      ['pricelist-2.csv', 'stored'],
      ['pricelist.csv', 'stored'],
    ]);
    expect(history.total).toBe(2);
    // A bad file from the CLI is kept in the history too (as an upload's), with what to fix; nothing is stored.
    const bad = join(s.dir, 'bad-pricelist.csv');
    const good = readFileSync(priceListFile(s.dir, [{ cost: '20.00', erp: '23.10' }], 'p3.csv'), 'utf8');
    writeFileSync(bad, good.replace('20.00', 'twenty'));
    expect((await s.run('import', 'pricelist', bad)).code).toBe(1);
    const after = await s.json<{
      items: {
        fileName: string;
        kind: string | null;
        outcome: string;
        error: { row: number; column: string } | null;
      }[];
    }>('imports');
    expect(after.items[0]).toMatchObject({
      fileName: 'bad-pricelist.csv',
      kind: 'price_list',
      outcome: 'failed',
      error: { row: 2 },
    });
    expect(after.items.slice(1).map((i) => i.fileName)).toEqual(['pricelist-2.csv', 'pricelist.csv']);
    expect((await s.run('imports')).stdout).toMatch(/bad-pricelist\.csv/);
    expect((await s.json<{ items: unknown[] }>('imports', '--limit', '1')).items).toHaveLength(1);
    expect((await s.run('imports', '--limit', 'x')).code).toBe(2);
  });

  it('connect test: tests the saved connection again, changes nothing else', async () => {
    const tested = await s.json<{ ok: boolean; status: string; connection: { kind: string } }>(
      'connect',
      'test',
    );
    expect([tested.ok, tested.connection.kind]).toEqual([true, 'autotask']);
    const none = await s.run('--json', 'connect', 'test', '--target', 'connectwise');
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/connectwise|ConnectWise/);
  });

  it("companies and contracts: the mapping dialog's lists", async () => {
    const all = await s.json<{ items: { id: string; name: string }[]; total: number }>('companies');
    expect(all.items.map((c) => c.id)).toContain(String(IDS.company));
    const name = all.items.find((c) => c.id === String(IDS.company))!.name;
    const found = await s.json<{ items: { id: string }[] }>('companies', '--search', name.slice(0, 5));
    expect(found.items.map((c) => c.id)).toContain(String(IDS.company));
    const contracts = await s.json<{
      company: { id: string };
      items: { id: string }[];
      hidden: { count: number };
    }>('contracts', String(IDS.company));
    expect(contracts.company.id).toBe(String(IDS.company));
    expect(contracts.items.map((c) => c.id)).toContain(String(IDS.contract));
    expect((await s.run('contracts', String(IDS.company))).stdout).toMatch(/START\s+END/);
    expect((await s.run('companies', '--limit', '0')).code).toBe(2);
  });

  it('recon --chart: the dashboard chart as a table or JSON', async () => {
    const chart = await s.json<{ target: string; months: unknown[] }>('recon', '--chart', '--months', '3');
    expect(chart.target).toBe('autotask');
    expect(Array.isArray(chart.months)).toBe(true);
    expect((await s.run('recon', '--chart', '--leakage')).code).toBe(2);
    expect((await s.run('recon', '--months', '3')).code).toBe(2);
  });

  it('rules skus and invoices: the SKU picker and the sync start hint', async () => {
    // The price list imported above (Business Premium) is what the picker searches.
    const skus = await s.json<{ items: { sku: string; title: string }[] }>(
      'rules',
      'skus',
      '--search',
      'Business',
    );
    expect(skus.items.map((i) => i.sku)).toEqual([`${BUSINESS_PREMIUM.productId}:${BUSINESS_PREMIUM.skuId}`]);
    expect((await s.json<{ items: unknown[] }>('rules', 'skus', '--search', 'no such thing')).items).toEqual(
      [],
    );
    await s.importInvoice(
      reconFile(s.dir, 'G000002512', [
        {
          customer: CONTOSO,
          offer: BUSINESS_PREMIUM,
          subscriptionId: '0a1d0000-0000-4000-8000-000000000001',
          chargeStart: '2025-12-01',
          chargeEnd: '2025-12-31',
          quantity: 3,
          unitPrice: '20.00',
        },
      ]),
    );
    const invoices = await s.json<{ syncStart: string | null; items: { id: string; synced: boolean }[] }>(
      'invoices',
      CONTOSO.name,
    );
    expect(invoices.syncStart).toBeNull();
    expect(invoices.items.map((i) => [i.id, i.synced])).toEqual([['G000002512', false]]);
    expect((await s.run('invoices', 'Nobody Ltd')).code).toBe(1);
  });

  it("contract-check and suggestions: the mapping dialog's shadow hint; confirming suggested matches at once", async () => {
    // Contoso (invoiced above, unmapped) is suggested its PSA company, whose only contract is what confirming maps.
    const review = await s.json<{
      available: boolean;
      items: { name: string; suggestion: { companyId: string }; contract: { id: string } | null }[];
    }>('suggestions');
    expect(review.available).toBe(true);
    expect(review.items.map((i) => [i.name, i.suggestion.companyId, i.contract?.id])).toEqual([
      [CONTOSO.name, String(IDS.company), String(IDS.contract)],
    ]);
    expect((await s.run('suggestions')).stdout).toContain('--confirm all');
    const check = await s.json<{ contractId: string; billsCustomerOffers: boolean; lines: unknown[] }>(
      ...['contract-check', CONTOSO.name, '--contract', String(IDS.contract)],
    );
    expect(check).toEqual({ contractId: String(IDS.contract), billsCustomerOffers: false, lines: [] });
    expect(
      (await s.run('contract-check', CONTOSO.name, '--contract', String(IDS.contract))).stdout,
    ).toContain('bills none');
    expect((await s.run('suggestions', '--confirm', 'all', '--sync', 'maybe')).code).toBe(2);
    const done = await s.json<{
      confirmed: { name: string; syncOn: boolean; contractId: string }[];
      skipped: unknown[];
    }>(...['suggestions', '--confirm', 'all']);
    expect(done.confirmed.map((c) => [c.name, c.contractId, c.syncOn])).toEqual([
      [CONTOSO.name, String(IDS.contract), false],
    ]);
    expect(done.skipped).toEqual([]);
    expect((await s.json<{ items: unknown[] }>('suggestions')).items).toEqual([]);
    const none = await s.json<{ confirmed: unknown[]; skipped: unknown[] }>(
      'suggestions',
      '--confirm',
      'all',
    );
    expect(none).toEqual({ confirmed: [], skipped: [] });
  });

  it("overview: the dashboard's cards", async () => {
    const view = await s.json<{
      target: string;
      customers: { total: number; mapped: number; syncOn: number; lastSuccessAt: string | null };
      products: { latestRun: unknown };
      source: {
        customers: number;
        invoices: number;
        latestPeriod: string | null;
        imports: { kind: string; files: number }[];
      };
    }>('overview');
    expect(view.target).toBe('autotask');
    // Contoso was confirmed (mapped, sync off) above; nothing has been synced yet.
    expect(view.customers).toMatchObject({ total: 1, mapped: 1, syncOn: 0, lastSuccessAt: null });
    expect(view.products.latestRun).toBeNull();
    expect(view.source).toMatchObject({ customers: 1, invoices: 1, latestPeriod: '2025-12' });
    expect(Object.fromEntries(view.source.imports.map((i) => [i.kind, i.files]))).toMatchObject({
      price_list: 2,
    });
    const text = await s.run('overview');
    expect(text.stdout).toContain('1 known, 1 mapped, 0 with sync on');
    expect(text.stdout).toContain('Products: last successful sync never; never run');
  });
});
