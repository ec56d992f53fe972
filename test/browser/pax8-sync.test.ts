import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, parseSeed } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import { createPax8Emulator, type Pax8Emulator, pax8Scenario, releaseInstant } from '../../emulators/pax8';
import type { WorkspaceId } from '../../src/core/ids';
import type { Clock } from '../../src/core/time/clock';
import type { RunningWorker } from '../../src/jobs/worker';
import { createEngineDeps } from '../../src/runtime/engine';
import { createTargetOpener } from '../../src/runtime/targets';
import { connectTarget } from '../../src/services/sync/connect';
import { saveProgramSettings } from '../../src/services/sync/program-settings';
import { AutotaskReadback } from '../support/autotask-readback';
import { CREDS, e2eSeed, IDS } from '../support/autotask-world';
import { browserAvailable, poll, screenshotOnFailure, setUpWorkspace } from '../support/browser';
import { startBrowserWorld } from '../support/browser-world';
import type { LiveServer } from '../support/server';

/**
 * Issue 18, in Chromium: an MSP on Pax8 connects Pax8 on the Connections page (the emulator in-process), pulls,
 * maps its one customer to the Autotask contract in the mapping dialog, SAVE AND SYNC NOW, and the run succeeds.
 * Contoso Dental has Business Standard month to month (suggested retail 15.00): 10 seats from 1 January 2026, 12
 * from 15 January. Autotask then bills the contract 10 units from 1 January and 12 from 15 January, so
 * January 10 x 15.00 + 2 x 15.00 x 17/31 = 166.45 and February 12 x 15.00 = 180.00 (read back from the emulator).
 */

/** The sync's calendar day: after the March invoice's release; instants are real (cookies, tokens). */
const clock: Clock = { now: () => new Date().toISOString(), today: () => '2026-03-10' as never };

function pax8Seed() {
  const s = pax8Scenario();
  const contoso = s.company('Contoso Dental');
  const sub = s.subscribe(contoso, 'business-standard', { on: '2026-01-01', quantity: 10 });
  s.changeSeats(sub, '2026-01-15', 12);
  return s.build();
}

describe.skipIf(!browserAvailable)('Pax8 to Autotask for one customer in Chromium', () => {
  let pax8: Pax8Emulator;
  let apiUrl: string;
  let autotask: AutotaskEmulator;
  let autotaskBase: string;
  let server: LiveServer;
  let worker: RunningWorker | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    pax8 = createPax8Emulator({
      seed: pax8Seed(),
      clock: createClock({ start: releaseInstant('2026-03') }),
      sleep: async () => {},
    });
    // Plain http on loopback: the URL policy allows it in tests (BILLSYNC_ALLOW_LOCAL_PSA).
    apiUrl = `${await pax8.listen(0)}/v1`;
    autotask = createAutotaskEmulator({
      seed: parseSeed(e2eSeed()),
      clock: createClock({ start: '2026-03-10T09:00:00Z' }),
      sleep: async () => {},
    });
    autotaskBase = await autotask.listen(0);
    ({ server, worker, browser, page } = await startBrowserWorld(clock));
  });

  screenshotOnFailure(() => page);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop({ timeoutMs: 5_000 });
    await server?.close();
    await autotask?.close();
    await pax8?.close();
  });

  it('connects Pax8, pulls, maps the customer, SAVE AND SYNC NOW, and Autotask bills the seats', async () => {
    await setUpWorkspace(page, `${server.baseUrl}/`, {
      workspace: 'Northbridge IT',
      email: 'admin@northbridge.example',
      password: 'a strong password',
    });

    // Autotask connected and configured as in the other browser flows (its own Connections card is tested there).
    const ws = (await server.pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
    const opener = createTargetOpener({ pool: server.pool, box: server.box });
    const deps = createEngineDeps({ pool: server.pool, clock, openTarget: opener });
    await connectTarget(deps, server.box, {
      workspaceId: ws,
      kind: 'autotask',
      settings: { username: CREDS.userName, zoneUrl: `${autotaskBase}/ATServicesRest/` },
      secrets: { secret: CREDS.secret, integrationCode: CREDS.integrationCode },
      actor: 'test',
    });
    await saveProgramSettings(
      deps,
      ws,
      'autotask',
      { syncEnabled: true, mode: 'in-use', billingCodeId: String(IDS.code), vendorId: String(IDS.vendor) },
      'test',
    );

    await page.reload();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();

    // Pax8 on the Connections page: credentials, the emulator's URL, Save and test, Pull now.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    const card = page.getByTestId('connection-pax8');
    await card.getByRole('button', { name: 'Connect Pax8' }).click();
    const form = page.getByRole('dialog', { name: 'Connect Pax8' });
    await form.getByLabel('Client id').fill('scenario-client');
    await form.getByLabel('Client secret').fill('scenario-secret');
    await form.getByRole('button', { name: 'Advanced settings' }).click();
    await form.getByLabel('Pax8 API URL').fill(apiUrl);
    await form.getByRole('button', { name: 'Save and test' }).click();
    await form.waitFor({ state: 'hidden' });
    await poll(() => card.getByTestId('connection-pax8-status').textContent()).toBe('Connected');
    await card.getByRole('button', { name: 'Pull now' }).click();
    await poll(() => card.getByTestId('connection-pax8-pull').textContent()).toMatch(/1 customer, /);

    // Customers: the mapping dialog, the suggested company and its contract, SAVE AND SYNC NOW.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Products' }).click();
    await page.getByRole('tab', { name: 'Customers' }).click();
    await page.getByRole('searchbox', { name: 'Search customers' }).fill('contoso');
    const row = page.getByTestId('customer-row').filter({ hasText: 'Contoso Dental' }).first();
    await row.getByRole('button', { name: 'Edit mapping of Contoso Dental' }).click();
    const dialog = page.getByRole('dialog', { name: 'Map Contoso Dental' });
    const company = dialog.getByRole('textbox', { name: 'Autotask company' });
    await company.fill('contoso');
    await page.getByRole('option', { name: 'Contoso Dental Ltd' }).click();
    await poll(() => dialog.getByRole('textbox', { name: 'Contract' }).inputValue()).toMatch(
      /^Contoso Microsoft 365/,
    );
    await dialog.getByLabel('Sync start date (UTC)').fill('2026-01-01');
    const sync = dialog.getByRole('switch', { name: 'Sync' });
    if (!(await sync.isChecked())) await sync.check({ force: true });
    await dialog.getByRole('button', { name: 'SAVE AND SYNC NOW' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await poll(() => row.textContent(), { timeout: 20_000 }).toContain('Success');
    const runs = await server.pool.query("select status from runs where kind = 'customer'");
    expect(runs.rows).toEqual([{ status: 'success' }]);

    // Autotask, read back as a third party would: the units per day and the money per month.
    const readback = new AutotaskReadback(autotaskBase);
    const [service, ...others] = await readback.contractServices(IDS.contract);
    expect(others).toEqual([]);
    const units = await Promise.all(
      ['2026-01-05', '2026-01-20', '2026-02-15'].map(async (d) =>
        (await readback.unitsOn(service!.id, d)).toString(),
      ),
    );
    expect(units).toEqual(['10', '12', '12']);
    const billed = async (month: string) =>
      (await readback.billedPerMonth(IDS.contract, month)).total.round(2, 1).toFixed(2);
    expect([await billed('2026-01'), await billed('2026-02')]).toEqual(['166.45', '180.00']);
  }, 90_000);
});
