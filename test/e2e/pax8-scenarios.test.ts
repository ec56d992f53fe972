import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RULES, pax8Scenario, releaseInstant } from '../../emulators/pax8';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { storeInvoice } from '../../src/db/repos/source-data';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  asWorldInvoices,
  billedServices,
  billedTotal,
  chargesOf,
  FIXED_PRICE,
  type Pax8Reading,
  pax8World,
  pullFrom,
  readingsOf,
  rerunStatus,
  runMessages,
  seatsOn,
  startPax8,
  syncAll,
} from '../support/pax8-world';

/**
 * Issue 18: the R-tests' money checks re-expressed as Pax8 data. Each scenario is pulled by the adapter from the
 * Pax8 emulator under every value of each billing switch that can change how it looks (Azure granularity changes
 * none of these: no Azure here), synced to the Autotask emulator, and the money Autotask bills is checked to the cent
 * against figures computed by hand below (retail: the Pax8 suggested retail, the mapping's cost-and-retail
 * strategy). Then a re-run writes nothing. Contoso is the one Pax8 company; Pax8 bills seats in advance, so a change
 * on day D reaches the invoice after D; the clock stands on the day the April invoice is released.
 */

const SHAPES = ['midPeriodChange', 'creditSign', 'endPeriod'] as const;
const cases = (readings: Pax8Reading[]) => readings.map((r) => [JSON.stringify(r), r] as const);
const AT_APRIL = '2026-04-10T09:00:00Z';

let db: TestDatabase;
let pool: Pool;
beforeAll(async () => {
  db = await createTestDatabase('pax8_scenarios');
  await migrate(db.url);
  pool = createPool(db.url, 4);
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

/** Pull the seed under the reading as of the April release, sync it to Autotask, hand both to `check`. */
async function scenario(
  seed: ReturnType<ReturnType<typeof pax8Scenario>['build']>,
  reading: Pax8Reading,
  check: (
    pulled: Awaited<ReturnType<typeof pullFrom>>,
    w: Awaited<ReturnType<typeof pax8World>>,
  ) => Promise<void>,
  options: { annualContract?: boolean } = {},
) {
  const { emulator, base } = await startPax8(
    seed,
    reading,
    releaseInstant('2026-04', { ...DEFAULT_RULES, ...reading }),
  );
  try {
    const pulled = await pullFrom(base);
    expect(pulled.errors).toEqual([]);
    expect(pulled.disagreements.map((x) => x.text)).toEqual([]);
    expect(pulled.customers.map((c) => c.name)).toEqual(['Contoso Dental']);
    const w = await pax8World(pool, pulled, { now: AT_APRIL, ...options });
    try {
      const { products, run } = await syncAll(w, '2026-04-10');
      expect(['success', 'warning']).toContain(products.status);
      expect(run.status, (await runMessages(pool, run.runId)).join('\n')).toBe('success');
      await check(pulled, w);
      expect(await rerunStatus(w, '2026-04-10')).toBe('no_change');
    } finally {
      await w.close();
    }
  } finally {
    await emulator.close();
  }
}

const live = (pulled: Awaited<ReturnType<typeof pullFrom>>) => pulled.invoices.flatMap((i) => i.lines);

describe('a) a cancellation mid-month', () => {
  /**
   * Business Standard month to month (retail 15.00), 10 seats from 1 January, cancelled from 10 February (the
   * first day not billed). January 10 x 15.00 = 150.00; February 9 of 28 days: 150.00 - 150.00 x 19/28
   * (101.79) = 48.21; March nothing.
   */
  const s = pax8Scenario();
  const contoso = s.company('Contoso Dental');
  const sub = s.subscribe(contoso, 'business-standard', { on: '2026-01-01', quantity: 10 });
  s.cancel(sub, '2026-02-10');
  const seed = s.build();

  it.each(cases(readingsOf(SHAPES)))('%s', async (_n, reading) => {
    await scenario(seed, reading, async (pulled, w) => {
      expect(
        ['2026-01-05', '2026-02-09', '2026-02-10', '2026-03-15'].map((x) => seatsOn(live(pulled), x)),
      ).toEqual(['10', '10', '0', '0']);
      expect([
        await billedTotal(w, '2026-01'),
        await billedTotal(w, '2026-02'),
        await billedTotal(w, '2026-03'),
      ]).toEqual(['150.00', '48.21', '0.00']);
    });
  });
});

describe('b) an upgrade mid-month', () => {
  /**
   * Business Standard (15.00) 10 seats from 1 January, upgraded on 10 February to Business Premium (26.40), the
   * same 10 seats. Two products in the PSA: Standard's line to 0 from 10 February, Premium's from it.
   * January: Standard 150.00. February: Standard 150.00 - 150.00 x 19/28 (101.79) = 48.21; Premium
   * 264.00 x 19/28 = 179.14. March: Premium 264.00.
   */
  const s = pax8Scenario();
  const contoso = s.company('Contoso Dental');
  const standard = s.subscribe(contoso, 'business-standard', { on: '2026-01-01', quantity: 10 });
  const premium = s.upgrade(standard, '2026-02-10', 'business-premium');
  const seed = s.build();

  it.each(cases(readingsOf(SHAPES)))('%s', async (_n, reading) => {
    await scenario(seed, reading, async (pulled, w) => {
      const days = ['2026-01-05', '2026-02-09', '2026-02-10', '2026-03-15'];
      expect(days.map((x) => seatsOn(live(pulled), x, standard))).toEqual(['10', '10', '0', '0']);
      expect(days.map((x) => seatsOn(live(pulled), x, premium))).toEqual(['0', '0', '10', '10']);
      const months = ['2026-01', '2026-02', '2026-03'];
      const bills = await Promise.all(months.map((m) => billedServices(w, m)));
      // Two contract services; keyed by name, which differs per product.
      expect(Object.keys(bills[2]!)).toHaveLength(2);
      expect(bills.map((b) => Object.values(b).sort())).toEqual([
        ['0.00', '150.00'],
        ['179.14', '48.21'],
        ['0.00', '264.00'],
      ]);
    });
  });
});

describe('c) a 1-year term billed monthly with a seat change', () => {
  /**
   * Business Standard on a 1-year commitment billed monthly (retail 12.50 a month), 10 seats from 1 January,
   * 14 from 20 January. January: 10 x 12.50 + 4 x 12.50 x 12/31 (19.35) = 144.35; February and March:
   * 14 x 12.50 = 175.00.
   */
  const s = pax8Scenario();
  const contoso = s.company('Contoso Dental');
  const sub = s.subscribe(contoso, 'business-standard', {
    on: '2026-01-01',
    quantity: 10,
    term: 'annual-commit-monthly',
  });
  s.changeSeats(sub, '2026-01-20', 14);
  const seed = s.build();

  it.each(cases(readingsOf(SHAPES)))('%s', async (_n, reading) => {
    await scenario(seed, reading, async (pulled, w) => {
      expect(
        ['2026-01-19', '2026-01-20', '2026-02-15', '2026-03-31'].map((x) => seatsOn(live(pulled), x)),
      ).toEqual(['10', '14', '14', '14']);
      expect(new Set(live(pulled).map((l) => `${l.offer.term}:${l.offer.billingPlan}`))).toEqual(
        new Set(['P1Y:Monthly']),
      );
      expect([
        await billedTotal(w, '2026-01'),
        await billedTotal(w, '2026-02'),
        await billedTotal(w, '2026-03'),
      ]).toEqual(['144.35', '175.00', '175.00']);
    });
  });
});

describe('d) an annual-billed subscription, the annual motion', () => {
  /**
   * Business Standard billed annually (retail 150.00 a year), 5 seats from 1 January 2026, 7 from 10 February.
   * The annual motion books one-time charges on the Fixed Price contract at retail, per month of charge start,
   * dated to the month's first charge start. Nothing on the recurring contract.
   * annualBilling 'term-line': the whole term up front, 5 x 150.00 = 750.00 on 1 January; the 2 added seats for
   *   10 February to 31 December (325 of 365 days): 2 x 150.00 x 325/365 = 267.12 on 10 February.
   * annualBilling 'monthly' (a twelfth, 12.50, each month, a change prorated over its month's days): 5 x 12.50 =
   *   62.50 on 1 January; February's part 62.50 and the 2 added seats for 10 to 28 February 2 x 12.50 x 19/28
   *   (16.96) start in one month: 79.46 on 1 February; 7 x 12.50 = 87.50 on 1 March and on 1 April (the April
   *   invoice is out). Under 'partial-period' February's change is a credit of 5 seats and a charge of 7, each
   *   scaled to retail and rounded on its own (the motion's rule per Microsoft line): 7 x 12.50 x 19/28 = 59.38
   *   less 5 x 12.50 x 19/28 = 42.41 is 16.97, so 79.47.
   */
  const s = pax8Scenario();
  const contoso = s.company('Contoso Dental');
  const sub = s.subscribe(contoso, 'business-standard', { on: '2026-01-01', quantity: 5, term: 'annual' });
  s.changeSeats(sub, '2026-02-10', 7);
  const seed = s.build();
  const expected = (reading: Pax8Reading): [string, string][] =>
    reading.annualBilling === 'monthly'
      ? [
          ['2026-01-01', '62.50'],
          ['2026-02-01', reading.midPeriodChange === 'partial-period' ? '79.47' : '79.46'],
          ['2026-03-01', '87.50'],
          ['2026-04-01', '87.50'],
        ]
      : [
          ['2026-01-01', '750.00'],
          ['2026-02-10', '267.12'],
        ];

  it.each(cases(readingsOf([...SHAPES, 'annualBilling'])))('%s', async (_n, reading) => {
    await scenario(
      seed,
      reading,
      async (pulled, w) => {
        expect(
          ['2026-01-05', '2026-02-09', '2026-02-10', '2026-03-15'].map((x) => seatsOn(live(pulled), x)),
        ).toEqual(['5', '5', '7', '7']);
        expect(await chargesOf(w, FIXED_PRICE)).toEqual(expected(reading));
        expect([await billedTotal(w, '2026-01'), await billedTotal(w, '2026-02')]).toEqual(['0.00', '0.00']);
      },
      { annualContract: true },
    );
  });
});

describe('e) a corrected invoice', () => {
  /**
   * Business Standard (15.00) 10 seats from 1 January. The February invoice bills 11 (one too many); on 20
   * February Pax8 credits it and issues a new one with 10. Synced on 10 February: February bills 11 x 15.00 =
   * 165.00 and the run's cross-check names the disagreement (on purpose: invoice 11, history 10). Pulled again on 21
   * February: the credited invoice is withdrawn, the re-issue is live, and February bills 150.00.
   */
  const s = pax8Scenario();
  const contoso = s.company('Contoso Dental');
  const sub = s.subscribe(contoso, 'business-standard', { on: '2026-01-01', quantity: 10 });
  s.correctInvoice('2026-02-01', { on: '2026-02-20', subscriptionId: sub, extraQuantity: 1 });
  const seed = s.build();

  it.each(cases(readingsOf(SHAPES)))('%s', async (_n, reading) => {
    const { emulator, base } = await startPax8(seed, reading, '2026-02-10T09:00:00Z');
    try {
      const before = await pullFrom(base);
      expect(before.errors).toEqual([]);
      expect(before.disagreements).toHaveLength(1);
      expect(before.disagreements[0]!.text).toMatch(/11/);
      expect(seatsOn(live(before), '2026-02-15')).toBe('11');
      const w = await pax8World(pool, before, { now: '2026-02-10T09:00:00Z' });
      try {
        const first = (await syncAll(w, '2026-02-10')).run;
        expect(first.status, (await runMessages(pool, first.runId)).join('\n')).toBe('success');
        expect([await billedTotal(w, '2026-01'), await billedTotal(w, '2026-02')]).toEqual([
          '150.00',
          '165.00',
        ]);

        await emulator.clock.set('2026-02-21T09:00:00Z');
        const after = await pullFrom(base);
        expect(after.errors).toEqual([]);
        expect(after.disagreements).toEqual([]);
        const wrong = before.invoices.find(
          (i) => i.header.billingPeriod === after.withdrawn[0]?.billingPeriod,
        );
        expect(after.withdrawn.map((x) => x.id)).toEqual([wrong!.header.id]);
        expect(seatsOn(live(after), '2026-02-15')).toBe('10');
        // Into the store as the Pax8 pull does it: withdrawn invoices removed, live ones stored.
        for (const x of after.withdrawn)
          await pool.query('delete from invoices where workspace_id = $1 and id = $2', [w.ws, x.id]);
        for (const i of asWorldInvoices(after)) await storeInvoice(pool, w.ws, i.header, i.lines);
        // Autotask already has February's change on 1 February (11 seats), and billsync never edits a day's change
        // twice: 1 February is corrected by a credit of one seat for one day (15.00 / 28 = 0.54), 10 seats from 2
        // February; the run warns so.
        const second = (await syncAll(w, '2026-02-21')).run;
        expect(second.status).toBe('warning');
        expect(await runMessages(pool, second.runId)).toEqual([
          expect.stringMatching(
            /^1 Feb 2026 could not be changed .*booked a credit of -0\.54 .*right from 02 Feb 2026/,
          ),
        ]);
        expect([await billedTotal(w, '2026-01'), await billedTotal(w, '2026-02')]).toEqual([
          '150.00',
          '150.00',
        ]);
        expect(await rerunStatus(w, '2026-02-21')).toBe('no_change');
      } finally {
        await w.close();
      }
    } finally {
      await emulator.close();
    }
  });
});
