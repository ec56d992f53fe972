import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dec } from '../../src/core/money/decimal';
import { addDays, addMonths, parsePlainDate } from '../../src/core/time/plain-date';
import { BILLING_VARIANTS, DEFAULT_VARIANT } from '../support/autotask-variants';
import { IDS } from '../support/autotask-world';
import {
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  type SyncOutcome,
} from '../support/cli-scenario';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  dailyUsage,
  type OfferSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
  usageFile,
} from '../support/csp-files';
import {
  BASIC,
  E3,
  expected,
  FABRIKAM,
  INVOICES,
  JANUARY_CORRECTED,
  markSynced as markSyncedInto,
  NORTHWIND,
  newSynced,
  PRICES,
  type Synced,
  seatsOn,
  TAILSPIN,
  USAGE,
} from '../support/months-data';

/**
 * Issue 10, end to end as an MSP runs it: Microsoft-format files imported month by month through the CLI, the
 * product sync, then the customer sync the day after the invoice, against the Autotask emulator, read back with
 * a third-party Autotask client. After every month: units per day equal the invoices' seats, what each customer
 * is billed per month (unit rows prorated by days, plus charges) equals the invoices to the cent, and a re-run
 * writes nothing and reports No Change.
 */

const CONTRACT = { contoso: IDS.contract, fabrikam: 500, northwind: 501, tailspin: 502 } as const;

const SKU: Record<string, OfferSpec> = {
  'PC_CFQ7TTC0LCHC:0002': BUSINESS_PREMIUM,
  'PC_CFQ7TTC0LF8R:0001': E3,
  'PC_CFQ7TTC0LH18:0001': BASIC,
};

let s: CliScenario;
let synced: Synced = newSynced();
const mapped = new Set<string>();

async function importMonth(invoice: string, lines: ReconLineSpec[], syncStart: string): Promise<void> {
  await s.importInvoice(reconFile(s.dir, invoice, lines));
  const usage = USAGE[invoice];
  if (usage)
    await s.importInvoice(
      usageFile(s.dir, invoice, dailyUsage(usage.first, usage.last, usage.perDay, { customer: TAILSPIN })),
    );
  for (const [c, contract, strategy] of [
    [CONTOSO, CONTRACT.contoso, 'cost-and-retail'],
    [FABRIKAM, CONTRACT.fabrikam, 'cost-only'],
    [NORTHWIND, CONTRACT.northwind, 'none-on-update'],
    [TAILSPIN, CONTRACT.tailspin, 'cost-and-retail'],
  ] as const) {
    const known = lines.some((l) => l.customer === c) || (usage && c === TAILSPIN);
    if (!known || mapped.has(c.tenantId)) continue;
    await s.map(c.tenantId, { company: companyOf(contract), contract, strategy, syncStart });
    mapped.add(c.tenantId);
  }
}

const companyOf = (contract: number) => (contract === IDS.contract ? IDS.company : 600 + (contract - 500));

/** The invoices synced now count for the expectations (lines issued before the sync start excepted). */
function markSynced(invoice: string, lines: ReconLineSpec[]): void {
  markSyncedInto(synced, invoice, lines);
}

async function syncMonth(asOf: string): Promise<SyncOutcome> {
  const products = await s.syncProducts({ asOf });
  expect(products.code, await s.explain(products)).toBe(0);
  return s.syncCustomers({ asOf });
}

/**
 * Days whose units cannot follow the invoices any more (a locked day: the PSA already had a change on it); a
 * charge makes their money right instead.
 */
let lockedDays = new Set<string>();

/** Units per day of every line (locked days excepted) and the money of every month equal what the invoices say. */
async function checkPsa(months: string[]): Promise<void> {
  for (const [c, contract] of [
    [CONTOSO, CONTRACT.contoso],
    [FABRIKAM, CONTRACT.fabrikam],
    [NORTHWIND, CONTRACT.northwind],
    [TAILSPIN, CONTRACT.tailspin],
  ] as const) {
    for (const cs of await s.readback.contractServices(contract)) {
      const offer = SKU[cs.serviceName];
      if (!offer) continue;
      const rows = await s.readback.unitSegments(cs.id);
      for (const month of months) {
        const first = parsePlainDate(`${month}-01`);
        for (let day = first; day < addMonths(first, 1); day = addDays(day, 1)) {
          const row = rows.find((r) => r.start <= day && day <= r.end);
          const units = row ? Number(row.units.toFixed()) : 0;
          if (lockedDays.has(`${c.tenantId}|${cs.serviceName}|${day}`)) continue;
          expect(units, `${c.name} ${cs.serviceName} units on ${day}`).toBe(seatsOn(synced, c, offer, day));
        }
      }
    }
    for (const month of months) {
      const bill = await s.readback.billedPerMonth(contract, month);
      const want = expected(synced, c, month);
      expect(
        bill.total.minus(want).abs().lte(dec('0.01')),
        `${c.name} ${month}: billed ${bill.total} for ${want}`,
      ).toBe(true);
    }
  }
}

/**
 * Every Autotask variant (issue 11): the defaults run the real command as an MSP does; the others run the same
 * CLI code in this process (no process start per command) to keep CI short.
 */
describe.each(BILLING_VARIANTS)(
  'money over months (issue 10), CLI + Autotask emulator: $name',
  (variant) => {
    beforeAll(async () => {
      synced = newSynced();
      mapped.clear();
      lockedDays = new Set();
      s = await createCliScenario({
        now: '2026-01-08T09:00:00Z',
        seed: { extraCustomers: 3 },
        ...(variant.rules ? { rules: variant.rules } : {}),
        ...(variant.limits ? { limits: variant.limits } : {}),
        inProcess: variant !== DEFAULT_VARIANT,
      });
      await s.setup();
      await s.importPriceList(priceListFile(s.dir, PRICES));
    }, 60_000);
    afterAll(async () => {
      await s?.close();
    });

    it('December: the sync start is honoured, each subscription from its first synced day', async () => {
      await importMonth('G000001111', INVOICES.G000001111!, '2026-01-01');
      await importMonth('G000001212', INVOICES.G000001212!, '2026-01-01');
      const run = await syncMonth('2026-01-08');
      expect(run.code, await s.explain(run)).toBe(0);
      markSynced('G000001212', INVOICES.G000001212!);
      await checkPsa(['2025-12']);
      // Subscription A's 20 Nov - 19 Dec cycle was on the November invoice (before the sync start): not billed.
      const [bp] = (await s.readback.contractServices(CONTRACT.contoso)).filter(
        (x) => x.serviceName === 'PC_CFQ7TTC0LCHC:0002',
      );
      expect((await s.readback.unitsOn(bp!.id, '2025-12-19')).toFixed()).toBe('5');
      expect((await s.readback.unitsOn(bp!.id, '2025-12-20')).toFixed()).toBe('15');
      await expectRerunWritesNothing(s, '2026-01-08');
    });

    it('January: a seat decrease in the 7-day window, a cancellation, Azure on the invoice and from the usage file alone, credit and one-off lines skipped', async () => {
      await importMonth('G000002601', INVOICES.G000002601!, '2026-01-01');
      const run = await syncMonth('2026-02-08');
      expect(run.code, await s.explain(run)).toBe(0);
      markSynced('G000002601', INVOICES.G000002601!);
      await checkPsa(['2025-12', '2026-01', '2026-02'].slice(0, 2));
      // February's Azure line: January's usage, from the invoice (Contoso) and from the usage file alone (Tailspin).
      expect(
        (await s.readback.billedPerMonth(CONTRACT.contoso, '2026-02')).services
          .find((x) => x.serviceName === 'PC_DZH318Z0BPS6:0001')
          ?.amount.toFixed(),
      ).toBe('120');
      expect((await s.readback.billedPerMonth(CONTRACT.tailspin, '2026-02')).total.toFixed()).toBe('62');
      const contoso = await s.json<{
        lines: { label: string; status: string; messages: { text: string }[] }[];
      }>('run', 'show', run.runs.find((r) => r.tenantId === CONTOSO.tenantId)!.runId);
      expect(contoso.lines.filter((i) => i.status === 'skipped').map((i) => i.messages[0]!.text)).toEqual([
        'skipped: not a standard invoice line',
        'skipped: not a standard invoice line',
      ]);
      await expectRerunWritesNothing(s, '2026-02-08');
    });

    it('a corrected re-issue of January: a new day is written, a day already written is put right the next day and charged', async () => {
      await s.importInvoice(reconFile(s.dir, 'G000002601', JANUARY_CORRECTED, 'G000002601-corrected.csv'));
      const run = await s.syncCustomers({ asOf: '2026-02-16' });
      expect(run.code, await s.explain(run)).toBe(2);
      const contoso = run.runs.find((r) => r.tenantId === CONTOSO.tenantId)!;
      expect(contoso.status).toBe('warning');
      markSynced('G000002601', JANUARY_CORRECTED);
      // 22 Jan already carries the change to 8 seats (one adjustment per line and day): 7 is right from 23 Jan.
      lockedDays.add(`${CONTOSO.tenantId}|PC_CFQ7TTC0LCHC:0002|2026-01-22`);
      await checkPsa(['2025-12', '2026-01']);
      const charges = await s.readback.charges(CONTRACT.contoso);
      expect(charges.map((c) => [c.date, c.amount.toFixed(2)])).toEqual([['2026-01-22', '-0.75']]);
      await expectRerunWritesNothing(s, '2026-02-16');
    });

    it('February: a price rise with the invoice that bills it, an upgrade, an ended subscription, strategies 2 and 4', async () => {
      await importMonth('G000002602', INVOICES.G000002602!, '2026-01-01');
      const run = await syncMonth('2026-03-08');
      expect([0, 2], await s.explain(run)).toContain(run.code);
      markSynced('G000002602', INVOICES.G000002602!);
      await checkPsa(['2025-12', '2026-01', '2026-02']);
      // Azure: February had no usage for Contoso: 0 from 1 March; Tailspin's February usage from the usage file.
      expect((await s.readback.billedPerMonth(CONTRACT.tailspin, '2026-03')).total.toFixed()).toBe('42');
      await expectRerunWritesNothing(s, '2026-03-08');
    });

    it('March: Azure again; every month still bills what Microsoft invoiced', async () => {
      await importMonth('G000002603', INVOICES.G000002603!, '2026-01-01');
      const run = await syncMonth('2026-04-08');
      expect(run.code, await s.explain(run)).toBe(0);
      markSynced('G000002603', INVOICES.G000002603!);
      await checkPsa(['2025-12', '2026-01', '2026-02', '2026-03', '2026-04'].slice(0, 4));
      expect(
        (await s.readback.billedPerMonth(CONTRACT.contoso, '2026-04')).services
          .find((x) => x.serviceName === 'PC_DZH318Z0BPS6:0001')
          ?.amount.toFixed(),
      ).toBe('50');
      expect((await s.readback.billedPerMonth(CONTRACT.tailspin, '2026-04')).total.toFixed()).toBe('0');
      await expectRerunWritesNothing(s, '2026-04-08');
    });
  },
  300_000,
);
