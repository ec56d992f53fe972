import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, DEMO_CREDENTIALS } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import type { BillingPeriod } from '../../src/core/time';
import type { Clock } from '../../src/core/time/clock';
import type { PlainDate } from '../../src/core/time/plain-date';
import type { RunningWorker } from '../../src/jobs/worker';
import { generateDemoData, writeDemoData } from '../../src/sources/partner-center/demo/generate';
import { AutotaskReadback } from '../support/autotask-readback';
import { browserAvailable, poll, screenshotOnFailure, setUpWorkspace } from '../support/browser';
import { startBrowserWorld } from '../support/browser-world';
import type { LiveServer } from '../support/server';

/**
 * Issue 13's done-when, in Chromium: a newcomer goes from an empty billsync to a correct first sync without
 * leaving the browser. Setup, CONNECT NOW against the demo Autotask tenant (the emulator's `demo` seed, whose
 * companies are the demo customers), the program settings, the Microsoft files of `billsync demo-data` uploaded
 * on the Sources page, one customer mapped with SAVE AND SYNC NOW, and a worker that runs it. The PSA is then read
 * back and compared with what the uploaded invoices say for that customer; a second Sync now writes nothing.
 */

/** billsync's calendar day: three demo months (Sep-Nov 2025), the last invoice issued 07 Dec 2025. */
const TODAY = '2025-12-10' as PlainDate;
const clock: Clock = { now: () => new Date().toISOString(), today: () => TODAY };
const DEMO = { months: 3, customers: 25, seed: 42, endPeriod: '2025-11' as BillingPeriod };
const INVOICE_FILES = ['invoice-2025-09.csv', 'invoice-2025-10.csv', 'invoice-2025-11.csv'];
/** A customer of the demo with a seat change (30 -> 35 mid-cycle), and an Autotask company of the same name. */
const CUSTOMER = 'Oakwood Family Practice';

type Row = Record<string, string>;
const csv = (path: string): Row[] => parse(readFileSync(path, 'utf8'), { columns: true, bom: true });
/** `9/17/2025` (Microsoft's US export) -> `2025-09-17`. */
const usDay = (text: string) => {
  const [m, d, y] = text.split('/');
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
};
const nextDay = (day: string, by = 1) => {
  const t = new Date(`${day}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + by);
  return t.toISOString().slice(0, 10);
};

interface DayWant {
  units: number;
  cost?: string;
  price?: string;
}

/**
 * What the customer's contract must carry, from the uploaded files alone (spec section 6): per service
 * (`PC_` + SKU code), per day, the seats = the signed quantities of the invoice lines whose charge period covers
 * the day (the sign is the Subtotal's), at unit cost = the line's UnitPrice and unit price = the price list's ERP
 * price of the offer on that day. The days run from the day before the first charge to the last charge day.
 */
function expectedContract(
  dir: string,
  customer: string,
): Map<string, { title: string; days: Map<string, DayWant> }> {
  const prices = csv(join(dir, 'pricelist.csv'));
  const lines = INVOICE_FILES.flatMap((f) => csv(join(dir, f))).filter((l) => l.CustomerName === customer);
  expect(lines.length).toBeGreaterThan(0);
  const want = new Map<string, { title: string; days: Map<string, DayWant> }>();
  const offers = new Map<string, Row[]>();
  for (const l of lines) {
    // Annual billing and Azure are other motions; this journey's customer has monthly-billed licenses only.
    expect(l.BillingFrequency, `${l.ProductId} of ${customer}`).toBe('Monthly');
    expect(l.UnitType).toBe('Licenses');
    const term = /One-Month/.test(l.TermAndBillingCycle!) ? 'P1M' : 'P1Y';
    const sku = `${term === 'P1M' ? '' : 'P1Y:M:'}${l.ProductId}:${l.SkuId}`;
    offers.set(sku, [...(offers.get(sku) ?? []), { ...l, term }]);
  }
  for (const [sku, rows] of offers) {
    const spans = rows.map((r) => ({
      from: usDay(r.ChargeStartDate!),
      to: usDay(r.ChargeEndDate!),
      seats: Number(r.Quantity) * Math.sign(Number(r.Subtotal)),
      cost: r.UnitPrice!,
      term: r.term!,
      productId: r.ProductId!,
      skuId: r.SkuId!,
    }));
    const first = spans.map((s) => s.from).sort()[0]!;
    const last = spans
      .map((s) => s.to)
      .sort()
      .at(-1)!;
    const days = new Map<string, DayWant>([[nextDay(first, -1), { units: 0 }]]);
    for (let day = first; day <= last; day = nextDay(day)) {
      const covering = spans.filter((s) => s.from <= day && day <= s.to);
      const units = covering.reduce((n, s) => n + s.seats, 0);
      const charged = covering.find((s) => s.seats > 0)!;
      const erp = prices.filter(
        (p) =>
          p.ProductId === charged.productId &&
          p.SkuId === charged.skuId &&
          p.TermDuration === charged.term &&
          p.BillingPlan === 'Monthly' &&
          p.EffectiveStartDate!.slice(0, 10) <= day &&
          day < p.EffectiveEndDate!.slice(0, 10),
      );
      expect(erp, `the price list's ${sku} on ${day}`).toHaveLength(1);
      days.set(day, { units, cost: charged.cost, price: erp[0]!['ERP Price']! });
    }
    want.set(`PC_${sku}`, { title: rows[0]!.ProductName!, days });
  }
  return want;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `2025-09-17` as the app shows dates: `17 Sep 2025`. */
const shown = (day: string) => `${day.slice(8)} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;

/** The run's changes of a line, as its page lists them: every day the seats change, at their prices. */
function expectedChanges(days: Map<string, DayWant>): string[] {
  const out: string[] = [];
  let before = 0;
  for (const [day, want] of [...days].sort(([a], [b]) => a.localeCompare(b))) {
    if (want.units !== before)
      out.push(
        `units from ${shown(day)}: ${before} → ${want.units} @ USD ${want.price} (cost USD ${want.cost})`,
      );
    before = want.units;
  }
  return out;
}

const isWrite = (key: string) => !key.startsWith('GET ') && !/\/query(\/|$)/i.test(key);

describe.skipIf(!browserAvailable)('a newcomer’s journey from npm start to a first correct sync', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billsync-newcomer-'));
  const demo = generateDemoData(DEMO);
  let emulator: AutotaskEmulator;
  let autotaskBase: string;
  let server: LiveServer;
  let worker: RunningWorker;
  let browser: Browser;
  let page: Page;

  const psaWrites = () =>
    Object.entries(emulator.requests.counts())
      .filter(([key]) => isWrite(key))
      .reduce((n, [, c]) => n + c, 0);
  const nav = () => page.getByRole('navigation', { name: 'Main' });
  const steps = () => page.getByRole('region', { name: 'Next steps' });
  const currentStep = () => steps().locator('[aria-current="step"]');
  /** Back on the dashboard, the Next steps box marks `key` as the step to take, and its link leads there. */
  const takeNextStep = async (key: string, link: string) => {
    await nav().getByRole('link', { name: 'Dashboard' }).click();
    await poll(() => currentStep().getAttribute('data-step')).toBe(key);
    await currentStep().getByRole('link', { name: link }).click();
  };
  const customerRow = () => page.getByRole('row').filter({ hasText: CUSTOMER });

  beforeAll(async () => {
    // What `billsync demo-data --out DIR --months 3 --end-period 2025-11` writes.
    await writeDemoData(dir, demo);
    // The demo Autotask tenant (`billsync sandbox autotask --seed demo`), its today being billsync's.
    emulator = createAutotaskEmulator({
      clock: createClock({ start: `${TODAY}T09:00:00Z` }),
      sleep: async () => {},
    });
    autotaskBase = await emulator.listen(0);
    ({ server, worker, browser, page } = await startBrowserWorld(clock));
  });
  screenshotOnFailure(() => page);
  afterAll(async () => {
    await browser?.close();
    await worker?.stop({ timeoutMs: 5_000 });
    await server?.close();
    await emulator?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('1. sets up the workspace and its admin on the first start', async () => {
    await setUpWorkspace(page, `${server.baseUrl}/`, {
      workspace: 'Northbridge IT',
      email: 'admin@northbridge-it.example',
      password: 'a strong password',
    });
    await poll(() => currentStep().getAttribute('data-step')).toBe('connect');
  });

  it('2. connects Autotask with CONNECT NOW, the zone URL under Advanced', async () => {
    await takeNextStep('connect', 'Connections');
    const card = page.getByRole('article', { name: 'Autotask' });
    await card.getByRole('button', { name: 'CONNECT NOW' }).click();
    const form = page.getByRole('dialog', { name: 'Connect Autotask' });
    await form.getByLabel('API username').fill(DEMO_CREDENTIALS.userName);
    await form.getByLabel('Secret').fill(DEMO_CREDENTIALS.secret);
    await form.getByLabel('API integration code').fill(DEMO_CREDENTIALS.integrationCode);
    await form.getByRole('button', { name: 'Advanced settings' }).click();
    await form.getByLabel('Zone URL').fill(`${autotaskBase}/ATServicesRest/`);
    await form.getByRole('button', { name: 'Test', exact: true }).click();
    // Test checks the credentials as entered: the demo tenant's API user works, the program needs its setup.
    await form.getByText('The credentials work: setup needed').waitFor();
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });
    await card.getByText('Needs setup', { exact: true }).waitFor();
  });

  it('3. configures the program: Sync on, In Use Products only, a billing code', async () => {
    await takeNextStep('program', 'Program settings');
    await page.getByRole('heading', { name: 'Program settings' }).waitFor();
    await page.getByRole('switch', { name: 'Sync', exact: true }).check({ force: true });
    await page.getByRole('radio', { name: /In Use Products only/ }).check();
    await page.getByRole('textbox', { name: 'Billing Code' }).click();
    // Only the active Recurring Contract Service codes of the tenant are offered.
    await poll(() => page.getByRole('option').allTextContents()).toEqual([
      'Cloud and SaaS',
      'Managed Services',
    ]);
    await page.getByRole('option', { name: 'Cloud and SaaS' }).click();
    await page.getByRole('button', { name: 'SAVE' }).click();
    await page.getByText('Program settings saved').waitFor();
    await nav().getByText('Autotask → Microsoft CSP', { exact: true }).waitFor();
  });

  it('4. uploads the price list and three months of invoices picked together, each with its result', async () => {
    await takeNextStep('data', 'Upload files');
    await page.getByRole('heading', { name: 'Sources', level: 1 }).waitFor();
    const files = ['pricelist.csv', ...INVOICE_FILES];
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Choose files' }).click(),
    ]);
    await chooser.setFiles(files.map((f) => join(dir, f)));
    await page.getByRole('button', { name: `Upload and import ${files.length} files` }).click();
    for (const f of files) {
      const result = page.getByRole('region', { name: `Result of ${f}` });
      await result.getByText(`Imported ${f}`).waitFor({ timeout: 30_000 });
      if (f === 'pricelist.csv') {
        expect(await result.textContent()).toMatch(/\d+ entries: \d+ created, 0 updated, 0 unchanged/);
        continue;
      }
      const invoice = demo.invoices.find((i) => f === `invoice-${i.billingPeriod}.csv`)!;
      const text = await result.textContent();
      expect(text).toContain(`Invoice ${invoice.id}: billing period`);
      expect(text).toContain(`${invoice.lineCount} lines: ${invoice.lineCount} created`);
    }
    const history = page.getByRole('table', { name: /Import history/ });
    await poll(() => history.getByRole('row').count()).toBe(files.length + 1);
  });

  it('5. maps the customer in the dialog with a sync start that includes the invoices; SAVE AND SYNC NOW ends in Success', async () => {
    await takeNextStep('map', 'Customers');
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('oakwood');
    await poll(() => customerRow().count()).toBe(1);
    await customerRow()
      .getByRole('button', { name: `Edit mapping of ${CUSTOMER}` })
      .click();
    const dialog = page.getByRole('dialog', { name: `Map ${CUSTOMER}` });
    // Suggested from the name; its only live contract is chosen.
    await poll(() => dialog.getByRole('textbox', { name: 'Autotask company' }).inputValue()).toBe(CUSTOMER);
    await poll(() => dialog.getByRole('textbox', { name: 'Contract' }).inputValue()).toMatch(
      new RegExp(`^${CUSTOMER} - Managed Services`),
    );
    expect(await dialog.getByRole('checkbox', { name: 'Shadow first sync' }).isChecked()).toBe(false);
    await dialog.getByRole('textbox', { name: 'Sync start date (UTC)' }).fill('2025-10-01');
    await poll(() => dialog.getByTestId('sync-start-hint').textContent()).toBe(
      'Includes the invoices issued 07 Oct 2025, 07 Nov 2025 and 07 Dec 2025.',
    );
    expect(await dialog.getByRole('switch', { name: 'Sync' }).isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'SAVE AND SYNC NOW' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => customerRow().textContent(), { timeout: 30_000 }).toContain('Success');
    expect(await customerRow().textContent()).not.toMatch(/Queued|Running/);

    // The run's page lists what was written: the seat changes the invoices imply, at their prices.
    await customerRow()
      .getByRole('link', { name: `Last run of ${CUSTOMER}` })
      .click();
    await page.getByRole('heading', { name: `Customer sync: ${CUSTOMER}` }).waitFor();
    await page.getByText('New data was synced to the PSA.').waitFor();
    const items = page.getByRole('region', { name: 'Items' }).getByRole('row');
    for (const [service, { title, days }] of expectedContract(dir, CUSTOMER)) {
      const changes = expectedChanges(days);
      expect(changes.length, service).toBeGreaterThan(0);
      const text = await items.filter({ hasText: `${CUSTOMER} / ${title}` }).textContent();
      for (const change of changes) expect(text).toContain(change);
    }
    await page.getByRole('tab', { name: 'Customers' }).click();
  }, 60_000);

  it('6. the contract carries what the invoices say, day by day; a second Sync now writes nothing', async () => {
    const want = expectedContract(dir, CUSTOMER);
    const psa = new AutotaskReadback(autotaskBase, DEMO_CREDENTIALS);
    const [contract] = await psa.queryAll('Contracts', [
      { op: 'eq', field: 'contractName', value: `${CUSTOMER} - Managed Services` },
    ]);
    const lines = (await psa.contractServices(contract.id)).filter((l) => l.serviceName.startsWith('PC_'));
    expect(lines.map((l) => l.serviceName).sort()).toEqual([...want.keys()].sort());
    // The journey's customer has a seat change: the timeline is not one number.
    const units = [...want.values()].flatMap(({ days }) => [...days.values()].map((d) => d.units));
    expect(new Set(units.filter((u) => u > 0)).size).toBeGreaterThan(1);
    for (const line of lines) {
      const segments = await psa.unitSegments(line.id);
      for (const [day, expected] of want.get(line.serviceName)!.days) {
        const seg = segments.find((s) => s.start <= day && day <= s.end);
        const got = {
          units: seg ? Number(seg.units.toFixed()) : 0,
          ...(expected.cost ? { cost: seg?.cost?.toFixed(2), price: seg?.price?.toFixed(2) } : {}),
        };
        expect(got, `${line.serviceName} on ${day}`).toEqual(expected);
      }
    }

    // Nothing new since: Sync now in the row's menu says No Change and the PSA gets no write.
    const before = psaWrites();
    await customerRow()
      .getByRole('button', { name: `More for ${CUSTOMER}` })
      .click();
    await page.getByRole('menuitem', { name: 'Sync now' }).click();
    await poll(() => customerRow().textContent(), { timeout: 30_000 }).toContain('No Change');
    expect(psaWrites()).toBe(before);
    await customerRow()
      .getByRole('link', { name: `Last run of ${CUSTOMER}` })
      .click();
    await page.getByRole('heading', { name: `Customer sync: ${CUSTOMER}` }).waitFor();
    await page.getByText('Nothing new to sync: no change was written.').waitFor();
  }, 60_000);
});
