import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/core/money/decimal';
import { IDS } from '../support/autotask-world';
import {
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  runMessages,
  showRun,
} from '../support/cli-scenario';
import { CW_IDS } from '../support/connectwise-world';
import { BUSINESS_PREMIUM, CONTOSO, priceListFile, reconFile } from '../support/csp-files';
import { E3, subscription } from '../support/months-data';

/**
 * Spec section 6, "Corrected invoices": a re-issued invoice replaces the old one, and what was written is corrected.
 * Found by fuzzing ConnectWise with another seed (thirteenth session), written by hand for Autotask (the planning is
 * shared): January's invoice bills Business Premium (5 seats) and Office 365 E3 (3 seats); after its sync Microsoft
 * re-issues January without any E3 line. E3 must then bill nothing in January.
 *
 * Was: the planner took its offers from the lines of the invoices in scope only, so an offer billsync wrote before
 * but with no line left was never planned and its contract line kept the 3 seats. Now such an offer goes back to
 * 0 from the first day billsync wrote it (customer-plan.ts, `planDroppedOffers`).
 */
const P = subscription(CONTOSO, BUSINESS_PREMIUM, 'd0000000-0000-4000-8000-0000000000b1', '2026-01-01');
const X = subscription(CONTOSO, E3, 'd0000000-0000-4000-8000-0000000000e3', '2026-01-01');

let s: CliScenario;
beforeAll(async () => {
  s = await createCliScenario({ now: '2026-02-08T09:00:00Z', inProcess: true });
  await s.setup();
  await s.importPriceList(
    priceListFile(s.dir, [
      { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10' },
      { offer: E3, cost: '30.00', erp: '34.00' },
    ]),
  );
}, 60_000);
afterAll(async () => {
  await s?.close();
});

/** What the PSA bills for E3 in a month: its line's unit rows, plus billsync's charges and credits of E3. */
const e3Billed = async (month: string) => {
  const bill = await s.readback.billedPerMonth(IDS.contract, month);
  return [
    ...bill.services.filter((x) => x.serviceName.includes(E3.productId)),
    ...bill.charges.filter((c) => c.name.includes(E3.title)),
  ].reduce((t, x) => t.plus(x.amount), dec(0));
};

describe('a corrected invoice that no longer bills an offer at all', () => {
  it('January synced: Business Premium 5 seats, E3 3 seats', async () => {
    await s.importInvoice(
      reconFile(s.dir, 'G000002001', [
        P.cycle('2026-01-01', '2026-01-31', 5, '20.00'),
        X.cycle('2026-01-01', '2026-01-31', 3, '30.00'),
      ]),
    );
    await s.map(CONTOSO.tenantId, { syncStart: '2026-01-01' });
    await s.syncProducts({ asOf: '2026-02-08' });
    const run = await s.syncCustomers({ asOf: '2026-02-08' });
    expect(run.code, await s.explain(run)).toBe(0);
    expect((await e3Billed('2026-01')).toFixed(2)).toBe('102.00');
  });

  it('re-issued without E3: E3 bills nothing in January (the line back to 0), told; a re-run writes nothing', async () => {
    await s.importInvoice(
      reconFile(s.dir, 'G000002001', [P.cycle('2026-01-01', '2026-01-31', 5, '20.00')], 'reissued.csv'),
    );
    const run = await s.syncCustomers({ asOf: '2026-02-15' });
    const contoso = run.runs.find((r) => r.tenantId === CONTOSO.tenantId);
    expect(contoso?.status, await s.explain(run)).toBe('warning');
    expect(runMessages(await showRun(s, contoso!.runId))).toContainEqual(
      expect.stringMatching(
        /^warning: No imported invoice bills .* any more \(a corrected invoice dropped it\)/,
      ),
    );
    expect((await e3Billed('2026-01')).toFixed(2)).toBe('0.00');
    // Business Premium is left as it was: 5 x 23.10.
    const bp = (await s.readback.billedPerMonth(IDS.contract, '2026-01')).services.filter((x) =>
      x.serviceName.includes(BUSINESS_PREMIUM.productId),
    );
    expect(bp.reduce((t, x) => t.plus(x.amount), dec(0)).toFixed(2)).toBe('115.50');
    await expectRerunWritesNothing(s, '2026-02-15');
  });

  it('February: the next invoice (Business Premium only) leaves E3 at 0 and says nothing more about it', async () => {
    await s.importInvoice(reconFile(s.dir, 'G000002002', [P.cycle('2026-02-01', '2026-02-28', 5, '20.00')]));
    const run = await s.syncCustomers({ asOf: '2026-03-08' });
    expect(run.code, await s.explain(run)).toBe(0);
    expect((await e3Billed('2026-02')).toFixed(2)).toBe('0.00');
    await expectRerunWritesNothing(s, '2026-03-08');
  });
});

describe('the same on ConnectWise (where the fuzz audit found it)', () => {
  let cw: CliScenario<'connectwise'>;
  beforeAll(async () => {
    cw = await createCliScenario({ target: 'connectwise', now: '2026-02-08T09:00:00Z', inProcess: true });
    await cw.setup();
    await cw.importPriceList(
      priceListFile(cw.dir, [
        { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10' },
        { offer: E3, cost: '30.00', erp: '34.00' },
      ]),
    );
  }, 60_000);
  afterAll(async () => {
    await cw?.close();
  });
  const january = async () =>
    (await cw.readback.billedPerMonth(CW_IDS.agreement, '2026-01')).total.toFixed(2);

  it('January bills both offers, then only Business Premium once re-issued without E3; re-runs write nothing', async () => {
    await cw.importInvoice(
      reconFile(cw.dir, 'G000002001', [
        P.cycle('2026-01-01', '2026-01-31', 5, '20.00'),
        X.cycle('2026-01-01', '2026-01-31', 3, '30.00'),
      ]),
    );
    await cw.map(CONTOSO.tenantId, { syncStart: '2026-01-01' });
    await cw.syncProducts({ asOf: '2026-02-08' });
    const first = await cw.syncCustomers({ asOf: '2026-02-08' });
    expect(first.code, await cw.explain(first)).toBe(0);
    // 5 x 23.10 + 3 x 34.00
    expect(await january()).toBe('217.50');
    await cw.importInvoice(
      reconFile(cw.dir, 'G000002001', [P.cycle('2026-01-01', '2026-01-31', 5, '20.00')], 'reissued.csv'),
    );
    const again = await cw.syncCustomers({ asOf: '2026-02-15' });
    expect(again.runs.find((r) => r.tenantId === CONTOSO.tenantId)?.status, await cw.explain(again)).toBe(
      'warning',
    );
    expect(await january()).toBe('115.50');
    await expectRerunWritesNothing(cw, '2026-02-15');
  });
});
