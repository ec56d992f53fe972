import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, type Pax8Rules, releaseInstant, SWITCH_VALUES } from '../../emulators/pax8';
import { dec, sumDecimals } from '../../src/core/money/decimal';
import type { PlainDate } from '../../src/core/time/plain-date';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listRunItems } from '../../src/db/repos/runs';
import { replaceSourceHolds } from '../../src/db/repos/source-holds';
import { syncCustomers, syncProducts } from '../../src/engine/sync';
import { AutotaskReadback } from '../support/autotask-readback';
import { autotaskWorld, IDS, runCtx } from '../support/autotask-world';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  asWorldInvoices,
  CONTOSO_AZURE,
  contosoScenario,
  pullFrom,
  readingsOf,
  seatsOn,
  startPax8,
} from '../support/pax8-world';
import { TENANT } from '../support/planner-fixtures';

/**
 * Issue 18: Pax8 data read by the source adapter from the Pax8 emulator, under every reading of what Pax8 does not
 * document (how a mid-month change appears, the sign of decreases, whether endPeriod is inclusive, Azure per
 * subscription or per meter), synced to the Autotask emulator. The emulator and the adapter were written apart from
 * the same notes; this is where their readings meet. Contoso has Business Standard month to month (Pax8: 12.75 a
 * seat, suggested retail 15.00): 10 seats from 1 January, 12 from 15 January, 11 from 10 February, and Azure in
 * January and February. Whatever the reading, Autotask bills to the cent:
 *   January  10 x 15.00 + 2 x 15.00 x 17/31 = 166.45 (and no Azure: December had none)
 *   February 12 x 15.00 - 1 x 15.00 x 19/28 = 169.82, plus January's Azure
 *   March    11 x 15.00 = 165.00, plus February's Azure
 * and the seats the invoices bill agree with the subscription's history (no cross-check warning).
 */

const AZURE = CONTOSO_AZURE;
const BILLING_SWITCHES = new Set([
  'midPeriodChange',
  'creditSign',
  'endPeriod',
  'azureLines',
  'annualBilling',
]);

describe('Pax8 through the adapter into Autotask, under every reading of the undocumented', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase('pax8_months');
    await migrate(db.url);
    pool = createPool(db.url, 4);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it.each(
    [
      ...readingsOf(['midPeriodChange', 'creditSign', 'endPeriod', 'azureLines']),
      // Every value of every other switch, one at a time (paging, history order, price fields, tokens, ...).
      ...Object.entries(SWITCH_VALUES)
        .filter(([key]) => !BILLING_SWITCHES.has(key))
        .flatMap(([key, values]) => values.map((v) => ({ [key]: v }) as Partial<Pax8Rules>)),
    ].map((r) => [JSON.stringify(r), r] as const),
  )('%s', async (_name, reading) => {
    const now = releaseInstant('2026-04', { ...DEFAULT_RULES, ...reading });
    const { emulator, base } = await startPax8(contosoScenario(), reading, now);
    try {
      const pulled = await pullFrom(base);
      expect(pulled.errors).toEqual([]);
      expect(pulled.disagreements.map((x) => x.text)).toEqual([]);
      expect(pulled.customers.map((c) => c.name)).toEqual(['Contoso Dental']);
      const live = pulled.invoices.filter((i) => i.live);
      const lines = live.flatMap((i) => i.lines);
      // The seat timeline, whatever shape the lines came in.
      expect(
        ['2026-01-05', '2026-01-20', '2026-02-05', '2026-02-20', '2026-03-15'].map((d) => seatsOn(lines, d)),
      ).toEqual(['10', '12', '12', '11', '11']);
      // Azure per usage month, whatever the granularity.
      const azure = Object.fromEntries(pulled.azure.map((a) => [a.billingPeriod, a.cost.toFixed(2)]));
      expect(azure).toMatchObject({ '2026-01': '40.00', '2026-02': '55.50' });

      // Into the store and on to Autotask, as the Partner Center data goes (the customer key remapped to the world's).
      const w = await autotaskWorld(pool, {
        invoices: asWorldInvoices(pulled),
        priceList: pulled.priceList,
        now: '2026-04-10T09:00:00Z',
      });
      try {
        await pool.query(
          `update programs set settings = settings || '{"mode":"all"}' where workspace_id = $1`,
          [w.ws],
        );
        const asOf = '2026-04-10' as PlainDate;
        const products = await syncProducts(w.deps, runCtx(w, asOf), { preview: false });
        expect(['success', 'warning']).toContain(products.status);
        const [run] = await syncCustomers(w.deps, runCtx(w, asOf), { preview: false });
        expect(['success', 'warning']).toContain(run!.status);
        const readback = new AutotaskReadback(w.base);
        const billed = async (month: string) =>
          sumDecimals((await readback.billedPerMonth(IDS.contract, month)).services.map((s) => s.amount))
            .round(2, 1)
            .toFixed(2);
        expect([await billed('2026-01'), await billed('2026-02'), await billed('2026-03')]).toEqual([
          '166.45',
          dec('169.82').plus(AZURE['2026-01']).toFixed(2),
          dec('165.00').plus(AZURE['2026-02']).toFixed(2),
        ]);
        // A second run writes nothing.
        const [again] = await syncCustomers(w.deps, runCtx(w, asOf), { preview: false });
        expect(again!.status).toBe('no_change');
      } finally {
        await w.close();
      }
    } finally {
      await emulator.close();
    }
  });
});

describe('Pax8 invoices that contradict the subscription history (the cross-check)', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase('pax8_hold');
    await migrate(db.url);
    pool = createPool(db.url, 4);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  it('the run says so, naming subscription, days and both quantities, and writes no guess on those days', async () => {
    // The history never recorded the change of 15 January; the invoices bill it.
    const seed = contosoScenario((sc, sub) => sc.dropSnapshot(sub, '2026-01-15'));
    const { emulator, base } = await startPax8(seed, {}, releaseInstant('2026-04'));
    try {
      const pulled = await pullFrom(base);
      expect(
        pulled.disagreements.map((x) => [
          x.days.start,
          x.days.end,
          x.invoiced.toString(),
          x.history.toString(),
        ]),
      ).toEqual([['2026-01-15', '2026-02-10', '12', '10']]);
      const w = await autotaskWorld(pool, {
        invoices: asWorldInvoices(pulled),
        priceList: pulled.priceList,
        now: '2026-04-10T09:00:00Z',
      });
      try {
        // What the Pax8 pull stores (src/services/pax8/pull-source.ts), for the world's customer.
        await replaceSourceHolds(
          pool,
          w.ws,
          pulled.disagreements.map((x) => ({
            tenantId: TENANT,
            offerKey: x.offerKey,
            subscriptionId: x.subscriptionId,
            start: x.days.start,
            end: x.days.end,
            reason: x.text,
          })),
        );
        const asOf = '2026-04-10' as PlainDate;
        await syncProducts(w.deps, runCtx(w, asOf), { preview: false });
        const [run] = await syncCustomers(w.deps, runCtx(w, asOf), { preview: false });
        expect(run!.status).toBe('warning');
        const items = await listRunItems(pool, run!.runId);
        const texts = items.flatMap((i) => i.messages.map((m) => m.text));
        expect(texts).toContain(`${pulled.disagreements[0]!.text}: not written until the two agree`);
        expect(pulled.disagreements[0]!.text).toMatch(
          /the invoices bill 12 seats from 15 Jan 2026 to 09 Feb 2026, its history says 10/,
        );
        // Autotask keeps 10 seats over the contradicted days, and bills the agreed days as invoiced.
        const readback = new AutotaskReadback(w.base);
        const [line] = await readback.contractServices(IDS.contract);
        expect((await readback.unitsOn(line!.id, '2026-01-20')).toFixed()).toBe('10');
        expect((await readback.unitsOn(line!.id, '2026-02-20')).toFixed()).toBe('11');
        // A re-run still says so and writes nothing.
        const [again] = await syncCustomers(w.deps, runCtx(w, asOf), { preview: false });
        expect(again!.status).toBe('warning');
        expect(again!.writes).toBe(0);
      } finally {
        await w.close();
      }
    } finally {
      await emulator.close();
    }
  });
});
