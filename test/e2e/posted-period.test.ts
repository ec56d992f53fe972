import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/core/money/decimal';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario } from '../support/cli-scenario';
import { seatChange, seatLine } from '../support/contoso-seats';
import { CONTOSO, priceListFile, reconFile } from '../support/csp-files';

/**
 * Issue 10: a seat change lands in a period the MSP already approved and posted (Autotask bills recurring
 * services in advance, Microsoft's invoice comes a month later). The line is put right from the first free day
 * and the posted days are booked as a one-time charge (or credit) on the contract, so the month still bills
 * what Microsoft invoiced; a re-run writes nothing. Whether Autotask would refuse an adjustment into a posted
 * period or accept it (both plausible) makes no difference: billsync never sends one.
 */

describe.each(['reject', 'bill-prorated'] as const)(
  'a locked day inside an approved-and-posted period (Autotask adjustments there: %s)',
  (rule) => {
    let s: CliScenario;
    beforeAll(async () => {
      s = await createCliScenario({
        now: '2026-01-08T09:00:00Z',
        rules: { postedPeriodAdjustments: rule },
        inProcess: true,
      });
      await s.setup();
      await s.importPriceList(priceListFile(s.dir, [{ cost: '20.00', erp: '23.10' }]));
      await s.importInvoice(reconFile(s.dir, 'G000001212', [seatLine('2025-12-01', '2025-12-31', 10)]));
      await s.map(CONTOSO.tenantId, { syncStart: '2026-01-01' });
      expect((await s.syncProducts({ asOf: '2026-01-08' })).code).toBe(0);
      expect((await s.syncCustomers({ asOf: '2026-01-08' })).code).toBe(0);
    }, 120_000);
    afterAll(async () => {
      await s?.close();
    });

    it('is corrected by a charge; the line is right from the next period; a re-run writes nothing', async () => {
      // 1 February: the MSP approves and posts January (billed in advance), before Microsoft's January invoice.
      s.setClock('2026-02-01T09:00:00Z');
      await s.approveAndPost('2026-01-31', IDS.contract);
      await s.importInvoice(
        reconFile(s.dir, 'G000002601', [
          seatLine('2026-01-01', '2026-01-31', 10),
          ...seatChange('2026-01-15', '2026-01-31', 10, 12),
        ]),
      );
      const adjustmentsBefore = s.emulator.requests.count('POST', '**/ServiceAdjustments');
      const run = await s.syncCustomers({ asOf: '2026-02-08' });
      expect(run.code, await s.explain(run)).toBe(2);
      expect(run.runs).toMatchObject([{ status: 'warning' }]);
      const detail = await s.json<{ lines: { status: string; messages: { text: string }[] }[] }>(
        'run',
        'show',
        run.runs[0]!.runId,
      );
      expect(detail.lines.flatMap((l) => l.messages.map((m) => m.text))).toContain(
        '15-31 Jan 2026 could not be changed (already approved and posted in the PSA): booked a charge of 25.34 (cost 21.94) on the contract; the line is right from 01 Feb 2026',
      );
      // One adjustment (+2 from 1 February), nothing dated in the posted period.
      expect(s.emulator.requests.count('POST', '**/ServiceAdjustments') - adjustmentsBefore).toBe(1);
      const [cs] = await s.readback.contractServices(IDS.contract);
      expect((await s.readback.unitsOn(cs!.id, '2026-01-20')).toFixed()).toBe('10');
      expect((await s.readback.unitsOn(cs!.id, '2026-02-01')).toFixed()).toBe('12');
      const charges = await s.readback.charges(IDS.contract);
      expect(charges.map((c) => [c.date, c.amount.toFixed(2)])).toEqual([['2026-01-15', '25.34']]);
      // January bills 10 seats all month and 2 more from the 15th: 231.00 + 2 x 23.10 x 17/31 = 256.335.
      const january = await s.readback.billedPerMonth(IDS.contract, '2026-01');
      expect(january.total.minus(dec('256.335')).abs().lte(dec('0.01'))).toBe(true);
      const before = s.writes();
      const again = await s.syncCustomers({ asOf: '2026-02-08' });
      expect(again.runs).toMatchObject([{ status: 'no_change', writes: 0 }]);
      expect(s.writes()).toBe(before);
    });

    it('a decrease in the next posted month is a credit, and the state follows from the month after', async () => {
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
      const charges = await s.readback.charges(IDS.contract);
      // 1 seat x 23.10 x 19/28 = 15.675: the line bills 12 x 23.10 = 277.20, the invoice 261.525, which rounds
      // half-up to 261.53: a credit of 15.67 (the half cent toward the month's total, not away from zero)
      expect(charges.map((c) => [c.date, c.amount.toFixed(2)])).toEqual([
        ['2026-01-15', '25.34'],
        ['2026-02-10', '-15.67'],
      ]);
      const [cs] = await s.readback.contractServices(IDS.contract);
      expect((await s.readback.unitsOn(cs!.id, '2026-03-01')).toFixed()).toBe('11');
      const february = await s.readback.billedPerMonth(IDS.contract, '2026-02');
      expect(february.total.minus(dec('261.525')).abs().lte(dec('0.01'))).toBe(true);
      const again = await s.syncCustomers({ asOf: '2026-03-08' });
      expect(again.runs).toMatchObject([{ status: 'no_change', writes: 0 }]);
    });
  },
);
