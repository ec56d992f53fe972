import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Decimal, dec, decimalFixed, ZERO } from '../../src/core/money/decimal';
import { addDays, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { IDS } from '../support/autotask-world';
import {
  type CliScenario,
  createCliScenario,
  expectRerunWritesNothing,
  runMessages,
  type ScenarioTarget,
  showRun,
} from '../support/cli-scenario';
import { CW_IDS, LINKED_SKU } from '../support/connectwise-world';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  type OfferSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { BASIC, E3, subscription } from '../support/months-data';
import { billed, psaPicture } from '../support/psa-picture';

/**
 * Audit of the cutover of an MSP that already bills Contoso by hand (spec sections 4, 5, 6, 9; README "Moving a
 * customer from manual billing: the shadow first sync"; decisions 0006, 0008, 0012), on Autotask and ConnectWise,
 * over four synced months (December 2025 .. March 2026 usage, synced 8 Jan .. 8 Apr 2026).
 *
 * Before billsync, the contract bills by hand since 1 Oct 2025:
 * - Business Premium: 10 seats (right);
 * - Office 365 E3: 6 seats (wrong by a seat: the invoices say 5);
 * - Business Basic: 3 seats on a product of the MSP's own name (Autotask: a service "Microsoft 365 Business
 *   Basic"; ConnectWise: the catalog item M365-BASIC whose vendor SKU is the SKU code, at 7.00 not 7.20).
 * On Autotask the MSP's Premium and E3 services are named as billsync names them (PC_<SKU>): the product preview
 * shows a collision, the MSP adopts them. On ConnectWise its items carry the SKU code as vendor SKU: linked.
 *
 * The MSP maps Contoso with sync start 1 Jan 2026 and the shadow first sync, previews, applies, then syncs
 * monthly. Expected (from the spec only): the first synced day is 1 Dec 2025 (the invoice issued 7 Jan bills the
 * December cycles); from then on the contract bills exactly the invoices' seat-days x retail per month, nothing
 * twice; October and November stay as billed by hand; each re-run writes nothing.
 */

const PRICES: { offer: OfferSpec; cost: string; erp: string }[] = [
  { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10' },
  { offer: E3, cost: '30.00', erp: '36.00' },
  { offer: BASIC, cost: '6.00', erp: '7.20' },
];
const sku = (o: OfferSpec) => `${o.productId}:${o.skuId}`;

const P = subscription(CONTOSO, BUSINESS_PREMIUM, 'c0000000-0000-4000-8000-0000000000b1', '2025-10-01');
const E = subscription(CONTOSO, E3, 'c0000000-0000-4000-8000-0000000000e3', '2025-10-01');
const B = subscription(CONTOSO, BASIC, 'c0000000-0000-4000-8000-0000000000ba', '2025-10-01');

/** Invoice number, issue date, lines. Calendar cycles; the invoice issued in M+1 bills M's cycle. */
const INVOICES: { id: string; issued: string; period: string; lines: ReconLineSpec[] }[] = [
  {
    id: 'G000001111',
    issued: '2025-12-07',
    period: '2025-11',
    lines: [
      P.cycle('2025-11-01', '2025-11-30', 10, '20.00'),
      E.cycle('2025-11-01', '2025-11-30', 5, '30.00'),
      B.cycle('2025-11-01', '2025-11-30', 3, '6.00'),
    ],
  },
  {
    id: 'G000001212',
    issued: '2026-01-07',
    period: '2025-12',
    lines: [
      P.cycle('2025-12-01', '2025-12-31', 10, '20.00'),
      E.cycle('2025-12-01', '2025-12-31', 5, '30.00'),
      B.cycle('2025-12-01', '2025-12-31', 3, '6.00'),
    ],
  },
  {
    id: 'G000002601',
    issued: '2026-02-07',
    period: '2026-01',
    lines: [
      P.cycle('2026-01-01', '2026-01-31', 10, '20.00'),
      ...P.change('2026-01-20', '2026-01-31', 10, 12, '20.00'),
      E.cycle('2026-01-01', '2026-01-31', 5, '30.00'),
      B.cycle('2026-01-01', '2026-01-31', 3, '6.00'),
    ],
  },
  {
    id: 'G000002602',
    issued: '2026-03-07',
    period: '2026-02',
    lines: [
      P.cycle('2026-02-01', '2026-02-28', 12, '20.00'),
      E.cycle('2026-02-01', '2026-02-28', 5, '30.00'),
      ...E.change('2026-02-15', '2026-02-28', 5, 4, '30.00', 'removeQuantity'),
      B.cycle('2026-02-01', '2026-02-28', 3, '6.00'),
      ...B.change('2026-02-10', '2026-02-28', 3, 4, '6.00'),
    ],
  },
  {
    id: 'G000002603',
    issued: '2026-04-07',
    period: '2026-03',
    lines: [
      P.cycle('2026-03-01', '2026-03-31', 12, '20.00'),
      E.cycle('2026-03-01', '2026-03-31', 4, '30.00'),
      B.cycle('2026-03-01', '2026-03-31', 4, '6.00'),
    ],
  },
];

const SYNCED_MONTHS = ['2025-12', '2026-01', '2026-02', '2026-03'];
const HAND_MONTHS = ['2025-10', '2025-11'];

/** What the invoices of synced periods bill in `month` for an offer: seat-days x retail / days of the month. */
function expectedOffer(offer: OfferSpec, month: string): Decimal {
  const erp = dec(PRICES.find((p) => p.offer === offer)!.erp);
  const dim = daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
  let seatDays = ZERO;
  for (const inv of INVOICES.filter((i) => i.issued >= '2026-01-01'))
    for (const l of inv.lines) {
      if (l.offer !== offer) continue;
      const sign = l.reversal ? -1 : 1;
      for (let d = parsePlainDate(l.chargeStart); d <= parsePlainDate(l.chargeEnd); d = addDays(d, 1))
        if (d.slice(0, 7) === month) seatDays = seatDays.plus(dec(sign * l.quantity));
    }
  return seatDays.times(erp).div(dec(dim));
}
const expectedMonth = (month: string) =>
  decimalFixed(
    PRICES.reduce((t, p) => t.plus(expectedOffer(p.offer, month)), ZERO),
    2,
  );

// ---------------------------------------------------------------------------------------------------------------
// The PSA tenants, billing by hand since 1 Oct 2025.

const AT_SERVICE = { premium: 901, e3: 902, basicHand: 903 };

function atSeed(seed: Record<string, unknown> & { Services: Record<string, unknown>[] }) {
  const service = (id: number, name: string, price: number, cost: number) => ({
    id,
    name,
    billingCodeID: IDS.code,
    periodType: 2,
    unitPrice: price,
    unitCost: cost,
    isActive: true,
  });
  seed.Services.push(
    service(AT_SERVICE.premium, `PC_${sku(BUSINESS_PREMIUM)}`, 23.1, 20),
    service(AT_SERVICE.e3, `PC_${sku(E3)}`, 36, 30),
    service(AT_SERVICE.basicHand, 'Microsoft 365 Business Basic', 7.2, 6),
  );
  const lines = [
    [951, AT_SERVICE.premium, 10],
    [952, AT_SERVICE.e3, 5],
    [953, AT_SERVICE.basicHand, 3],
  ] as const;
  seed.ContractServices = lines.map(([id, serviceID]) => ({
    id,
    contractID: IDS.contract,
    serviceID,
    startDate: '2025-01-01',
  }));
  seed.ContractServiceAdjustments = [
    ...lines.map(([id, , units]) => ({
      contractServiceID: id,
      effectiveDate: '2025-10-01',
      unitChange: units,
    })),
    // The MSP's wrong seat: added by hand on 1 Dec 2025, billsync's first synced day.
    { contractServiceID: 952, effectiveDate: '2025-12-01', unitChange: 1 },
  ];
}

function cwSeedEdit(seed: Record<string, unknown> & { catalog: Record<string, unknown>[] }) {
  const item = (id: number, identifier: string, vendorSku: string, price: number, cost: number) => ({
    id,
    identifier,
    vendorSku,
    description: identifier,
    customerDescription: identifier,
    subcategory: { id: CW_IDS.subcategory },
    type: { id: CW_IDS.productType },
    price,
    cost,
  });
  seed.catalog.push(
    item(31, 'M365-BP', sku(BUSINESS_PREMIUM), 23.1, 20),
    item(32, 'O365-E3', sku(E3), 36, 30),
  );
  const addition = (
    id: number,
    product: number,
    quantity: number,
    unitPrice: number,
    unitCost: number,
    from = '2025-10-01',
    to?: string,
  ) => ({
    id,
    agreementId: CW_IDS.agreement,
    product: { id: product },
    quantity,
    unitPrice,
    unitCost,
    billCustomer: 'Billable',
    effectiveDate: `${from}T00:00:00Z`,
    ...(to ? { cancelledDate: `${to}T00:00:00Z` } : {}),
  });
  seed.additions = [
    addition(701, 31, 10, 23.1, 20),
    // The MSP's wrong seat: E3 raised by hand from 5 to 6 on 1 Dec 2025, billsync's first synced day.
    addition(702, 32, 5, 36, 30, '2025-10-01', '2025-11-30'),
    addition(704, 32, 6, 36, 30, '2025-12-01'),
    addition(703, CW_IDS.linkedItem, 3, 7, 6),
  ];
}

const at = (s: CliScenario<ScenarioTarget>) => s as CliScenario<'autotask'>;
const cw = (s: CliScenario<ScenarioTarget>) => s as CliScenario<'connectwise'>;

/**
 * What the contract bills in a month without the MSP's own-named Autotask Basic line (which billsync cannot tie to
 * the offer): the lines billsync keeps. ConnectWise: the whole agreement.
 */
/** What the contract bills in a month: every line is billsync's once the hand services are adopted. */
async function managed(s: CliScenario<ScenarioTarget>, contract: number, month: string): Promise<Decimal> {
  return billed(s, contract, month);
}

// ---------------------------------------------------------------------------------------------------------------

interface World {
  s: CliScenario<ScenarioTarget>;
  contract: number;
  hand: Record<string, string>;
  log: string[];
  shadowText?: string;
}

/** Write requests to the contract (Autotask: lines, adjustments, charges; ConnectWise: additions). */
function contractWrites(s: CliScenario<ScenarioTarget>): number {
  return Object.entries(s.emulator.requests.counts())
    .filter(([key]) => !/\/query/i.test(key))
    .filter(([key]) =>
      s.target === 'connectwise'
        ? /^(POST|PUT|PATCH|DELETE) .*additions/i.test(key)
        : /^(POST|PUT|PATCH|DELETE) .*(ContractService|ServiceAdjustment|ContractCharge|Charges)/i.test(key),
    )
    .reduce((n, [, c]) => n + c, 0);
}

async function world(target: ScenarioTarget): Promise<World> {
  const s = (await createCliScenario({
    target,
    now: '2026-01-08T09:00:00Z',
    inProcess: true,
    // biome-ignore lint/suspicious/noExplicitAny: either PSA's seed.
    editSeed: (seed: any) => (target === 'connectwise' ? cwSeedEdit(seed) : atSeed(seed)),
    // biome-ignore lint/suspicious/noExplicitAny: either PSA's options.
  } as any)) as CliScenario<ScenarioTarget>;
  await s.setup();
  await s.importPriceList(
    priceListFile(
      s.dir,
      PRICES.map((p) => ({ offer: p.offer, cost: p.cost, erp: p.erp })),
    ),
  );
  const contract = target === 'connectwise' ? CW_IDS.agreement : IDS.contract;
  const hand: Record<string, string> = {};
  for (const m of HAND_MONTHS) hand[m] = decimalFixed(await billed(s, contract, m), 2);
  return { s, contract, hand, log: [] };
}

async function importUpTo(w: World, issuedBefore: string, done: Set<string>) {
  for (const inv of INVOICES)
    if (inv.issued < issuedBefore && !done.has(inv.id)) {
      await w.s.importInvoice(reconFile(w.s.dir, inv.id, inv.lines), {
        period: inv.period,
        issued: inv.issued,
      });
      done.add(inv.id);
    }
}

for (const target of ['autotask', 'connectwise'] as const) {
  describe(`cutover from hand billing (${target})`, () => {
    let w: World;
    const imported = new Set<string>();
    beforeAll(async () => {
      w = await world(target);
      await importUpTo(w, '2026-01-08', imported);
    }, 60_000);
    afterAll(async () => {
      if (process.env.CUTOVER_LOG) console.log(w?.log.join('\n'));
      await w?.s.close();
    });

    it('the hand-billed months before billsync bill what the MSP wrote', () => {
      // Autotask: 10 x 23.10 + 5 x 36 + 3 x 7.20; ConnectWise: Basic at the hand price 7.00.
      const hand = target === 'connectwise' ? '432.00' : '432.60';
      expect(w.hand).toEqual({ '2025-10': hand, '2025-11': hand });
    });

    it('product preview and sync: the hand products are adopted / linked, nothing duplicated', async () => {
      const { s } = w;
      const preview = await s.syncProducts({ asOf: '2026-01-08', preview: true });
      w.log.push(`product preview: ${JSON.stringify(preview.runs)}`);
      if (target === 'autotask') {
        const run = await showRun(s, preview.runs[0]!.runId);
        w.log.push(runMessages(run).join('\n'));
        // Basic is billed by hand on a service of the MSP's own name: nothing ties it to the offer (spec section 4
        // names products PC_<SKU>), so the MSP adopts it like the others (README, Products: Adopt). Not adopted, the
        // contract would get billsync's PC_ line beside the hand one (a gap noted in the tenth session's closing
        // note: matching services by title is not built).
        for (const [o, id] of [
          [BUSINESS_PREMIUM, AT_SERVICE.premium],
          [E3, AT_SERVICE.e3],
          [BASIC, AT_SERVICE.basicHand],
        ] as const) {
          const r = await s.run('--json', 'adopt', '--offer', sku(o), '--product', String(id));
          expect(r.code, r.stderr + r.stdout).toBe(0);
        }
      }
      const sync = await s.syncProducts({ asOf: '2026-01-08' });
      expect(sync.code, await s.explain(sync)).toBe(0);
      if (target === 'autotask') {
        const names = [...at(s).emulator.state.tables.Services.values()].map((v) => String(v.name)).sort();
        // Premium and E3 adopted (no second PC_ service). Product Sync Mode In Use (R-4): Basic is created by the
        // customer's first sync (README step 6), not here: Contoso is not mapped yet.
        expect(names).toEqual(
          ['Microsoft 365 Business Basic', `PC_${sku(E3)}`, `PC_${sku(BUSINESS_PREMIUM)}`].sort(),
        );
      } else {
        const items = (await cw(s).readback.additions(w.contract)).map((a) => a.product);
        expect([...new Set(items)].sort()).toEqual(['M365-BASIC', 'M365-BP', 'O365-E3']);
        const catalog = [
          ...(
            s.emulator.state as unknown as { tables: { catalog: Map<number, { vendorSku?: string }> } }
          ).tables.catalog.values(),
        ];
        for (const code of [sku(BUSINESS_PREMIUM), sku(E3), LINKED_SKU])
          expect(catalog.filter((c) => c.vendorSku === code).length, code).toBe(1);
      }
    });

    it('map with the shadow first sync; the preview writes nothing; the shadow run compares and writes nothing', async () => {
      const { s } = w;
      const mapped = await s.json<Record<string, unknown>>(
        ...[
          'map',
          CONTOSO.tenantId,
          '--company',
          String(target === 'connectwise' ? CW_IDS.company : IDS.company),
        ],
        ...['--contract', String(w.contract), '--strategy', 'cost-and-retail', '--start', '2026-01-01'],
        ...[
          '--sync',
          'on',
          '--shadow',
          'on',
          ...(target === 'connectwise' ? ['--target', 'connectwise'] : []),
        ],
      );
      w.log.push(`mapped: ${JSON.stringify(mapped)}`);
      const before = s.writes();
      const picture = await psaPicture(s, w.contract);
      const preview = await s.syncCustomers({ asOf: '2026-01-08', preview: true });
      w.log.push(`customer preview: ${JSON.stringify(preview.runs)}`);
      expect(s.writes()).toBe(before);
      const shadow = await s.syncCustomers({ asOf: '2026-01-08' });
      expect(shadow.runs, await s.explain(shadow)).toMatchObject([
        { status: 'awaiting_approval', writes: 0 },
      ]);
      // The contract is not touched (the services / catalog items the invoices need may be created or priced).
      expect(contractWrites(s)).toBe(0);
      w.log.push(
        `writes during shadow: ${s.writes() - before}: ${JSON.stringify(s.emulator.requests.counts())}`,
      );
      expect(await psaPicture(s, w.contract)).toBe(picture);
      const detail = await showRun(s, shadow.runs[0]!.runId);
      const comparisons = detail.lines.flatMap((l) =>
        (
          (l as unknown as { comparison: { month: string; psa: string; invoices: string }[] | null })
            .comparison ?? []
        ).map((c) => ({ psa: c.psa, month: c.month, invoices: c.invoices })),
      );
      w.log.push(`shadow: ${JSON.stringify(detail, null, 1)}`);
      // December, per offer: PSA today (by hand) vs the invoice at retail.
      const flat = JSON.stringify(comparisons);
      expect(flat).toContain('"psa":"231.00","month":"2025-12","invoices":"231.00"'); // Premium 10 x 23.10
      expect(flat).toContain('"psa":"216.00","month":"2025-12","invoices":"180.00"'); // E3 6 vs 5 x 36
      w.shadowText = flat;
      const approve = await s.run('--json', 'run', 'approve', shadow.runs[0]!.runId);
      const shown = await s.run('run', 'show', shadow.runs[0]!.runId);
      w.log.push(`approved: ${approve.stdout}\n${shown.stdout}`);
      expect(approve.code, `${approve.stdout}${approve.stderr}\n${shown.stdout}`).not.toBe(1);
      expect([JSON.parse(approve.stdout)].flat()).toMatchObject([
        { status: expect.stringMatching(/success|warning/) },
      ]);
    });

    it('the shadow run tells that the contract already bills Business Basic by hand', () => {
      // The contract bills 3 Basic seats by hand (ConnectWise: 21.00 at 7.00 on the linked item; Autotask: 21.60
      // on the MSP's service named after the product). Applying the run must not add 3 more unseen.
      expect(w.shadowText).toContain(
        target === 'connectwise'
          ? '"psa":"21.00","month":"2025-12","invoices":"21.60"'
          : '"psa":"21.60","month":"2025-12","invoices":"21.60"',
      );
    });

    for (const [i, asOf] of ['2026-01-08', '2026-02-08', '2026-03-08', '2026-04-08'].entries()) {
      const month = SYNCED_MONTHS[i]!;
      it(`sync as of ${asOf}: ${month} and every synced month before bills the invoices to the cent on billsync's lines; hand months untouched; re-run writes nothing`, async () => {
        const { s } = w;
        await importUpTo(w, asOf, imported);
        const run = await s.syncCustomers({ asOf });
        w.log.push(`${asOf}: ${JSON.stringify(run.runs)}`);
        // A shadow first sync that failed when applied stays a shadow sync (decision 0006): its next sync waits
        // for approval again; the MSP reads it and applies it.
        for (const r of run.runs.filter((x) => x.status === 'awaiting_approval')) {
          const approve = await s.run('--json', 'run', 'approve', r.runId);
          w.log.push(`${asOf} approved: ${approve.stdout}\n${(await s.run('run', 'show', r.runId)).stdout}`);
        }
        await expectRerunWritesNothing(s, asOf);
        const got: Record<string, string> = {};
        const want: Record<string, string> = {};
        for (const m of SYNCED_MONTHS.slice(0, i + 1)) {
          got[m] = decimalFixed(await managed(s, w.contract, m), 2);
          want[m] = expectedMonth(m);
          if (target === 'autotask') {
            // Diagnostics: per contract line.
            const bill = await at(s).readback.billedPerMonth(w.contract, m);
            w.log.push(
              `${m}: ${bill.services.map((x) => `${x.serviceName}=${decimalFixed(x.amount, 2)}`).join(' ')} charges=${bill.charges.map((c) => decimalFixed(c.amount, 2)).join(',')}`,
            );
          }
        }
        for (const m of HAND_MONTHS) {
          got[m] = decimalFixed(await billed(s, w.contract, m), 2);
          want[m] = w.hand[m]!;
        }
        expect(got, await psaPicture(s, w.contract)).toEqual(want);
      });
    }

    it('nothing is billed twice: the whole contract bills the invoices per month, to the cent', async () => {
      const got: Record<string, string> = {};
      const want: Record<string, string> = {};
      for (const m of SYNCED_MONTHS) {
        got[m] = decimalFixed(await billed(w.s, w.contract, m), 2);
        want[m] = expectedMonth(m);
      }
      expect(got).toEqual(want);
    });

    it('no offer has two contract lines / concurrent additions on the contract', async () => {
      const { s } = w;
      if (target === 'autotask') {
        const lines = await at(s).readback.contractServices(w.contract);
        const billing = [];
        for (const cs of lines) {
          const segs = await at(s).readback.unitSegments(cs.id);
          if (segs.some((g) => g.end >= '2025-12-01' && !g.units.eq(0))) billing.push(cs.serviceName);
        }
        // One billing line per offer from the first synced day: the hand Basic line and billsync's PC_ Basic
        // line must not both bill December on.
        expect(billing.sort()).toEqual(
          ['Microsoft 365 Business Basic', `PC_${sku(E3)}`, `PC_${sku(BUSINESS_PREMIUM)}`].sort(),
        );
      } else {
        const adds = await cw(s).readback.additions(w.contract);
        for (const day of ['2025-12-15', '2026-01-25', '2026-02-20', '2026-03-15']) {
          const open = adds.filter(
            (a) =>
              a.effectiveDate <= day &&
              (a.cancelledDate === null || a.cancelledDate >= day) &&
              !(a.serialNumber ?? '').startsWith('billsync-charge:') &&
              !a.quantity.minus(a.lessIncluded).eq(0),
          );
          const per = new Map<string, number>();
          for (const a of open) per.set(a.vendorSku, (per.get(a.vendorSku) ?? 0) + 1);
          expect(
            [...per.values()].every((n) => n === 1),
            `${day}: ${JSON.stringify(open)}`,
          ).toBe(true);
        }
      }
    });
  });
}
