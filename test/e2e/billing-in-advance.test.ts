import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BILLING_VARIANTS, DEFAULT_VARIANT } from '../support/autotask-variants';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario } from '../support/cli-scenario';
import { BUSINESS_PREMIUM, CONTOSO, priceListFile, reconFile } from '../support/csp-files';
import { subscription } from '../support/months-data';

/**
 * Issue 16, billing in advance from the CLI to Autotask: each sync also bills the coming month from the seats
 * carried forward; the next invoice's seat changes true it up, as an adjustment on the change day while the month is
 * open, as a one-time charge once the MSP has posted it. Every month ends up billing what Microsoft billed (the
 * arrears money), the coming month bills the current seats at the coming month's price (the price list rises on
 * 1 February), and a re-run writes nothing; under every Autotask variant.
 */
const SUB = subscription(CONTOSO, BUSINESS_PREMIUM, 'eeee0000-0000-4000-8000-0000000000ad', '2025-12-01');
const MONTHS: Record<string, ReturnType<typeof SUB.cycle>[]> = {
  G000001212: [SUB.cycle('2025-12-01', '2025-12-31', 5, '20.00')],
  // 5 seats, 8 from 15 January.
  G000002601: [
    SUB.cycle('2026-01-01', '2026-01-31', 5, '20.00'),
    ...SUB.change('2026-01-15', '2026-01-31', 5, 8, '20.00'),
  ],
  // 8 seats, 6 from 20 February.
  G000002602: [
    SUB.cycle('2026-02-01', '2026-02-28', 8, '20.00'),
    ...SUB.change('2026-02-20', '2026-02-28', 8, 6, '20.00', 'removeQuantity'),
  ],
};

let s: CliScenario;

async function month(invoice: string, asOf: string) {
  await s.importInvoice(reconFile(s.dir, invoice, MONTHS[invoice]!));
  const products = await s.syncProducts({ asOf });
  expect(products.code, await s.explain(products)).toBe(0);
  const run = await s.syncCustomers({ asOf });
  expect([0, 2], await s.explain(run)).toContain(run.code);
  const before = s.writes();
  const again = await s.syncCustomers({ asOf });
  expect(again.runs.map((r) => [r.status, r.writes])).toEqual([['no_change', 0]]);
  expect(s.writes()).toBe(before);
  return run;
}

const billed = async (m: string) => (await s.readback.billedPerMonth(IDS.contract, m)).total.toFixed(2);

describe.each(BILLING_VARIANTS)(
  'billing in advance (issue 16), CLI + Autotask emulator: $name',
  (variant) => {
    beforeAll(async () => {
      s = await createCliScenario({
        now: '2026-01-08T09:00:00Z',
        inProcess: true,
        ...(variant.rules ? { rules: variant.rules } : {}),
        ...(variant.limits ? { limits: variant.limits } : {}),
      });
      await s.setup();
      await s.importPriceList(
        priceListFile(s.dir, [
          { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10', end: '2026-01-31' },
          { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '24.20', start: '2026-02-01' },
        ]),
      );
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    it("December's invoice: December as invoiced and January in advance from the 5 seats", async () => {
      await s.importInvoice(reconFile(s.dir, 'G000001212', MONTHS.G000001212!));
      const mapped = await s.json<{ billing: string }>(
        ...['map', CONTOSO.tenantId, '--company', String(IDS.company), '--contract', String(IDS.contract)],
        ...['--start', '2025-12-01', '--sync', 'on', '--billing', 'advance'],
      );
      expect(mapped.billing).toBe('advance');
      await month('G000001212', '2026-01-08');
      expect(await billed('2025-12')).toBe('115.50');
      expect(await billed('2026-01')).toBe('115.50');
    });

    it('January, posted by the MSP in advance, then its invoice: the 3 seats from 15 January come as a one-time charge; February in advance at 8 seats and the new price', async () => {
      await s.approveAndPost('2026-01-31', IDS.contract);
      await month('G000002601', '2026-02-08');
      // Arrears money of January: (5 x 14 + 8 x 17) / 31 x 23.10 = 153.50 = 115.50 billed ahead + 38.00 true-up.
      expect(await billed('2026-01')).toBe('153.50');
      if (variant === DEFAULT_VARIANT) {
        const charges = await s.readback.charges(IDS.contract);
        expect(charges.map((c) => c.amount.toFixed(2))).toEqual(['38.00']);
      }
      // February's seats are not invoiced yet: 8 carried, at February's 24.20.
      expect(await billed('2026-02')).toBe('193.60');
    });

    it("February's invoice while February is open: the drop to 6 on the 20th is an adjustment; March in advance at 6", async () => {
      await month('G000002602', '2026-03-08');
      // (8 x 19 + 6 x 9) / 28 x 24.20 = 178.04.
      expect(await billed('2026-02')).toBe('178.04');
      expect(await billed('2026-03')).toBe('145.20');
      expect(await billed('2026-01')).toBe('153.50');
      const customers = await s.json<{ tenantId: string; billing: string }[]>('customers', '--no-suggest');
      expect(customers.find((c) => c.tenantId === CONTOSO.tenantId)?.billing).toBe('advance');
    });
  },
);
