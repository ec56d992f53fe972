import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../emulators/kit';
import { createPax8Emulator, type Pax8Emulator, releaseInstant } from '../../emulators/pax8';
import { dec, sumDecimals } from '../../src/core/money/decimal';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario } from '../support/cli-scenario';
import { CONTOSO_AZURE, contosoScenario } from '../support/pax8-world';

/**
 * Issue 18, as an MSP on Pax8 runs it: the real `billsync` CLI connects Pax8 (its emulator, in this process) as
 * the workspace's source, pulls it, maps the customer to Autotask and syncs; the Autotask emulator bills the money
 * computed by hand. Contoso Dental has Business Standard month to month (Pax8: 12.75 a seat, suggested retail
 * 15.00): 10 seats from 1 January, 12 from 15 January, 11 from 10 February; Azure 40.00 in January and 55.50 in
 * February (billed the month after):
 *   January  10 x 15.00 + 2 x 15.00 x 17/31 = 166.45
 *   February 12 x 15.00 - 1 x 15.00 x 19/28 = 169.82, plus January's Azure 40.00 = 209.82
 *   March    11 x 15.00 = 165.00, plus February's Azure 55.50 = 220.50
 */
const AZURE = CONTOSO_AZURE;

interface PullJson {
  state: string;
  customers: { read: number; created: number };
  priceList: { entries: number; created: number; updated: number };
  invoices: { id: string; billingPeriod: string; status: string }[];
  withdrawn: string[];
  disagreements: string[];
  errors: string[];
}

let pax8: Pax8Emulator;
let apiUrl: string;
let s: CliScenario;

beforeAll(async () => {
  pax8 = createPax8Emulator({
    seed: contosoScenario(),
    clock: createClock({ start: releaseInstant('2026-04') }),
    sleep: async () => {},
  });
  apiUrl = `${await pax8.listen(0)}/v1`;
  s = await createCliScenario({ now: '2026-04-10T09:00:00Z' });
}, 60_000);
afterAll(async () => {
  await s?.close();
  await pax8?.close();
});

describe('billsync on Pax8 through the CLI', () => {
  it('connect pax8, source pull, map, sync: Autotask bills to the cent', async () => {
    await s.setup(['--mode', 'all']);
    const wrong = await s.run(
      ...['--json', 'connect', 'pax8', '--client-id', 'scenario-client', '--client-secret', 'wrong'],
      ...['--api-url', apiUrl],
    );
    expect(wrong.code).toBe(1);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ ok: false, status: 'error' });

    const connected = await s.json<{ ok: boolean; status: string }>(
      ...['connect', 'pax8', '--client-id', 'scenario-client', '--client-secret', 'scenario-secret'],
      ...['--api-url', apiUrl],
    );
    expect(connected).toMatchObject({ ok: true, status: 'connected' });

    // No --source: the workspace's source is Pax8.
    const pulled = await s.json<PullJson>('source', 'pull');
    expect(pulled).toMatchObject({ state: 'done', errors: [], disagreements: [], withdrawn: [] });
    expect(pulled.customers).toMatchObject({ read: 1, created: 1 });
    expect(pulled.priceList.entries).toBeGreaterThan(0);
    expect(pulled.invoices.map((i) => [i.billingPeriod, i.status])).toEqual([
      ['2025-12', 'created'],
      ['2026-01', 'created'],
      ['2026-02', 'created'],
      ['2026-03', 'created'],
    ]);
    // Human output says what was pulled.
    const text = await s.run('source', 'pull', '--source', 'pax8');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Customers: 1 read/);
    expect(text.stdout).toMatch(/Withdrawn \(credited or void, removed\): none/);
    expect(text.stdout).toMatch(/Seat disagreements: none/);

    // A Microsoft file import is refused: the workspace's source is Pax8.
    const refused = await s.run('import', 'invoice', '/nonexistent.csv');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/source is Pax8/);

    const customers = await s.json<
      { items?: { tenantId: string; name: string }[] } | { tenantId: string; name: string }[]
    >('customers', '--no-suggest');
    const list = Array.isArray(customers) ? customers : (customers.items ?? []);
    const contoso = list.find((c) => c.name === 'Contoso Dental');
    expect(contoso).toBeDefined();
    await s.map(contoso!.tenantId, { syncStart: '2026-01-01' });

    const asOf = '2026-04-10';
    const products = await s.syncProducts({ asOf });
    expect(products.code, await s.explain(products)).toBe(0);
    const run = await s.syncCustomers({ asOf });
    expect([0, 2], await s.explain(run)).toContain(run.code);
    const billed = async (month: string) =>
      sumDecimals((await s.readback.billedPerMonth(IDS.contract, month)).services.map((x) => x.amount))
        .round(2, 1)
        .toFixed(2);
    expect([await billed('2026-01'), await billed('2026-02'), await billed('2026-03')]).toEqual([
      '166.45',
      dec('169.82').plus(AZURE['2026-01']).toFixed(2),
      dec('165.00').plus(AZURE['2026-02']).toFixed(2),
    ]);
    // A second pull and sync write nothing.
    const again = await s.json<PullJson>('source', 'pull', '--source', 'pax8');
    expect(again.invoices.every((i) => i.status === 'unchanged')).toBe(true);
    expect(again.priceList).toMatchObject({ created: 0, updated: 0 });
    const rerun = await s.syncCustomers({ asOf });
    expect(rerun.runs.map((r) => r.status)).toEqual(['no_change']);
  }, 180_000);
});
