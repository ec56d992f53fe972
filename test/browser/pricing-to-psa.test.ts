import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import type { WorkspaceId } from '../../src/core/ids';
import { startJobQueue } from '../../src/jobs/queue';
import { type RunningWorker, startWorker } from '../../src/jobs/worker';
import { createEngineDeps } from '../../src/runtime/engine';
import { createTargetOpener, type TargetOpener } from '../../src/runtime/targets';
import { connectTarget } from '../../src/services/sync/connect';
import { setupAdmin } from '../support/app';
import { AutotaskReadback, decOf } from '../support/autotask-readback';
import { CREDS, IDS } from '../support/autotask-world';
import { browserAvailable, launchBrowser, poll, screenshotOnFailure } from '../support/browser';
import { TEST_TIMING, testJobDeps } from '../support/jobs';
import { TENANT } from '../support/planner-fixtures';
import { type LiveServer, startLiveServer } from '../support/server';
import { clock } from './flow-fixtures';
import { FIXED_PRICE, pricingSeed, seedPricingSource } from './pricing-fixtures';

/**
 * Issue 16 from the UI to the PSA, in Chromium: an admin adds a price rule for Contoso Dental on the Price rules
 * page (markup 25% on cost, up to .99, back-dated to July), maps the customer in the dialog billed in advance with
 * its Fixed Price contract as the annual contract, and SAVE AND SYNC NOW; the worker syncs it to the Autotask
 * emulator. The recurring contract's line bills the rule's price for the invoiced months and for the coming month
 * (September, from the seats carried forward, at September's cost); the annual subscription's charges are on the
 * Fixed Price contract at the customer's annual retail under the rule; a second Sync now writes nothing.
 * The Microsoft data is in pricing-fixtures.ts; today is 10 Sep 2025.
 */
const ADMIN = { email: 'admin@fourthcoffee.example', password: 'a strong password' };

/** Autotask writes: anything but reads (GET) and queries. */
const writesOf = (emulator: AutotaskEmulator) =>
  Object.entries(emulator.requests.counts())
    .filter(([key]) => !key.startsWith('GET ') && !/\/query(\/|$)/i.test(key))
    .reduce((n, [, c]) => n + c, 0);

const FINISHED = ['no_change', 'success', 'warning', 'error', 'rejected', 'superseded', 'interrupted'];

describe.skipIf(!browserAvailable)(
  'a price rule, an annual subscription and billing in advance, UI to Autotask',
  () => {
    let emulator: AutotaskEmulator;
    let server: LiveServer;
    let opener: TargetOpener | undefined;
    let worker: RunningWorker | undefined;
    let browser: Browser;
    let page: Page;
    let readback: AutotaskReadback;
    let ws: WorkspaceId;
    let base: string;

    const row = () => page.getByTestId('customer-row').filter({ hasText: 'Contoso Dental' }).first();
    /** Picks an option of a Mantine select (its options live in a portal). */
    const choose = async (field: Locator, option: string | RegExp, search?: string) => {
      await field.click();
      if (search !== undefined) await field.fill(search);
      await page.getByRole('option', { name: option, exact: typeof option === 'string' }).click();
    };
    /** The customer runs, oldest first, with their items: what `billsync run show` says, for failure messages. */
    const customerRuns = async () => {
      const runs = await server.pool.query<{
        id: string;
        status: string;
        trigger: string;
        message: string | null;
      }>("select id, status, trigger, message from runs where kind = 'customer' order by created_at");
      const items = await server.pool.query<{
        run_id: string;
        label: string;
        status: string;
        messages: unknown;
      }>('select run_id, label, status, messages from run_items order by run_id, seq');
      return runs.rows.map((r) => ({ ...r, items: items.rows.filter((i) => i.run_id === r.id) }));
    };
    const explain = async () => JSON.stringify(await customerRuns(), null, 2);

    beforeAll(async () => {
      emulator = createAutotaskEmulator({
        seed: parseSeed(pricingSeed()),
        clock: createClock({ start: '2025-09-10T09:00:00Z' }),
      });
      base = await emulator.listen(0);
      readback = new AutotaskReadback(base);
      server = await startLiveServer({ clock, openTarget: (w, target) => opener!(w, target) });
      opener = createTargetOpener({ pool: server.pool, box: server.box });

      // The admin's workspace, connected to Autotask; the program with the annual motion on (through the API, as the
      // program settings page saves it); the Microsoft data imported.
      const admin = await setupAdmin(server.app, ADMIN.email, ADMIN.password);
      ws = (await admin.request('GET', '/api/workspace')).json.id as WorkspaceId;
      const deps = createEngineDeps({ pool: server.pool, clock, openTarget: opener });
      await connectTarget(deps, server.box, {
        workspaceId: ws,
        kind: 'autotask',
        settings: { username: CREDS.userName, zoneUrl: `${base}/ATServicesRest/` },
        secrets: { secret: CREDS.secret, integrationCode: CREDS.integrationCode },
        actor: 'test',
      });
      const program = await admin.request('PUT', '/api/programs/autotask', {
        syncEnabled: true,
        mode: 'in-use',
        motions: { annual: true },
        billingCodeId: String(IDS.code),
        vendorId: String(IDS.vendor),
      });
      expect(program.status, JSON.stringify(program.json)).toBe(200);
      expect(program.json.settings.motions).toMatchObject({ monthly: true, annual: true });
      await seedPricingSource(server.pool, ws);

      // The worker, in-process, as `billsync worker` runs it.
      const queue = await startJobQueue({ url: server.db.url, max: 3 }, TEST_TIMING, { worker: true });
      const engine = createEngineDeps({ pool: server.pool, clock, openTarget: opener });
      worker = await startWorker(testJobDeps({ pool: server.pool, engine, queue, clock }), {
        concurrency: 2,
        pollSeconds: 0.5,
        tickSeconds: 0,
        defaults: { hour: 6, timeZone: 'UTC' },
      });

      browser = await launchBrowser();
      page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      page.setDefaultTimeout(10_000);
    }, 60_000);
    screenshotOnFailure(() => page, { fullPage: true });
    afterAll(async () => {
      await browser?.close();
      await worker?.stop({ timeoutMs: 5_000 });
      await server?.close();
      await emulator?.close();
    });

    it('adds a back-dated price rule for the customer on the Price rules page', async () => {
      await page.goto(`${server.baseUrl}/login`);
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Price rules' }).click();
      await page.getByRole('heading', { name: 'Price rules', level: 1 }).waitFor();
      await page.getByText('No price rules yet').waitFor();
      await page.getByRole('button', { name: 'Add rule' }).click();

      // Contoso Dental, all offers, markup 25% on cost, up to .99, from 1 Jul 2025 (before the next period: a warning).
      const form = page.getByRole('form', { name: 'New price rule' });
      await choose(form.getByRole('textbox', { name: 'Customer' }), 'Contoso Dental', 'contoso');
      expect(await form.getByRole('textbox', { name: 'Offers' }).inputValue()).toBe('All offers');
      expect(await form.getByRole('textbox', { name: 'Basis' }).inputValue()).toBe('Cost');
      expect(await form.getByRole('textbox', { name: 'Method' }).inputValue()).toBe('Markup %');
      await form.getByRole('textbox', { name: 'Markup (%)' }).fill('25');
      await choose(form.getByRole('textbox', { name: 'Rounding' }), 'Up to .99 (e.g. 23.99)');
      await form.getByRole('textbox', { name: 'Valid from' }).fill('2025-07-01');
      await form.getByRole('button', { name: 'Save rule' }).click();
      await form.waitFor({ state: 'hidden' });
      await page.getByText('Added with a warning').waitFor();
      expect(await page.getByText(/The rule starts before 01 Oct 2025/).count()).toBe(1);
      await poll(() =>
        page.getByTestId('price-rule-row').getByTestId('price-rule-description').allTextContents(),
      ).toEqual([
        expect.stringContaining(
          'Markup 25% on cost · Contoso Dental · all offers · rounded up to .99 · from 01 Jul 2025',
        ),
      ]);
    }, 60_000);

    it('maps the customer billed in advance with its Fixed Price contract; SAVE AND SYNC NOW syncs it through the worker', async () => {
      await page.goto(`${server.baseUrl}/programs/autotask/csp/customers`);
      await row().getByRole('button', { name: 'Edit mapping of Contoso Dental' }).click();
      const dialog = page.getByRole('dialog', { name: 'Map Contoso Dental' });
      const company = dialog.getByRole('textbox', { name: 'Autotask company' });
      await poll(() => company.inputValue()).not.toBe('');
      if ((await company.inputValue()) !== 'Contoso Dental Ltd')
        await choose(company, 'Contoso Dental Ltd', 'Contoso');
      await poll(() => dialog.getByRole('textbox', { name: /^Contract/ }).inputValue()).toMatch(
        /^Contoso Microsoft 365 \(/,
      );
      await choose(dialog.getByRole('textbox', { name: 'Billing' }), 'In advance (the coming month)');
      await choose(dialog.getByRole('textbox', { name: 'Annual contract' }), /^Contoso annual licences/);
      await poll(() => dialog.getByRole('textbox', { name: 'Annual contract' }).inputValue()).toMatch(
        /^Contoso annual licences \(/,
      );
      expect(await dialog.getByRole('textbox', { name: 'Pricing strategy' }).inputValue()).toBe(
        'Sync cost and retail pricing',
      );
      await dialog.getByRole('textbox', { name: 'Sync start date (UTC)' }).fill('2025-08-01');
      await poll(() => dialog.getByTestId('sync-start-hint').textContent()).toBe(
        'Includes the invoices issued 07 Aug 2025 and 07 Sep 2025.',
      );
      expect(await dialog.getByRole('switch', { name: 'Sync' }).isChecked()).toBe(true);
      await dialog.getByRole('button', { name: 'SAVE AND SYNC NOW' }).click();
      await dialog.waitFor({ state: 'hidden' });

      const mapping = await server.pool.query(
        'select contract_id, annual_contract_id, billing, strategy, sync_on from customer_mappings where tenant_id = $1',
        [TENANT],
      );
      expect(mapping.rows).toEqual([
        {
          contract_id: String(IDS.contract),
          annual_contract_id: String(FIXED_PRICE),
          billing: 'advance',
          strategy: 'cost-and-retail',
          sync_on: true,
        },
      ]);

      // The worker takes the sync; it ends, and the row says how.
      await poll(async () => (await customerRuns()).map((r) => FINISHED.includes(r.status)), {
        timeout: 30_000,
      }).toEqual([true]);
      const [run] = await customerRuns();
      expect(run!.status, await explain()).toMatch(/^(success|warning)$/);
      expect(run!.trigger).toBe('api');
      await poll(() => row().textContent(), { timeout: 20_000 }).toMatch(/Success|Warning/);
      await poll(() => row().getByTestId('row-progress').count()).toBe(0);
    }, 90_000);

    it('the PSA bills the rule’s price for the invoiced months and the coming month, the annual charges on the Fixed Price contract', async () => {
      const why = await explain();
      // The recurring contract has the monthly offer's line only: nothing annual on it.
      const lines = await readback.contractServices(IDS.contract);
      expect(
        lines.map((l) => l.serviceName),
        why,
      ).toEqual(['PC_P1Y:M:CFQ7TTC0LCHC:0002']);
      expect(await readback.charges(IDS.contract)).toEqual([]);
      const bp = lines[0]!;
      const segments = await readback.unitSegments(bp.id);
      const on = (day: string) => {
        const s = segments.find((x) => x.start <= day && day <= x.end);
        return s ? [s.units.toString(), s.price?.toFixed(2), s.cost?.toFixed(2)] : undefined;
      };
      const state = JSON.stringify(segments, null, 2);
      // The rule's price: 20.00 x 1.25 = 25.00, up to .99: 25.99, in July and August (Microsoft's cost 20.00).
      expect(on('2025-07-15'), state).toEqual(['10', '25.99', '20.00']);
      expect(on('2025-08-10'), state).toEqual(['10', '25.99', '20.00']);
      expect(on('2025-08-25'), state).toEqual(['12', '25.99', '20.00']);
      // In advance: September (the month after August's invoice) at the 12 seats carried forward, priced by the rule
      // from September's price-list cost: 22.00 x 1.25 = 27.50, up to .99: 27.99 (the invoiced cost 20.00 carries).
      expect(on('2025-09-01'), state).toEqual(['12', '27.99', '20.00']);
      expect(on('2025-09-30'), state).toEqual(['12', '27.99', '20.00']);
      const billed = async (month: string) =>
        (await readback.billedPerMonth(IDS.contract, month)).total.toFixed(2);
      // July: 10 x 25.99 = 259.90.
      expect(await billed('2025-07')).toBe('259.90');
      // August: (10 x 19 + 12 x 12) / 31 x 25.99 = 334 / 31 x 25.99 = 280.02.
      expect(await billed('2025-08')).toBe('280.02');
      // September, billed in advance: 12 x 27.99 = 335.88.
      expect(await billed('2025-09')).toBe('335.88');

      // The annual subscription on the Fixed Price contract, one charge per month of its charge start, at the
      // customer's annual retail: the rule covers every offer of Contoso, 237.60 x 1.25 = 297.00, up to .99: 297.99
      // (the list retail 264.00 does not apply). Microsoft's subtotal x 297.99 / Microsoft's unit price 237.60:
      // 10 Jul: 1188.00 x 297.99 / 237.60 = 1489.95 (5 seats, the full term);
      // 20 Aug: 421.82 x 297.99 / 237.60 = 529.0326 -> 529.03 (2 seats for 324 of 365 days).
      const charges = await readback.charges(FIXED_PRICE);
      expect(
        charges.map((c) => [c.date, c.amount.toFixed(2)]),
        why,
      ).toEqual([
        ['2025-07-10', '1489.95'],
        ['2025-08-20', '529.03'],
      ]);
      // Their cost is what Microsoft billed: 1188.00 and 421.82.
      const dump = (await (await fetch(`${base}/_emulator/state`)).json()) as {
        ContractCharges: {
          contractID: number;
          datePurchased: string;
          unitCost: number;
          unitQuantity: number;
        }[];
      };
      expect(
        dump.ContractCharges.filter((c) => c.contractID === FIXED_PRICE).map((c) => [
          c.datePurchased.slice(0, 10),
          decOf(c.unitQuantity).times(decOf(c.unitCost)).toFixed(2),
        ]),
      ).toEqual([
        ['2025-07-10', '1188.00'],
        ['2025-08-20', '421.82'],
      ]);
    }, 60_000);

    it('a second Sync now from the row’s menu writes nothing', async () => {
      const before = writesOf(emulator);
      await row().getByRole('button', { name: 'More for Contoso Dental' }).click();
      await page.getByRole('menuitem', { name: 'Sync now' }).click();
      await poll(async () => (await customerRuns()).map((r) => FINISHED.includes(r.status)), {
        timeout: 30_000,
      }).toEqual([true, true]);
      const runs = await customerRuns();
      expect(runs[1]!.status, await explain()).toBe('no_change');
      await poll(() => row().textContent(), { timeout: 20_000 }).toContain('No Change');
      expect(writesOf(emulator)).toBe(before);
    }, 60_000);
  },
);
