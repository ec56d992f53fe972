import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario } from '../support/cli-scenario';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  type OfferSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';

/**
 * Issue 16, the annual seat-based motion from the CLI to Autotask (decision 0015): annual-billed lines (P1Y:A)
 * go to the customer's Fixed Price contract as one-time charges dated to their charge start (the full term at the
 * cycle start, a mid-term addition prorated as Microsoft billed it, a removal as a credit), at retail (Microsoft's
 * proration applied to the annual retail); monthly lines stay on the recurring contract. Re-runs write nothing; a
 * corrected re-issue books only the difference.
 */
const ANNUAL: OfferSpec = { ...BUSINESS_PREMIUM, term: 'P1Y', billingPlan: 'Annual' };
const FIXED_PRICE = 1060;
const SUB = 'ab000000-0000-4000-8000-0000000000a1';
const line = (spec: Omit<ReconLineSpec, 'customer' | 'offer' | 'subscriptionId'>): ReconLineSpec => ({
  customer: CONTOSO,
  offer: ANNUAL,
  subscriptionId: SUB,
  subscriptionStart: '2025-12-05',
  subscriptionEnd: '2026-12-04',
  ...spec,
});
const MONTHLY = (start: string, end: string): ReconLineSpec => ({
  customer: CONTOSO,
  offer: BUSINESS_PREMIUM,
  subscriptionId: 'ab000000-0000-4000-8000-0000000000b2',
  subscriptionStart: '2025-12-01',
  chargeStart: start,
  chargeEnd: end,
  quantity: 3,
  unitPrice: '22.00',
  subtotal: '66.00',
});
const INVOICES: Record<string, ReconLineSpec[]> = {
  // A new annual subscription of 5 seats on 5 December, billed in full: 5 x 237.60.
  G000001212: [
    line({
      chargeType: 'new',
      chargeStart: '2025-12-05',
      chargeEnd: '2026-12-04',
      quantity: 5,
      unitPrice: '237.60',
      effectiveUnitPrice: '237.60',
      subtotal: '1188.00',
    }),
    MONTHLY('2025-12-01', '2025-12-31'),
  ],
  // Two more seats from 20 January for the rest of the term (319 of 365 days): 415.31.
  G000002601: [
    line({
      chargeType: 'addQuantity',
      chargeStart: '2026-01-20',
      chargeEnd: '2026-12-04',
      quantity: 2,
      unitPrice: '237.60',
      effectiveUnitPrice: '207.65',
      subtotal: '415.31',
    }),
    MONTHLY('2026-01-01', '2026-01-31'),
  ],
  // One seat removed on 3 February, credited for the rest of the term: -200.00.
  G000002602: [
    line({
      chargeType: 'removeQuantity',
      reversal: true,
      chargeStart: '2026-02-03',
      chargeEnd: '2026-12-04',
      quantity: 1,
      unitPrice: '237.60',
      effectiveUnitPrice: '200.00',
      subtotal: '-200.00',
    }),
    MONTHLY('2026-02-01', '2026-02-28'),
  ],
};

let s: CliScenario;

async function sync(asOf: string) {
  const products = await s.syncProducts({ asOf });
  expect(products.code, await s.explain(products)).toBe(0);
  return s.syncCustomers({ asOf });
}

async function rerunWritesNothing(asOf: string) {
  const before = s.writes();
  const again = await s.syncCustomers({ asOf });
  expect(again.runs.map((r) => [r.status, r.writes])).toEqual([['no_change', 0]]);
  expect(s.writes()).toBe(before);
}

const charges = async (contract: number) =>
  (await s.readback.charges(contract)).map((c) => [c.date, c.amount.toFixed(2)]);

describe('annual seat-based motion (issue 16), CLI + Autotask emulator', () => {
  beforeAll(async () => {
    s = await createCliScenario({
      now: '2026-01-08T09:00:00Z',
      inProcess: true,
      editSeed: (seed) => {
        seed.Contracts.push({
          ...seed.Contracts[0]!,
          id: FIXED_PRICE,
          contractName: 'Contoso annual licences',
          contractType: 3,
          contractPeriodType: null,
          startDate: '2025-01-01',
          endDate: '2028-12-31',
        } as never);
      },
    });
    await s.setup(['--annual', 'on']);
    await s.importPriceList(
      priceListFile(s.dir, [
        { offer: BUSINESS_PREMIUM, cost: '22.00', erp: '24.20' },
        { offer: ANNUAL, cost: '237.60', erp: '264.00' },
      ]),
    );
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('without an annual contract the annual line is an item error that says what to do; the monthly line syncs', async () => {
    await s.importInvoice(reconFile(s.dir, 'G000001212', INVOICES.G000001212!));
    await s.map(CONTOSO.tenantId, { syncStart: '2025-12-01' });
    const run = await sync('2026-01-08');
    expect(run.code).toBe(1);
    const show = await s.json<{ lines: { status: string; messages: { text: string }[] }[] }>(
      'run',
      'show',
      run.runs[0]!.runId,
    );
    const errors = show.lines
      .filter((l) => l.status === 'error')
      .flatMap((l) => l.messages.map((m) => m.text));
    expect(errors).toEqual([
      expect.stringMatching(/^Annual billing is on but the customer has no annual contract/),
    ]);
    expect(await charges(FIXED_PRICE)).toEqual([]);
  });

  it('December: the annual purchase is one charge of the full term at retail on the Fixed Price contract', async () => {
    const refused = await s.run(
      ...[
        '--json',
        'map',
        CONTOSO.tenantId,
        '--company',
        String(IDS.company),
        '--contract',
        String(IDS.contract),
      ],
      ...['--start', '2025-12-01', '--sync', 'on', '--annual-contract', String(IDS.contract)],
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toMatch(/has no Fixed Price contract/);
    const mapped = await s.json<{ annualContractId: string; annualContractName: string }>(
      ...['map', CONTOSO.tenantId, '--company', String(IDS.company), '--contract', String(IDS.contract)],
      ...['--start', '2025-12-01', '--sync', 'on', '--annual-contract', String(FIXED_PRICE)],
    );
    expect(mapped).toMatchObject({
      annualContractId: String(FIXED_PRICE),
      annualContractName: 'Contoso annual licences',
    });
    const run = await sync('2026-01-08');
    expect(run.code, await s.explain(run)).toBe(0);
    // 1188.00 x 264.00 / 237.60 = 1320.00 (5 seats at the annual retail).
    expect(await charges(FIXED_PRICE)).toEqual([['2025-12-05', '1320.00']]);
    // Nothing of the annual subscription on the recurring contract; its monthly line bills 3 x 24.20.
    const lines = await s.readback.contractServices(IDS.contract);
    expect(lines.map((l) => l.serviceName)).toEqual(['PC_CFQ7TTC0LCHC:0002']);
    expect((await s.readback.billedPerMonth(IDS.contract, '2025-12')).total.toFixed(2)).toBe('72.60');
    await rerunWritesNothing('2026-01-08');
  });

  it('January and February: a mid-term addition prorated as Microsoft billed it, a removal as a credit', async () => {
    await s.importInvoice(reconFile(s.dir, 'G000002601', INVOICES.G000002601!));
    expect((await sync('2026-02-08')).code).toBe(0);
    await rerunWritesNothing('2026-02-08');
    await s.importInvoice(reconFile(s.dir, 'G000002602', INVOICES.G000002602!));
    expect((await sync('2026-03-08')).code).toBe(0);
    await rerunWritesNothing('2026-03-08');
    // 415.31 x 264 / 237.60 = 461.46; -200.00 x 264 / 237.60 = -222.22.
    expect(await charges(FIXED_PRICE)).toEqual([
      ['2025-12-05', '1320.00'],
      ['2026-01-20', '461.46'],
      ['2026-02-03', '-222.22'],
    ]);
  });

  it('a corrected re-issue of January books only the difference', async () => {
    const corrected = INVOICES.G000002601!.map((l) =>
      l.offer === ANNUAL ? { ...l, subtotal: '420.00', effectiveUnitPrice: '210.00' } : l,
    );
    await s.importInvoice(reconFile(s.dir, 'G000002601', corrected, 'G000002601-corrected.csv'));
    const run = await s.syncCustomers({ asOf: '2026-03-10' });
    expect(run.code, await s.explain(run)).toBe(0);
    // 420.00 x 264 / 237.60 = 466.67: 5.21 more than booked.
    expect(await charges(FIXED_PRICE)).toEqual([
      ['2025-12-05', '1320.00'],
      ['2026-01-20', '461.46'],
      ['2026-02-03', '-222.22'],
      ['2026-01-20', '5.21'],
    ]);
    await rerunWritesNothing('2026-03-10');
  });
});
