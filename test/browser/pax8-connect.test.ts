import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../emulators/kit';
import { createPax8Emulator, type Pax8Emulator, pax8Scenario, releaseInstant } from '../../emulators/pax8';
import { systemClock } from '../../src/runtime/system-clock';
import {
  browserAvailable,
  launchBrowser,
  poll,
  screenshotOnFailure,
  setUpWorkspace,
} from '../support/browser';
import { type LiveServer, startLiveServer } from '../support/server';

/**
 * Issue 18: an admin connects Pax8 on the Connections page (client id and secret, the emulator's URL under the
 * advanced settings): a wrong secret is saved and the card says what to check; the right one connects; Pull now
 * reads the companies and invoices and the card shows the last pull.
 */
function seed() {
  const s = pax8Scenario();
  const contoso = s.company('Contoso Dental');
  s.subscribe(contoso, 'business-standard', { on: '2026-01-01', quantity: 10 });
  return s.build();
}

describe.skipIf(!browserAvailable)('Pax8 connect flow in Chromium', () => {
  let emulator: Pax8Emulator;
  let apiUrl: string;
  let server: LiveServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    emulator = createPax8Emulator({
      seed: seed(),
      clock: createClock({ start: releaseInstant('2026-03') }),
      sleep: async () => {},
    });
    // Plain http on loopback: the URL policy allows it in tests (BILLSYNC_ALLOW_LOCAL_PSA).
    apiUrl = `${await emulator.listen(0)}/v1`;
    server = await startLiveServer({ clock: systemClock });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
  });

  screenshotOnFailure(() => page);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await emulator?.close();
  });

  it('connects Pax8, sees it connected, and pulls', async () => {
    await setUpWorkspace(page, `${server.baseUrl}/`, {
      workspace: 'Northbridge IT',
      email: 'admin@northbridge.example',
      password: 'a strong password',
    });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
    const card = page.getByTestId('connection-pax8');
    const status = card.getByTestId('connection-pax8-status');
    await poll(() => status.textContent()).toBe('Not connected');
    await card.getByRole('button', { name: 'Connect Pax8' }).click();
    const form = page.getByRole('dialog', { name: 'Connect Pax8' });
    await form.getByLabel('Client id').fill('scenario-client');
    await form.getByLabel('Client secret').fill('a wrong secret');
    await form.getByRole('button', { name: 'Advanced settings' }).click();
    await form.getByLabel('Pax8 API URL').fill(apiUrl);
    await form.getByRole('button', { name: 'Save and test' }).click();
    await poll(() => form.getByTestId('error-alert').textContent()).toMatch(/check the client id and secret/);
    await poll(() => status.textContent()).toBe('Error');

    await form.getByLabel('Client secret').fill('scenario-secret');
    await form.getByRole('button', { name: 'Save and test' }).click();
    await form.waitFor({ state: 'hidden' });
    await poll(() => status.textContent()).toBe('Connected');
    expect(await card.getByTestId('connection-pax8-message').textContent()).toMatch(/Connected to Pax8/);
    const stored = await server.pool.query(
      "select settings, credentials::text as sealed from connections where kind = 'pax8'",
    );
    expect(stored.rows[0].settings).toEqual({ clientId: 'scenario-client', apiUrl });
    expect(stored.rows[0].sealed).not.toContain('scenario-secret');

    await card.getByRole('button', { name: 'Pull now' }).click();
    await poll(() => card.getByTestId('connection-pax8-pull').textContent()).toMatch(
      /1 customer, price list: \d+ entr(y|ies) \(changed\), 3 new or corrected invoices/,
    );
    const invoices = await server.pool.query('select billing_period from invoices order by billing_period');
    expect(invoices.rows.map((r) => r.billing_period)).toEqual(['2025-12', '2026-01', '2026-02']);
  }, 60_000);
});
