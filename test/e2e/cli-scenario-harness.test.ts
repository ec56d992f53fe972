import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/core/money/decimal';
import { segmentsOfRows } from '../support/autotask-readback';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario } from '../support/cli-scenario';
import { CONTOSO, priceListFile, reconFile } from '../support/csp-files';

/**
 * Smoke test of the CLI scenario harness with today's behaviour: Microsoft files in, the real CLI in between,
 * the PSA read back with a third-party Autotask client. Each CLI call is a process (~1-2 s).
 */
let s: CliScenario;
beforeAll(async () => {
  s = await createCliScenario({ now: '2026-02-08T09:00:00Z' });
  // In-use mode syncs only invoiced offers of mapped customers; `all` lets products sync before the mapping.
  await s.setup(['--mode', 'all']);
}, 60_000);
afterAll(async () => {
  await s?.close();
});

describe('CLI scenario harness', { timeout: 120_000 }, () => {
  it('one customer, one offer, one month: January billed at retail; a re-run writes nothing', async () => {
    const prices = priceListFile(s.dir, [{ cost: '20.00', erp: '23.10' }]);
    const january = reconFile(s.dir, 'G000000101', [
      {
        chargeType: 'new',
        unitPrice: '20.00',
        quantity: 10,
        chargeStart: '2026-01-01',
        chargeEnd: '2026-01-31',
      },
    ]);
    expect(await s.importPriceList(prices)).toMatchObject({ created: 1, errors: [] });
    expect(await s.importInvoice(january)).toMatchObject({
      invoiceId: 'G000000101',
      rows: 1,
      billingPeriod: '2026-01',
      issueDate: '2026-02-07',
    });

    const products = await s.syncProducts({ asOf: '2026-02-08' });
    expect(products.code, await s.explain(products)).toBe(0);
    expect(products.runs).toMatchObject([{ kind: 'product', status: 'success' }]);

    await s.map(CONTOSO.tenantId, { syncStart: '2026-02-01' });
    const first = await s.syncCustomers({ asOf: '2026-02-08' });
    expect(first.code, await s.explain(first)).toBe(0);
    expect(first.runs).toMatchObject([{ tenantId: CONTOSO.tenantId, status: 'success' }]);

    const [line, ...others] = await s.readback.contractServices(IDS.contract);
    expect(others).toEqual([]);
    expect((await s.readback.unitsOn(line!.id, '2026-01-15')).toFixed()).toBe('10');
    const bill = await s.readback.billedPerMonth(IDS.contract, '2026-01');
    expect(bill.services.map((x) => x.amount.toFixed())).toEqual(['231']);
    expect(bill.total.eq(dec('10').times(dec('23.10')))).toBe(true);

    const before = s.writes();
    const again = await s.syncCustomers({ asOf: '2026-02-08' });
    expect(again.code, await s.explain(again)).toBe(0);
    expect(again.runs).toMatchObject([{ status: 'no_change', writes: 0 }]);
    expect(s.writes()).toBe(before);
  });

  it('reads overlapping unit rows as segments: a later row wins from its start', () => {
    const row = (id: number, start: string, end: string, units: number) => ({
      id,
      contractServiceID: 7,
      startDate: `${start}T00:00:00Z`,
      endDate: `${end}T00:00:00Z`,
      units,
      price: 23.1,
      cost: 20,
      approveAndPostDate: null,
    });
    const segments = segmentsOfRows([
      row(2, '2026-01-20', '2026-02-19', 12),
      row(1, '2026-01-01', '2026-01-20', 10),
    ]);
    expect(segments.map((x) => [x.start, x.end, x.units.toFixed(), x.price?.toFixed()])).toEqual([
      ['2026-01-01', '2026-01-19', '10', '23.1'],
      ['2026-01-20', '2026-02-19', '12', '23.1'],
    ]);
  });
});
