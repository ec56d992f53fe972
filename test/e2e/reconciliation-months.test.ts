import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  LeakageWire,
  ReconCustomerWire,
  ReconMonthWire,
  TimelineWire,
} from '../../src/services/reports/reconciliation-schemas';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario } from '../support/cli-scenario';
import { CW_IDS } from '../support/connectwise-world';
import { seatChange, seatLine } from '../support/contoso-seats';
import { CONTOSO, priceListFile, reconFile } from '../support/csp-files';

/**
 * Issue 17: the reconciliation of three months through the CLI against the Autotask emulator, every figure
 * computed by hand. Contoso has 10 Business Premium seats (Microsoft 20.00, retail 23.10); in January 2 more from
 * the 15th, after the MSP posted January (a correction charge); in February 1 less from the 10th, after February
 * was posted (a credit). Microsoft's subtotals follow its rule: ROUNDDOWN(price x days left / days of the cycle, 2)
 * x seats.
 */

/** The PSA set up, December's 10 seats imported and synced (Contoso from 1 January 2026). */
async function decemberSynced<T extends CliScenario<'autotask'> | CliScenario<'connectwise'>>(
  s: T,
): Promise<T> {
  await s.setup();
  await s.importPriceList(priceListFile(s.dir, [{ cost: '20.00', erp: '23.10' }]));
  await s.importInvoice(reconFile(s.dir, 'G000001212', [seatLine('2025-12-01', '2025-12-31', 10)]));
  await s.map(CONTOSO.tenantId, { syncStart: '2026-01-01' });
  expect((await s.syncProducts({ asOf: '2026-01-08' })).code).toBe(0);
  expect((await s.syncCustomers({ asOf: '2026-01-08' })).code).toBe(0);
  return s;
}

const figures = (f: {
  cost: string;
  expected: string;
  billed: string;
  margin: string;
  marginPercent: number | null;
  difference: string;
}) => ({
  cost: f.cost,
  expected: f.expected,
  billed: f.billed,
  margin: f.margin,
  marginPercent: f.marginPercent,
  difference: f.difference,
});

describe('reconciliation over months, by hand (CLI, Autotask)', () => {
  let s: CliScenario;
  const recon = <T>(...args: string[]) => s.json<T>('recon', ...args);

  beforeAll(async () => {
    s = await decemberSynced(await createCliScenario({ now: '2026-01-08T09:00:00Z' }));
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('December: 10 seats, billed as invoiced', async () => {
    const month = await recon<ReconMonthWire>('--as-of', '2026-01-08');
    expect(month.period).toBe('2025-12');
    // 10 x 20.00 = 200.00; 10 x 23.10 = 231.00; margin 31.00 = 13.4 % of 231.00.
    expect(figures(month.totals)).toEqual({
      cost: '200.00',
      expected: '231.00',
      billed: '231.00',
      margin: '31.00',
      marginPercent: 13.4,
      difference: '0.00',
    });
    expect(month.customers).toHaveLength(1);
    expect(month.customers[0]!.flags).toEqual([]);
    expect(month.leakage).toEqual({ total: '0.00', rows: 0 });
  });

  it('January before its sync: the invoice shows what the PSA does not bill yet', async () => {
    s.setClock('2026-02-01T09:00:00Z');
    await s.approveAndPost('2026-01-31', IDS.contract);
    await s.importInvoice(
      reconFile(s.dir, 'G000002601', [
        seatLine('2026-01-01', '2026-01-31', 10),
        ...seatChange('2026-01-15', '2026-01-31', 10, 12),
      ]),
    );
    s.setClock('2026-02-08T09:00:00Z');
    const month = await recon<ReconMonthWire>('--period', '2026-01', '--as-of', '2026-02-08');
    // Microsoft: 200.00 - 10 x 10.97 + 12 x 10.97 = 221.94 (10.97 = ROUNDDOWN(20.00 x 17 / 31, 2)).
    // Expected: 231.00 + 2 x 23.10 x 17 / 31 = 256.335 -> 256.34. The PSA still bills 10 seats: 231.00.
    expect(figures(month.totals)).toEqual({
      cost: '221.94',
      expected: '256.34',
      billed: '231.00',
      margin: '9.06',
      marginPercent: 3.9,
      difference: '-25.34',
    });
    expect(month.customers[0]!.flags.map((f) => f.kind).sort()).toEqual(['differs', 'not-synced']);
    const leakage = await recon<LeakageWire>('--leakage', '--period', '2026-01', '--as-of', '2026-02-08');
    // Not synced yet: Microsoft's 221.94 against the 200.00 of cost the PSA carries.
    expect(leakage.rows).toEqual([
      expect.objectContaining({
        reason: 'not-synced',
        tenantId: CONTOSO.tenantId,
        cost: '21.94',
        action: 'sync',
      }),
    ]);
    expect(leakage.total).toBe('21.94');
  });

  it('January after its sync: the correction charge makes the posted month right, to the cent', async () => {
    const run = await s.syncCustomers({ asOf: '2026-02-08' });
    expect(run.code, await s.explain(run)).toBe(2);
    const month = await recon<ReconMonthWire>('--period', '2026-01', '--as-of', '2026-02-08');
    // Billed: 231.00 for 10 seats + the charge of 25.34 for 2 seats x 17 days (January was posted).
    expect(figures(month.totals)).toEqual({
      cost: '221.94',
      expected: '256.34',
      billed: '256.34',
      margin: '34.40',
      marginPercent: 13.4,
      difference: '0.00',
    });
    expect(month.customers[0]!.flags).toEqual([]);
    const customer = await recon<ReconCustomerWire>(
      '--customer',
      CONTOSO.tenantId,
      '--period',
      '2026-01',
      '--as-of',
      '2026-02-08',
    );
    const [offer] = customer.offers;
    expect(offer).toMatchObject({ kind: 'seats', seats: '12', units: '10', billed: '256.34' });
    // The evidence: the three invoice lines, their subtotals and the part in January.
    expect(offer!.lines.map((l) => [l.chargeStart, l.quantity, l.subtotal, l.inPeriod])).toEqual([
      ['2026-01-01', '10', '200', '200.00'],
      ['2026-01-15', '-10', '-109.7', '-109.70'],
      ['2026-01-15', '12', '131.64', '131.64'],
    ]);
    expect(
      (await recon<LeakageWire>('--leakage', '--period', '2026-01', '--as-of', '2026-02-08')).rows,
    ).toEqual([]);
  });

  it('February: a credit for the posted days; the month bills the invoice to the cent', async () => {
    s.setClock('2026-03-01T09:00:00Z');
    await s.approveAndPost('2026-02-28', IDS.contract);
    await s.importInvoice(
      reconFile(s.dir, 'G000002602', [
        seatLine('2026-02-01', '2026-02-28', 12),
        ...seatChange('2026-02-10', '2026-02-28', 12, 11),
      ]),
    );
    const run = await s.syncCustomers({ asOf: '2026-03-08' });
    expect(run.code, await s.explain(run)).toBe(2);
    const month = await recon<ReconMonthWire>('--as-of', '2026-03-08');
    expect(month.period).toBe('2026-02');
    expect(month.periods).toEqual(['2026-02', '2026-01', '2025-12']);
    // Microsoft: 240.00 - 12 x 13.57 + 11 x 13.57 = 226.43 (13.57 = ROUNDDOWN(20.00 x 19 / 28, 2)).
    // Expected: 277.20 - 23.10 x 19 / 28 = 261.525 -> 261.53. Billed: 277.20 - the credit of 15.67 = 261.53 (the
    // credit's half cent goes toward the month's total, decision 0008, eleventh-session addendum).
    expect(figures(month.totals)).toEqual({
      cost: '226.43',
      expected: '261.53',
      billed: '261.53',
      margin: '35.10',
      marginPercent: 13.4,
      difference: '0.00',
    });
    expect(month.customers[0]!.flags).toEqual([]);

    const customer = await recon<ReconCustomerWire>('--customer', CONTOSO.tenantId, '--as-of', '2026-03-08');
    const offerKey = customer.offers[0]!.offerKey;
    const timeline = await recon<TimelineWire>(
      '--customer',
      CONTOSO.tenantId,
      '--timeline',
      offerKey,
      '--as-of',
      '2026-03-08',
    );
    // The invoice's seats per day and the PSA's units per day.
    const steps = (xs: { start: string; units: string }[]) => xs.map((x) => [x.start, x.units]);
    expect(steps(timeline.invoice)).toEqual([
      ['2025-12-01', '10'],
      ['2026-01-15', '12'],
      ['2026-02-10', '11'],
    ]);
    expect(steps(timeline.psa)).toEqual([
      ['2025-12-01', '10'],
      ['2026-02-01', '12'],
      ['2026-03-01', '11'],
    ]);
    expect(timeline.postedThrough).toBe('2026-02-28');
    expect(timeline.charges.map((c) => [c.date, c.amount, c.billsync])).toEqual([
      ['2026-01-15', '25.34', true],
      ['2026-02-10', '-15.67', true],
    ]);
    // Each write of billsync, with its run.
    expect(timeline.writes.map((w) => [w.kind, w.date])).toEqual([
      ['adjust', '2025-12-01'],
      ['adjust', '2026-02-01'],
      ['charge', '2026-01-15'],
      ['adjust', '2026-03-01'],
      ['charge', '2026-02-10'],
    ]);
    expect(new Set(timeline.writes.map((w) => w.runId)).size).toBe(3);
    expect(timeline.months.map((m) => [m.period, m.billed, m.expected])).toEqual([
      ['2025-12', '231.00', '231.00'],
      ['2026-01', '256.34', '256.34'],
      ['2026-02', '261.53', '261.53'],
    ]);
    // Reading it writes nothing.
    const writes = s.writes();
    await recon<ReconMonthWire>('--refresh', '--as-of', '2026-03-08');
    expect(s.writes()).toBe(writes);
  });
});

describe('reconciliation on ConnectWise (lines change on the 1st, partial months as charges)', () => {
  let s: CliScenario<'connectwise'>;

  beforeAll(async () => {
    s = await decemberSynced(
      // The Autotask scenario above runs the real command; this one the same CLI in process.
      await createCliScenario({ target: 'connectwise', now: '2026-01-08T09:00:00Z', inProcess: true }),
    );
  }, 120_000);
  afterAll(async () => {
    await s?.close();
  });

  it('January with 2 seats more from the 15th: the same figures as on Autotask, and what ConnectWise bills', async () => {
    s.setClock('2026-02-07T09:00:00Z');
    await s.importInvoice(
      reconFile(s.dir, 'G000002601', [
        seatLine('2026-01-01', '2026-01-31', 10),
        ...seatChange('2026-01-15', '2026-01-31', 10, 12),
      ]),
    );
    const run = await s.syncCustomers({ asOf: '2026-02-08' });
    expect([0, 2]).toContain(run.code);
    const month = await s.json<ReconMonthWire>(
      'recon',
      '--target',
      'connectwise',
      '--period',
      '2026-01',
      '--as-of',
      '2026-02-08',
    );
    expect(figures(month.totals)).toEqual({
      cost: '221.94',
      expected: '256.34',
      billed: '256.34',
      margin: '34.40',
      marginPercent: 13.4,
      difference: '0.00',
    });
    expect(month.customers[0]!.flags).toEqual([]);
    // ConnectWise's own bill of the agreement for January, read back from the emulator.
    const bill = await s.readback.billedPerMonth(CW_IDS.agreement, '2026-01');
    expect(bill.total.toFixed(2)).toBe('256.34');
  });
});
