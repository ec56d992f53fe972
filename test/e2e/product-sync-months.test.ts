import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDS } from '../support/autotask-world';
import { type CliRun, type CliScenario, createCliScenario, type SyncOutcome } from '../support/cli-scenario';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  type OfferSpec,
  type PriceSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';

/**
 * Product sync over three months, as an MSP runs it with the `billsync` CLI against the Autotask emulator, with
 * expectations taken from the spec only (behaviour.md sections 3, 4 and R-1..R-6):
 *
 * - January, In Use mode (the default), monthly motion on, annual off: Contoso (sync on) and Fabrikam (mapped,
 *   sync off). Only the monthly-motion offers invoiced to Contoso become Services `PC_<SKU code>` with the product
 *   title, retail, cost, billing code, vendor, period type and active (R-1, R-4). The preview lists per offer the
 *   action and old/new values and writes nothing (R-6). A Service the MSP already had with a target name is a
 *   collision in the preview, an item error in a run that does not stop the others, and is adopted through the
 *   CLI, after which only its price and cost follow the price list (R-5).
 * - February, the price list changes: a Service renamed (and otherwise edited) in Autotask keeps being updated by
 *   id, only its unit price and cost, even with a new Service of the MSP's under its old name (R-2); one deleted
 *   in Autotask is re-created; one set inactive gets the new price and cost and stays inactive (R-3).
 * - March: an offer leaves the price list and its Service is left alone (R-3); All Products mode creates every
 *   price-list offer of the enabled motions, the annual-billed one only once that motion is switched on; back to
 *   In Use, and a new prefix and vendor, change no existing Service.
 *
 * Every re-run with nothing new writes nothing.
 */

const FABRIKAM: CustomerSpec = {
  tenantId: '7c3e0000-0000-4000-8000-0000000000f1',
  name: 'Fabrikam Clinics',
  domain: 'fabrikamclinics.onmicrosoft.com',
  country: 'US',
};
const FABRIKAM_COMPANY = 600;
const FABRIKAM_CONTRACT = 500;

const offer = (productId: string, skuId: string, title: string, term: OfferSpec['term'] = 'P1M') => ({
  productId,
  skuId,
  title,
  term,
  billingPlan: 'Monthly' as const,
});
/** Monthly motion: month-to-month and annual term billed monthly. */
const BP: OfferSpec = BUSINESS_PREMIUM;
const E3Y: OfferSpec = offer('CFQ7TTC0LF8R', '0001', 'Office 365 E3', 'P1Y');
const EXO: OfferSpec = offer('CFQ7TTC0LH16', '0001', 'Exchange Online (Plan 1)');
const E5: OfferSpec = offer('CFQ7TTC0LF8S', '0002', 'Office 365 E5');
const PROJ: OfferSpec = offer('CFQ7TTC0HDB0', '0002', 'Project Plan 3');
const BASIC: OfferSpec = offer('CFQ7TTC0LH18', '0001', 'Microsoft 365 Business Basic');
const VISIO: OfferSpec = offer('CFQ7TTC0HD32', '0002', 'Visio Plan 2');
/** Annual motion: annual term billed annually (price per year). */
const BPA: OfferSpec = { ...BUSINESS_PREMIUM, term: 'P1Y', billingPlan: 'Annual' };

/** The SKU code of the spec's vocabulary: ProductId:SkuId, prefixed P1Y:M: / P1Y:A: for annual terms. */
function skuCode(o: OfferSpec): string {
  const prefix = o.term === 'P1Y' ? (o.billingPlan === 'Annual' ? 'P1Y:A:' : 'P1Y:M:') : '';
  return `${prefix}${o.productId}:${o.skuId}`;
}
const nameOf = (o: OfferSpec) => `PC_${skuCode(o)}`;

interface Price {
  cost: string;
  erp: string;
}
/** January's list; February raises Business Premium and Exchange Online; March drops Project Plan 3. */
const JAN: Map<OfferSpec, Price> = new Map([
  [BP, { cost: '23.76', erp: '26.40' }],
  [E3Y, { cost: '21.74', erp: '24.15' }],
  [EXO, { cost: '4.32', erp: '4.80' }],
  [E5, { cost: '41.04', erp: '45.60' }],
  [PROJ, { cost: '32.40', erp: '36.00' }],
  [BASIC, { cost: '6.48', erp: '7.20' }],
  [VISIO, { cost: '16.20', erp: '18.00' }],
  [BPA, { cost: '237.60', erp: '264.00' }],
]);
const FEB: Map<OfferSpec, Price> = new Map([
  ...JAN,
  [BP, { cost: '24.30', erp: '27.00' }],
  [EXO, { cost: '4.50', erp: '5.00' }],
]);
const MAR: Map<OfferSpec, Price> = new Map([...FEB].filter(([o]) => o !== PROJ));

function priceList(name: string, prices: Map<OfferSpec, Price>, start: string, end?: string): string {
  const entries: PriceSpec[] = [...prices].map(([o, p]) => ({
    offer: o,
    cost: p.cost,
    erp: p.erp,
    start,
    ...(end ? { end } : {}),
  }));
  return priceListFile(s.dir, entries, name);
}

/** One month's seat line (a whole calendar month) of a monthly-billed subscription. */
function seats(
  customer: CustomerSpec,
  o: OfferSpec,
  quantity: number,
  month: string,
  prices: Map<OfferSpec, Price>,
): ReconLineSpec {
  const first = `${month}-01`;
  const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0))
    .toISOString()
    .slice(0, 10);
  return {
    customer,
    offer: o,
    quantity,
    unitPrice: prices.get(o)!.cost,
    chargeStart: first,
    chargeEnd: last,
    ...(o.term === 'P1Y' ? { subscriptionStart: '2025-06-01', subscriptionEnd: '2026-05-31' } : {}),
  };
}

/** Contoso's annual-billed Business Premium: 2 seats for the year from 5 December, billed in full. */
const BPA_NEW: ReconLineSpec = {
  customer: CONTOSO,
  offer: BPA,
  chargeType: 'new',
  quantity: 2,
  unitPrice: '237.60',
  effectiveUnitPrice: '237.60',
  subtotal: '475.20',
  chargeStart: '2025-12-05',
  chargeEnd: '2026-12-04',
  subscriptionStart: '2025-12-05',
  subscriptionEnd: '2026-12-04',
};

/** The pre-existing Service the MSP made by hand before billsync, with the name billsync wants for E5. */
const OWN_E5 = {
  id: 900,
  name: nameOf(E5),
  description: 'E5 as we sold it before billsync',
  billingCodeID: IDS.code,
  periodType: 2,
  unitPrice: 50,
  unitCost: 40,
  isActive: true,
};

interface ServiceRow {
  id: number;
  name: string;
  description?: string | null;
  invoiceDescription?: string | null;
  sku?: string | null;
  unitPrice: number;
  unitCost?: number | null;
  billingCodeID: number;
  vendorCompanyID?: number | null;
  periodType: number;
  isActive: boolean;
}

interface RunLine {
  key: string;
  label: string;
  action: string;
  status: string;
  messages: { text: string }[];
  changes: { field: string; from: string | null; to: string | null }[];
  offerKey: string | null;
  targetId: string | null;
}
interface RunDetail {
  id: string;
  status: string;
  writes: number;
  lines: RunLine[];
}

let s: CliScenario;

/** The Services as a third party reads them (the Autotask REST API). */
async function services(): Promise<ServiceRow[]> {
  return (await s.readback.queryAll('Services', [{ op: 'gte', field: 'id', value: 0 }])) as ServiceRow[];
}
const serviceNamed = async (name: string) => (await services()).filter((x) => x.name === name);
const serviceById = async (id: number) => (await services()).find((x) => x.id === id);

/** What the MSP does "in the Autotask UI" (the emulator's admin API). */
async function inAutotask(method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${s.base}/_emulator${path}`, {
    method,
    ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
}

/** The product sync (or its preview) and the run's items as `billsync run show --json` prints them. */
async function products(
  asOf: string,
  preview = false,
): Promise<{ out: SyncOutcome; run: CliRun; detail: RunDetail }> {
  const out = await s.syncProducts({ asOf, preview });
  expect(out.runs, out.stderr).toHaveLength(1);
  const run = out.runs[0]!;
  const detail = await s.json<RunDetail>('run', 'show', run.runId);
  return { out, run, detail };
}

/** A product sync that must succeed (exit 0, Success); its items are read only to say why when it did not. */
async function succeeds(asOf: string): Promise<CliRun> {
  const out = await s.syncProducts({ asOf });
  const run = out.runs[0];
  const got = { runs: out.runs.length, code: out.code, status: run?.status };
  const want = { runs: 1, code: 0, status: 'success' };
  if (JSON.stringify(got) !== JSON.stringify(want)) {
    const why = run ? show(await s.json<RunDetail>('run', 'show', run.runId)) : out.stderr;
    expect(got, why).toEqual(want);
  }
  return run!;
}

const show = (d: RunDetail) =>
  d.lines
    .map(
      (l) =>
        `${l.label} [${l.action}/${l.status}] ${l.changes.map((c) => `${c.field}:${c.from}->${c.to}`).join(' ')} ${l.messages.map((m) => m.text).join(' | ')}`,
    )
    .join('\n');

/** The run's line of an offer: by its name (billsync's label) or the PSA id it concerns. */
function lineOf(d: RunDetail, o: OfferSpec, id?: number): RunLine | undefined {
  return d.lines.find((l) => l.label === nameOf(o) || (id !== undefined && l.targetId === String(id)));
}

const num = (v: string | number | null | undefined) => (v === null || v === undefined ? null : Number(v));

/** A change of the preview from `from` to `to` (as numbers; `from` null: no old value, a new Service). */
function hasChange(l: RunLine | undefined, from: string | null, to: string): boolean {
  return (l?.changes ?? []).some(
    (c) => num(c.to) === Number(to) && (from === null ? c.from === null : num(c.from) === Number(from)),
  );
}

/** R-1: what a Service billsync creates carries. */
function expectCreated(svc: ServiceRow | undefined, o: OfferSpec, p: Price): void {
  expect(svc, `${nameOf(o)} exists`).toBeDefined();
  expect(
    {
      name: svc!.name,
      description: svc!.description,
      unitPrice: num(svc!.unitPrice),
      unitCost: num(svc!.unitCost),
      billingCodeID: svc!.billingCodeID,
      vendorCompanyID: svc!.vendorCompanyID,
      periodType: svc!.periodType,
      isActive: svc!.isActive,
    },
    nameOf(o),
  ).toEqual({
    name: nameOf(o),
    description: o.title,
    unitPrice: Number(p.erp),
    unitCost: Number(p.cost),
    billingCodeID: IDS.code,
    vendorCompanyID: IDS.vendor,
    periodType: o.billingPlan === 'Annual' ? 5 : 2,
    isActive: true,
  });
}

/** A re-run with nothing new: No Change, no write in the PSA (the run's items only read when it is not so). */
async function rerunWritesNothing(asOf: string): Promise<void> {
  const before = s.writes();
  const again = await s.syncProducts({ asOf });
  const run = again.runs[0];
  const said = async () =>
    run ? show(await s.json<RunDetail>('run', 'show', run.runId)) : `${again.stderr} (no run)`;
  const got = { code: again.code, status: run?.status, writes: run?.writes, psaWrites: s.writes() - before };
  const want = { code: 0, status: 'no_change', writes: 0, psaWrites: 0 };
  if (JSON.stringify(got) !== JSON.stringify(want)) expect(got, await said()).toEqual(want);
  expect(got).toEqual(want);
}

/** A preview: nothing written, the Services as they were (R-6). */
async function previewWritesNothing(asOf: string): Promise<RunDetail> {
  const before = { writes: s.writes(), services: await services() };
  const { detail, run } = await products(asOf, true);
  expect(run.status).toBe('preview');
  expect(run.writes).toBe(0);
  expect(s.writes(), 'the preview wrote to the PSA').toBe(before.writes);
  expect(await services()).toEqual(before.services);
  return detail;
}

const ids: Record<string, number> = {};

describe('product sync over three months (CLI + Autotask emulator, R-1..R-6)', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    s = await createCliScenario({
      now: '2026-01-08T09:00:00Z',
      inProcess: true,
      seed: { extraCustomers: 1 },
      editSeed: (seed) => {
        seed.Services.push(OWN_E5);
      },
    });
    await s.setup();
  }, 60_000);
  afterAll(async () => {
    await s?.close();
  });

  it('January, In Use: the preview lists creates and the collision, writes nothing', async () => {
    // The spec's defaults: In Use, seat-based monthly on, annual off, Azure on.
    const program = JSON.stringify(await s.json('program', 'show'));
    expect(program).toMatch(/"mode":"in-use"/);
    expect(program).toMatch(/"monthly":true/);
    expect(program).toMatch(/"annual":false/);
    expect(program).toMatch(/"azure":true/);

    await s.importPriceList(priceList('pricelist-2026-01.csv', JAN, '2025-12-01', '2026-01-31'));
    await s.importInvoice(
      reconFile(s.dir, 'G000001212', [
        seats(CONTOSO, BP, 10, '2025-12', JAN),
        seats(CONTOSO, E3Y, 5, '2025-12', JAN),
        seats(CONTOSO, EXO, 3, '2025-12', JAN),
        seats(CONTOSO, E5, 2, '2025-12', JAN),
        seats(CONTOSO, PROJ, 1, '2025-12', JAN),
        BPA_NEW,
        seats(FABRIKAM, BASIC, 4, '2025-12', JAN),
      ]),
      { period: '2025-12', issued: '2026-01-07' },
    );
    await s.map(CONTOSO.tenantId, { syncStart: '2026-01-01' });
    await s.map(FABRIKAM.tenantId, {
      company: FABRIKAM_COMPANY,
      contract: FABRIKAM_CONTRACT,
      syncStart: '2026-01-01',
      sync: false,
    });

    const preview = await previewWritesNothing('2026-01-08');
    const creates = preview.lines.filter((l) => /create/.test(l.action)).map((l) => l.label);
    // R-4: only Contoso's invoiced offers of the monthly motion; not Fabrikam's, not the uninvoiced one, not the
    // annual-billed one (motion off); E5 collides.
    expect(creates.sort(), show(preview)).toEqual([BP, E3Y, EXO, PROJ].map(nameOf).sort());
    for (const o of [BP, E3Y, EXO, PROJ]) {
      const l = lineOf(preview, o);
      expect(
        hasChange(l, null, JAN.get(o)!.erp),
        `${nameOf(o)} retail in the preview\n${show(preview)}`,
      ).toBe(true);
      expect(hasChange(l, null, JAN.get(o)!.cost), `${nameOf(o)} cost in the preview\n${show(preview)}`).toBe(
        true,
      );
    }
    const collision = lineOf(preview, E5);
    expect(collision?.action, show(preview)).toBe('collision');
    for (const o of [BASIC, VISIO, BPA])
      expect(
        preview.lines.filter((l) => l.label === nameOf(o) && l.action !== 'no change' && l.action !== 'skip'),
        show(preview),
      ).toEqual([]);
  });

  it('January: the run creates the Services; the collision is an item error and does not stop the others', async () => {
    const { out, run, detail } = await products('2026-01-08');
    expect(out.code, show(detail)).toBe(1);
    expect(run.status).toBe('error');
    expect(run.items.error, show(detail)).toBe(1);
    const e5 = lineOf(detail, E5, OWN_E5.id);
    expect(e5?.status, show(detail)).toBe('error');
    // The fix is said (adopt or rename).
    expect(e5?.messages.map((m) => m.text).join(' '), show(detail)).toMatch(/adopt|rename/i);

    const all = await services();
    for (const o of [BP, E3Y, EXO, PROJ]) {
      const [svc, ...more] = all.filter((x) => x.name === nameOf(o));
      expect(more, nameOf(o)).toEqual([]);
      expectCreated(svc, o, JAN.get(o)!);
      ids[nameOf(o)] = svc!.id;
    }
    // R-4: nothing else; the MSP's own E5 untouched.
    expect(all.map((x) => x.name).sort()).toEqual([...[BP, E3Y, EXO, PROJ, E5].map(nameOf)].sort());
    expect(await serviceById(OWN_E5.id)).toMatchObject({
      name: OWN_E5.name,
      unitPrice: 50,
      unitCost: 40,
      description: OWN_E5.description,
    });
  });

  it('January: the MSP adopts its own E5 through the CLI; then only price and cost follow the price list', async () => {
    const preview = await previewWritesNothing('2026-01-08');
    const collision = lineOf(preview, E5, OWN_E5.id);
    expect(collision?.action, show(preview)).toBe('collision');
    const key = collision?.offerKey ?? skuCode(E5);
    await s.json('adopt', '--offer', key, '--product', String(OWN_E5.id));

    const after = await previewWritesNothing('2026-01-08');
    const e5 = lineOf(after, E5, OWN_E5.id);
    expect(e5?.action, show(after)).not.toBe('collision');
    expect(hasChange(e5, '50', JAN.get(E5)!.erp), show(after)).toBe(true);
    expect(hasChange(e5, '40', JAN.get(E5)!.cost), show(after)).toBe(true);

    await succeeds('2026-01-08');
    expect(await serviceNamed(nameOf(E5))).toHaveLength(1);
    const own = await serviceById(OWN_E5.id);
    expect({ ...own, unitPrice: num(own?.unitPrice), unitCost: num(own?.unitCost) }).toMatchObject({
      name: OWN_E5.name,
      description: OWN_E5.description,
      billingCodeID: IDS.code,
      periodType: 2,
      isActive: true,
      unitPrice: Number(JAN.get(E5)!.erp),
      unitCost: Number(JAN.get(E5)!.cost),
    });
    expect(own?.vendorCompanyID ?? null, 'an adopted Service keeps its own vendor').toBeNull();
    await rerunWritesNothing('2026-01-08');
  });

  it('February: renamed, deleted and inactive Services after a price change', async () => {
    s.setClock('2026-02-08T09:00:00Z');
    await s.importPriceList(priceList('pricelist-2026-02.csv', FEB, '2026-02-01', '2026-02-28'));
    await s.importInvoice(
      reconFile(s.dir, 'G000002601', [
        seats(CONTOSO, BP, 10, '2026-01', JAN),
        seats(CONTOSO, E3Y, 5, '2026-01', JAN),
        seats(CONTOSO, EXO, 3, '2026-01', JAN),
        seats(CONTOSO, E5, 2, '2026-01', JAN),
        seats(CONTOSO, PROJ, 1, '2026-01', JAN),
        seats(FABRIKAM, BASIC, 4, '2026-01', JAN),
      ]),
      { period: '2026-01', issued: '2026-02-07' },
    );
    const bp = ids[nameOf(BP)]!;
    const e3 = ids[nameOf(E3Y)]!;
    const exo = ids[nameOf(EXO)]!;
    const proj = ids[nameOf(PROJ)]!;
    const userEdits = {
      name: 'Business Premium (Contoso bundle)',
      description: 'Our Business Premium bundle',
      invoiceDescription: 'Microsoft 365 Business Premium, per user',
      sku: 'MSP-BP',
    };
    await inAutotask('PATCH', `/entities/Services/${bp}`, userEdits);
    // ...and makes a Service of its own under the name billsync gave it: billsync's link is the id, not the name.
    const lookalike = (await s.readback.client.Services.create({
      name: nameOf(BP),
      description: 'Business Premium, migration project',
      billingCodeID: IDS.code,
      periodType: 2,
      unitPrice: 30,
      unitCost: 20,
      isActive: true,
    })) as { itemId: number };
    await inAutotask('DELETE', `/entities/Services/${e3}`);
    await inAutotask('POST', `/services/${exo}/deactivate`);
    const projBefore = await serviceById(proj);
    const e5Before = await serviceById(OWN_E5.id);

    // The preview: old and new values of what changes (R-6 and section 4's Products tab).
    const preview = await previewWritesNothing('2026-02-08');
    const bpLine = lineOf(preview, BP, bp);
    expect(bpLine?.action, show(preview)).toMatch(/update/);
    expect(hasChange(bpLine, JAN.get(BP)!.erp, FEB.get(BP)!.erp), show(preview)).toBe(true);
    expect(hasChange(bpLine, JAN.get(BP)!.cost, FEB.get(BP)!.cost), show(preview)).toBe(true);
    expect(lineOf(preview, E3Y)?.action, show(preview)).toMatch(/create/);
    const exoLine = lineOf(preview, EXO, exo);
    expect(hasChange(exoLine, JAN.get(EXO)!.erp, FEB.get(EXO)!.erp), show(preview)).toBe(true);
    expect(hasChange(exoLine, JAN.get(EXO)!.cost, FEB.get(EXO)!.cost), show(preview)).toBe(true);

    await succeeds('2026-02-08');

    // R-2: the renamed Service is updated by id, only unit price and unit cost; no new one under the old name.
    const renamed = await serviceById(bp);
    expect({
      ...renamed,
      unitPrice: num(renamed?.unitPrice),
      unitCost: num(renamed?.unitCost),
    }).toMatchObject({
      ...userEdits,
      unitPrice: Number(FEB.get(BP)!.erp),
      unitCost: Number(FEB.get(BP)!.cost),
      billingCodeID: IDS.code,
      vendorCompanyID: IDS.vendor,
      periodType: 2,
      isActive: true,
    });
    const [mine, ...others] = await serviceNamed(nameOf(BP));
    expect(others, 'a Service created under the old name').toEqual([]);
    expect(mine?.id).toBe(lookalike.itemId);
    expect([num(mine?.unitPrice), num(mine?.unitCost), mine?.description]).toEqual([
      30,
      20,
      'Business Premium, migration project',
    ]);
    // R-3: the deleted one is re-created (a new id, as on the first sync).
    const [recreated, ...twice] = await serviceNamed(nameOf(E3Y));
    expect(twice).toEqual([]);
    expectCreated(recreated, E3Y, FEB.get(E3Y)!);
    expect(recreated!.id).not.toBe(e3);
    ids[nameOf(E3Y)] = recreated!.id;
    // R-3: the inactive one gets the new price and cost and stays inactive.
    const inactive = await serviceById(exo);
    expect({
      unitPrice: num(inactive?.unitPrice),
      unitCost: num(inactive?.unitCost),
      isActive: inactive?.isActive,
    }).toEqual({
      unitPrice: Number(FEB.get(EXO)!.erp),
      unitCost: Number(FEB.get(EXO)!.cost),
      isActive: false,
    });
    // Unchanged prices: untouched.
    expect(await serviceById(proj)).toEqual(projBefore);
    expect(await serviceById(OWN_E5.id)).toEqual(e5Before);
    // R-4 still: Fabrikam's, the uninvoiced and the annual-billed offers have no Service (5 + the MSP's own).
    expect((await services()).length).toBe(6);
    await rerunWritesNothing('2026-02-08');
  });

  it('March: an offer that left the price list is left alone; re-runs write nothing', async () => {
    s.setClock('2026-03-08T09:00:00Z');
    await s.importPriceList(priceList('pricelist-2026-03.csv', MAR, '2026-03-01'));
    await s.importInvoice(
      reconFile(s.dir, 'G000002602', [
        seats(CONTOSO, BP, 10, '2026-02', FEB),
        seats(CONTOSO, E3Y, 5, '2026-02', FEB),
        seats(CONTOSO, EXO, 3, '2026-02', FEB),
        seats(CONTOSO, E5, 2, '2026-02', FEB),
        seats(FABRIKAM, BASIC, 4, '2026-02', FEB),
      ]),
      { period: '2026-02', issued: '2026-03-07' },
    );
    const before = await services();
    await rerunWritesNothing('2026-03-08');
    expect(await services()).toEqual(before);
    const proj = await serviceById(ids[nameOf(PROJ)]!);
    expectCreated(proj, PROJ, JAN.get(PROJ)!);
  });

  it('March, All Products: every price-list offer of the enabled motions; the annual-billed one once its motion is on', async () => {
    await s.json('program', 'set', '--target', 'autotask', '--mode', 'all');
    const preview = await previewWritesNothing('2026-03-08');
    const creates = preview.lines.filter((l) => /create/.test(l.action)).map((l) => l.label);
    expect(creates.sort(), show(preview)).toEqual([BASIC, VISIO].map(nameOf).sort());

    await succeeds('2026-03-08');
    for (const o of [BASIC, VISIO]) {
      const [svc, ...more] = await serviceNamed(nameOf(o));
      expect(more).toEqual([]);
      expectCreated(svc, o, MAR.get(o)!);
    }
    expect(await serviceNamed(nameOf(BPA)), 'annual motion is off').toEqual([]);
    // The retired offer's Service: still there, active, as it was.
    expectCreated(await serviceById(ids[nameOf(PROJ)]!), PROJ, JAN.get(PROJ)!);
    // The inactive one stays inactive.
    expect((await serviceById(ids[nameOf(EXO)]!))?.isActive).toBe(false);
    await rerunWritesNothing('2026-03-08');

    await s.json('program', 'set', '--target', 'autotask', '--annual', 'on');
    await succeeds('2026-03-08');
    const [bpa, ...more] = await serviceNamed(nameOf(BPA));
    expect(more).toEqual([]);
    expectCreated(bpa, BPA, MAR.get(BPA)!);
    expect((await services()).length).toBe(9);
    await rerunWritesNothing('2026-03-08');

    // Back to In Use: nothing is removed or deactivated. New settings for new products (prefix, vendor) do not
    // touch the existing Services either: after the first sync only unit price and unit cost are billsync's.
    const before = await services();
    await s.json(
      ...['program', 'set', '--target', 'autotask', '--mode', 'in-use'],
      ...['--prefix', 'CSP-', '--vendor', 'none'],
    );
    await rerunWritesNothing('2026-03-08');
    expect(await services()).toEqual(before);
  });
});
