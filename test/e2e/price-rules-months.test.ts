import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario } from '../support/cli-scenario';
import { BUSINESS_PREMIUM, CONTOSO, priceListFile, reconFile } from '../support/csp-files';
import { subscription } from '../support/months-data';

/**
 * Issue 16, price rules from the CLI to Autotask over months: a rule for every customer (markup on cost, up to
 * .99), then a one-month fixed price for one customer, then the first rule removed. Each month's invoice is synced
 * the day after it is issued; what the contract bills per month is the seats x the price the rules give for that
 * month (from the first day of a contract period: never prorated), and a re-run writes nothing.
 */

/** Contoso Business Premium, calendar months: 5 seats, 7 from 15 February. */
const SUB = subscription(CONTOSO, BUSINESS_PREMIUM, 'dddd0000-0000-4000-8000-00000000000d', '2025-12-01');
const MONTHS: Record<string, ReturnType<typeof SUB.cycle>[]> = {
  G000001212: [SUB.cycle('2025-12-01', '2025-12-31', 5, '20.00')],
  G000002601: [SUB.cycle('2026-01-01', '2026-01-31', 5, '20.00')],
  G000002602: [
    SUB.cycle('2026-02-01', '2026-02-28', 5, '20.00'),
    ...SUB.change('2026-02-15', '2026-02-28', 5, 7, '20.00'),
  ],
  G000002603: [SUB.cycle('2026-03-01', '2026-03-31', 7, '20.00')],
  G000002604: [SUB.cycle('2026-04-01', '2026-04-30', 7, '20.00')],
};

let s: CliScenario;
const BP = 'PC_CFQ7TTC0LCHC:0002';

async function month(invoice: string, asOf: string) {
  await s.importInvoice(reconFile(s.dir, invoice, MONTHS[invoice]!));
  const products = await s.syncProducts({ asOf });
  expect(products.code, await s.explain(products)).toBe(0);
  const run = await s.syncCustomers({ asOf });
  expect(run.code, await s.explain(run)).toBe(0);
  const before = s.writes();
  const again = await s.syncCustomers({ asOf });
  expect(again.runs.map((r) => [r.status, r.writes])).toEqual([['no_change', 0]]);
  expect(s.writes()).toBe(before);
}

async function billed(m: string): Promise<string> {
  return (await s.readback.billedPerMonth(IDS.contract, m)).total.toFixed(2);
}

async function priceOn(day: string): Promise<string | undefined> {
  const [line] = (await s.readback.contractServices(IDS.contract)).filter((x) => x.serviceName === BP);
  const rows = await s.readback.unitSegments(line!.id);
  return rows.find((r) => r.start <= day && day <= r.end)?.price?.toFixed(2);
}

describe('price rules over months (issue 16), CLI + Autotask emulator', () => {
  beforeAll(async () => {
    s = await createCliScenario({ now: '2026-01-08T09:00:00Z', inProcess: true });
    await s.setup();
    await s.importPriceList(priceListFile(s.dir, [{ offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10' }]));
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('December: no rule, the list retail', async () => {
    await s.importInvoice(reconFile(s.dir, 'G000001212', MONTHS.G000001212!));
    await s.map(CONTOSO.tenantId, { syncStart: '2025-12-01' });
    await month('G000001212', '2026-01-08');
    expect(await billed('2025-12')).toBe('115.50');
  });

  it('a rule for every customer from the next period: January keeps the list retail, February 25.99', async () => {
    const added = await s.json<{ id: string; validFrom: string; description: string }>(
      ...[
        'rules',
        'add',
        '--markup',
        '25',
        '--rounding',
        '99',
        '--as-of',
        '2026-01-10',
        '--note',
        'new price sheet',
      ],
    );
    expect(added).toMatchObject({ validFrom: '2026-02-01' });
    expect(added.description).toBe(
      'Markup 25% on cost · every customer · all offers · rounded up to .99 · from 01 Feb 2026',
    );
    const preview = await s.json<{ offers: { price: string }[] }>(
      ...[
        'rules',
        'preview',
        '--sku',
        'CFQ7TTC0LCHC:0002',
        '--customer',
        CONTOSO.name,
        '--date',
        '2026-02-01',
      ],
    );
    expect(preview.offers.map((o) => o.price)).toEqual(['25.99']);
    await month('G000002601', '2026-02-08');
    expect(await billed('2026-01')).toBe('115.50');
    await month('G000002602', '2026-03-08');
    // 5 seats at 25.99 for 14 days and 7 for 14 days of 28: (5 x 14 + 7 x 14) / 28 x 25.99 = 155.94.
    expect(await billed('2026-02')).toBe('155.94');
    expect(await priceOn('2026-02-01')).toBe('25.99');
    // The product follows the rule for every customer from its start.
    const state = (await (await fetch(`${s.base}/_emulator/state`)).json()) as {
      tables?: { Services?: { name: string; unitPrice: number }[] };
      Services?: { name: string; unitPrice: number }[];
    };
    const services = state.tables?.Services ?? state.Services ?? [];
    expect(services.find((x) => x.name === BP)?.unitPrice).toBe(25.99);
  });

  it("a customer's fixed price for March only wins over the rule for everyone; removing the first rule reprices from the next period", async () => {
    const effect = await s.json<{ customers: { delta: string }[]; totals: { delta: string }[] }>(
      ...['rules', 'effect', '--customer', CONTOSO.tenantId, '--sku', 'CFQ7TTC0LCHC:0002', '--price', '22'],
      ...['--from', '2026-04-01', '--as-of', '2026-03-08'],
    );
    // April: 7 seats (February's invoice carried on) from 25.99 to 22.00.
    expect(effect.totals).toEqual([{ currency: 'USD', delta: '-27.93' }]);
    const march = await s.run(
      ...['rules', 'add', '--customer', CONTOSO.tenantId, '--sku', 'CFQ7TTC0LCHC:0002', '--price', '22'],
      ...['--from', '2026-03-01', '--to', '2026-03-31', '--position', '1', '--as-of', '2026-03-08'],
    );
    expect(march.code, march.stderr).toBe(0);
    expect(march.stderr).toMatch(/warning: The rule starts before 01 Apr 2026/);
    await month('G000002603', '2026-04-08');
    expect(await billed('2026-03')).toBe('154.00');
    expect(await priceOn('2026-03-15')).toBe('22.00');
    const list = await s.json<{ id: string; note: string }[]>('rules', 'list');
    expect(list).toHaveLength(2);
    const global = list.find((r) => r.note === 'new price sheet')!;
    // Removing a rule that priced periods already ends it with the current month: April keeps 25.99 (the
    // periods it priced stay as billed), May goes back to the list retail.
    const removed = await s.json<{ outcome: string; validTo: string }>(
      ...['rules', 'remove', global.id, '--as-of', '2026-04-10'],
    );
    expect(removed).toMatchObject({ outcome: 'ended', validTo: '2026-04-30' });
    const before = s.writes();
    const run = await s.syncCustomers({ asOf: '2026-04-10' });
    expect(run.runs.map((r) => r.status)).toEqual(['no_change']);
    expect(s.writes()).toBe(before);
    // April's invoice: April is billed at the rule's 25.99 (7 x 25.99), the months before as they were.
    await month('G000002604', '2026-05-08');
    expect(await priceOn('2026-04-15')).toBe('25.99');
    expect(await billed('2026-04')).toBe('181.93');
    expect(await billed('2026-03')).toBe('154.00');
    expect(await billed('2026-02')).toBe('155.94');
    const may = await s.json<{ offers: { price: string; rule: unknown }[] }>(
      ...[
        'rules',
        'preview',
        '--sku',
        'CFQ7TTC0LCHC:0002',
        '--customer',
        CONTOSO.tenantId,
        '--date',
        '2026-05-01',
      ],
    );
    expect(may.offers).toEqual([expect.objectContaining({ price: '23.10', rule: null })]);
    const text = await s.run('rules', 'list');
    expect(text.stdout).toMatch(/Fixed price 22.00 · Contoso/);
  });
});
