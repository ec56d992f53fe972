import { parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import {
  createPax8Emulator,
  DEFAULT_RULES,
  type Pax8Emulator,
  type Pax8Rules,
  type Pax8Scenario,
  type Pax8Seed,
  pax8Scenario,
  SWITCH_VALUES,
} from '../../emulators/pax8';
import type { InvoiceLine } from '../../src/core/model/source';
import { type Decimal, dec, sumDecimals } from '../../src/core/money/decimal';
import type { CustomerInvoice } from '../../src/core/planner/customer-plan';
import { type PlainDate, parsePlainDate } from '../../src/core/time/plain-date';
import type { Pool } from '../../src/db/pool';
import { listRunItems } from '../../src/db/repos/runs';
import { saveMapping, saveProgram } from '../../src/db/repos/sync';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { syncCustomers, syncProducts } from '../../src/engine/sync';
import {
  createPax8Client,
  type Pax8PullResult,
  pullPax8,
  resolvePax8Connection,
} from '../../src/sources/pax8';
import { AutotaskReadback } from './autotask-readback';
import { type AutotaskWorld, autotaskWorld, e2eSeed, IDS, runCtx } from './autotask-world';
import { d, TENANT } from './planner-fixtures';

/**
 * Pax8 data from the Pax8 emulator, read by the source adapter and synced to the Autotask emulator (issue 18):
 * the pieces the Pax8 end-to-end scenarios share.
 */

export type Pax8Reading = Partial<Pax8Rules>;

/** Azure usage of Contoso's scenario per month (its total cost, markup 0). */
export const CONTOSO_AZURE = { '2026-01': 40, '2026-02': 55.5 };

/**
 * Contoso on Pax8: Business Standard month to month (12.75 a seat, suggested retail 15.00), 10 seats from 1 January
 * 2026, 12 from 15 January, 11 from 10 February; Azure in January and February. `extra` adds to it (a history gap).
 */
export function contosoScenario(extra?: (s: Pax8Scenario, sub: string) => void): Pax8Seed {
  const s = pax8Scenario();
  const contoso = s.company('Contoso Dental');
  const sub = s.subscribe(contoso, 'business-standard', { on: '2026-01-01', quantity: 10 });
  s.changeSeats(sub, '2026-01-15', 12);
  s.changeSeats(sub, '2026-02-10', 11);
  const azure = s.azure(contoso, '2026-01-01');
  for (const [month, total] of Object.entries(CONTOSO_AZURE))
    s.usage(azure, month, [
      {
        resourceGroup: 'prod',
        meter: 'D2s v5',
        quantity: 100,
        unitPrice: total / 100,
        unitCost: total / 100,
      },
    ]);
  extra?.(s, sub);
  return s.build();
}
type BillingSwitch = 'midPeriodChange' | 'creditSign' | 'endPeriod' | 'azureLines' | 'annualBilling';

/** Every combination of the given switches' values (the others at their defaults). */
export function readingsOf(keys: readonly BillingSwitch[]): Pax8Reading[] {
  let out: Pax8Reading[] = [{}];
  for (const key of keys) {
    const values = SWITCH_VALUES[key] as readonly string[];
    out = out.flatMap((r) => values.map((v) => ({ ...r, [key]: v })));
  }
  return out;
}

/** A Pax8 emulator on the seed under the reading, its clock at `now`. */
export async function startPax8(
  seed: Pax8Seed,
  reading: Pax8Reading,
  now: string,
): Promise<{ emulator: Pax8Emulator; base: string; rules: Pax8Rules }> {
  const rules = { ...DEFAULT_RULES, ...reading };
  const emulator = createPax8Emulator({
    seed,
    rules,
    clock: createClock({ start: now }),
    sleep: async () => {},
  });
  const base = await emulator.listen(0);
  return { emulator, base, rules };
}

/** What the adapter pulls from the emulator at `base`. */
export async function pullFrom(base: string): Promise<Pax8PullResult> {
  const connection = resolvePax8Connection(
    { clientId: 'scenario-client', clientSecret: 'scenario-secret', apiUrl: `${base}/v1` },
    { allowLocal: true },
  );
  if (!connection.ok) throw new Error(connection.problems.join('; '));
  const client = createPax8Client({ connection: connection.value, http: { sleep: async () => {} } });
  return pullPax8(client, { priceListFrom: parsePlainDate('2025-12-01') });
}

/** Seats the non-Azure invoice lines bill on a day (signed quantities of the lines covering it), optionally of one subscription. */
export function seatsOn(lines: readonly InvoiceLine[], day: string, subscriptionId?: string): string {
  return lines
    .filter(
      (l) =>
        l.kind !== 'azure_usage' &&
        (subscriptionId === undefined || l.subscriptionId === subscriptionId) &&
        l.chargePeriod.start <= day &&
        day < l.chargePeriod.end,
    )
    .reduce((n, l) => n.plus(l.quantity), dec(0))
    .toString();
}

/** The pulled live invoices as the world's customer (the one Pax8 company becomes the world's tenant). */
export function asWorldInvoices(pulled: Pax8PullResult): CustomerInvoice[] {
  return pulled.invoices
    .filter((i) => i.live)
    .map((i) => ({ header: i.header, lines: i.lines.map((l) => ({ ...l, customerTenantId: TENANT })) }));
}

export const FIXED_PRICE = 1060;
const MATERIAL_CODE_ID = 210;

/**
 * An Autotask world holding the pulled data. `annualContract`: the annual motion on (decision 0015) with the
 * mapping's annual contract a Fixed Price contract of the customer (as test/e2e/annual-motion.test.ts sets it up).
 */
export async function pax8World(
  pool: Pool,
  pulled: Pax8PullResult,
  options: { now: string; annualContract?: boolean },
): Promise<AutotaskWorld> {
  const w = await autotaskWorld(pool, {
    invoices: asWorldInvoices(pulled),
    priceList: pulled.priceList,
    now: options.now,
  });
  await pool.query(`update programs set settings = settings || '{"mode":"all"}' where workspace_id = $1`, [
    w.ws,
  ]);
  // A Material Cost Code (contract charges need one: corrections of days Autotask can no longer change, annual
  // subscriptions) and, for the annual motion, the customer's Fixed Price contract.
  const seed = e2eSeed();
  seed.BillingCodes.push({
    id: MATERIAL_CODE_ID,
    name: 'Microsoft CSP corrections',
    useType: 4,
    isActive: true,
    unitCost: 0,
    unitPrice: 0,
  });
  if (options.annualContract)
    seed.Contracts.push({
      ...seed.Contracts[0]!,
      id: FIXED_PRICE,
      contractName: 'Contoso annual licences',
      contractType: 3,
      contractPeriodType: null,
      startDate: '2025-01-01',
      endDate: '2028-12-31',
    } as never);
  w.emulator.loadSeed(parseSeed(seed));
  if (options.annualContract) {
    await saveProgram(pool, w.ws, 'autotask', {
      ...DEFAULT_PROGRAM,
      motions: { ...DEFAULT_PROGRAM.motions, annual: true },
      syncEnabled: true,
      billingCodeId: String(IDS.code),
      vendorId: String(IDS.vendor),
    });
    await pool.query(`update programs set settings = settings || '{"mode":"all"}' where workspace_id = $1`, [
      w.ws,
    ]);
    await saveMapping(pool, w.ws, 'autotask', {
      tenant_id: TENANT,
      company_id: String(IDS.company),
      company_name: 'Contoso Dental Ltd',
      contract_id: String(IDS.contract),
      contract_name: 'Contoso Microsoft 365',
      strategy: 'cost-and-retail',
      sync_start: d('2025-08-01'),
      sync_on: true,
      annual: { id: String(FIXED_PRICE), name: 'Contoso annual licences' },
    });
  }
  return w;
}

/** Products, then customers, as of `asOf`; returns the customer run. */
export async function syncAll(w: AutotaskWorld, asOf: string) {
  const ctx = runCtx(w, asOf as PlainDate);
  const products = await syncProducts(w.deps, ctx, { preview: false });
  const [run] = await syncCustomers(w.deps, ctx, { preview: false });
  return { products, run: run! };
}

/** The messages of a run's items (what a failing status means). */
export async function runMessages(pool: Pool, runId: string): Promise<string[]> {
  return (await listRunItems(pool, runId)).flatMap((i) => i.messages.map((m) => m.text));
}

/** A re-run's status (expected: no_change). */
export async function rerunStatus(w: AutotaskWorld, asOf: string): Promise<string> {
  const [again] = await syncCustomers(w.deps, runCtx(w, asOf as PlainDate), { preview: false });
  return again!.status;
}

const cents = (x: Decimal) => x.round(2, 1).toFixed(2);

/** What Autotask bills on the recurring contract in a month: per service name, to the cent. */
export async function billedServices(w: AutotaskWorld, month: string): Promise<Record<string, string>> {
  const bill = await new AutotaskReadback(w.base).billedPerMonth(IDS.contract, month);
  const out: Record<string, Decimal> = {};
  for (const s of bill.services) out[s.serviceName] = (out[s.serviceName] ?? dec(0)).plus(s.amount);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, cents(v)]));
}

/** The recurring contract's total in a month (services and charges), to the cent. */
export async function billedTotal(w: AutotaskWorld, month: string): Promise<string> {
  const bill = await new AutotaskReadback(w.base).billedPerMonth(IDS.contract, month);
  return cents(sumDecimals([...bill.services.map((s) => s.amount), ...bill.charges.map((c) => c.amount)]));
}

/** The one-time charges of a contract: [date, amount to the cent]. */
export async function chargesOf(w: AutotaskWorld, contractId: number): Promise<[string, string][]> {
  return (await new AutotaskReadback(w.base).charges(contractId))
    .map((c) => [c.date, cents(c.amount)] as [string, string])
    .sort((a, b) => a[0].localeCompare(b[0]));
}
