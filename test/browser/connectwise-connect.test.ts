import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectWiseEmulator,
  createConnectWiseEmulator,
  DEMO_CREDENTIALS,
  DEMO_IDS,
  loadDemoSeed,
} from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import type { WorkspaceId } from '../../src/core/ids';
import { dec } from '../../src/core/money/decimal';
import { createTargetOpener, type TargetOpener } from '../../src/runtime/targets';
import { type ConnectWiseAdapter, forgetCodebases } from '../../src/targets/connectwise';
import {
  browserAvailable,
  launchBrowser,
  poll,
  screenshotOnFailure,
  setUpWorkspace,
} from '../support/browser';
import { type LiveServer, startLiveServer } from '../support/server';
import { clock } from './flow-fixtures';

/**
 * Issue 15: an admin connects ConnectWise on the Connections page (Test, then Save) and sets up its program
 * (catalog placement, taxable, e-mails); the program's catalog settings reach the adapter.
 */
describe.skipIf(!browserAvailable)('ConnectWise connect flow in Chromium', () => {
  let emulator: ConnectWiseEmulator;
  let site: string;
  let server: LiveServer;
  let opener: TargetOpener | undefined;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    emulator = createConnectWiseEmulator({
      seed: loadDemoSeed(),
      clock: createClock({ start: '2025-09-10T09:00:00Z' }),
      sleep: async () => {},
    });
    // Plain http on loopback: the URL policy allows it in tests (BILLSYNC_ALLOW_LOCAL_PSA), as for Autotask.
    site = await emulator.listen(0);
    forgetCodebases();
    server = await startLiveServer({ clock, openTarget: (ws, target) => opener!(ws, target) });
    opener = createTargetOpener({ pool: server.pool, box: server.box });
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

  it('connects with Test then Save, and saves the program with its catalog settings', async () => {
    await setUpWorkspace(page, `${server.baseUrl}/`, {
      workspace: 'Contoso MSP',
      email: 'admin@contoso.example',
      password: 'a strong password',
    });

    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Connections' }).click();
    const card = page.getByTestId('connection-connectwise');
    const status = card.getByTestId('connection-connectwise-status');
    await poll(() => status.textContent()).toBe('Not connected');
    await card.getByRole('button', { name: 'CONNECT NOW' }).click();
    const form = page.getByRole('dialog', { name: 'Connect ConnectWise' });
    await form.getByLabel('Site').fill(site);
    await form.getByLabel('Company id').fill(DEMO_CREDENTIALS.companyId);
    await form.getByLabel('Public key').fill(DEMO_CREDENTIALS.publicKey);
    await form.getByLabel('Private key').fill('a wrong key');

    // Test checks what is entered and saves nothing, whatever the answer.
    await form.getByRole('button', { name: 'Test', exact: true }).click();
    await poll(() => form.getByTestId('error-alert').textContent()).toMatch(/Nothing was saved/);
    expect(await form.getByTestId('error-alert').textContent()).toMatch(
      /ConnectWise refused the credentials: check the company id, public key and private key/,
    );
    expect(await status.textContent()).toBe('Not connected');
    expect((await server.pool.query('select count(*)::int as n from connections')).rows[0].n).toBe(0);
    await form.getByLabel('Private key').fill(DEMO_CREDENTIALS.privateKey);
    await form.getByRole('button', { name: 'Test', exact: true }).click();
    await poll(() => form.getByTestId('connection-test-result').textContent()).toMatch(/credentials work/);
    expect(await status.textContent()).toBe('Not connected');

    // Save stores the key sealed and tests: the program is not set up yet.
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'hidden' });
    await poll(() => status.textContent()).toBe('Needs setup');
    await poll(() => card.getByTestId('connection-connectwise-message').textContent()).toMatch(
      /Connected to .* as demo\+demo-public/,
    );
    const stored = await server.pool.query(
      "select settings, credentials::text as sealed from connections where kind = 'connectwise'",
    );
    expect(stored.rows[0].settings).toEqual({
      site,
      companyId: DEMO_CREDENTIALS.companyId,
      publicKey: DEMO_CREDENTIALS.publicKey,
    });
    expect(stored.rows[0].sealed).not.toContain(DEMO_CREDENTIALS.privateKey);

    // The program: the catalog placement proposes "Miscellaneous"; choose Cloud Services / Microsoft 365.
    await card.getByRole('button', { name: /EDIT/ }).click();
    await page.getByRole('heading', { name: 'Program settings' }).waitFor();
    const category = page.getByRole('textbox', { name: 'Catalog category' });
    const subcategory = page.getByRole('textbox', { name: 'Subcategory' });
    const productType = page.getByRole('textbox', { name: 'Product type' });
    await poll(() => subcategory.inputValue()).toBe('Miscellaneous');
    expect(await productType.inputValue()).toBe('Miscellaneous');
    expect(await category.inputValue()).toBe('Miscellaneous');
    await category.click();
    await page.getByRole('option', { name: 'Cloud Services' }).click();
    // Another category clears the subcategory and lists only its own.
    expect(await subcategory.inputValue()).toBe('');
    await subcategory.click();
    await poll(() => page.getByRole('option').allTextContents()).toEqual([
      'Azure',
      'Backup',
      'Microsoft 365',
    ]);
    await page.getByRole('option', { name: 'Microsoft 365' }).click();
    await productType.click();
    await page.getByRole('option', { name: 'Software License' }).click();
    await page.getByRole('switch', { name: 'Set new products taxable' }).check({ force: true });
    await page.getByRole('switch', { name: 'Sync', exact: true }).check({ force: true });
    const emails = page.getByRole('textbox', { name: 'Notification email addresses' });
    await emails.fill('billing@contoso.example');
    await emails.press('Enter');
    await page.getByRole('button', { name: 'SAVE' }).click();
    await page.getByText('Program settings saved').waitFor();
    await nav.getByText('ConnectWise → Microsoft CSP', { exact: true }).waitFor();

    const program = await server.pool.query("select settings from programs where target = 'connectwise'");
    expect(program.rows[0].settings).toMatchObject({
      syncEnabled: true,
      emails: ['billing@contoso.example'],
      billingCodeId: String(DEMO_IDS.subcategoryM365),
      catalog: {
        categoryId: String(DEMO_IDS.categoryCloud),
        subcategoryId: String(DEMO_IDS.subcategoryM365),
        typeId: String(DEMO_IDS.typeLicense),
        taxable: true,
      },
    });

    // The adapter the server opens files new catalog items where the program says.
    const ws = (await server.pool.query('select id from workspaces')).rows[0].id as WorkspaceId;
    const adapter = (await opener!(ws, 'connectwise')) as ConnectWiseAdapter;
    const created = await adapter.apply(
      {},
      {
        kind: 'create-product',
        key: 'p',
        offerKey: 'CFQ7TTC0ZZZZ|0001|P1M|Monthly|Commercial|US|USD',
        name: 'PC_CFQ7TTC0ZZZZ:0001',
        description: 'A test offer',
        unitPrice: dec('12'),
        unitCost: dec('10'),
        period: 'monthly',
        billingCodeId: String(DEMO_IDS.subcategoryM365),
        vendorId: String(DEMO_IDS.microsoft),
      },
    );
    expect(created.ok).toBe(true);
    const itemId = created.ok ? created.value.targetId : undefined;
    const item = await adapter.client.get({}, `procurement/catalog/${itemId}`);
    expect(item).toMatchObject({
      subcategory: { id: DEMO_IDS.subcategoryM365 },
      type: { id: DEMO_IDS.typeLicense },
      taxableFlag: true,
    });

    // Back on Connections the card is green.
    await nav.getByRole('link', { name: 'Connections' }).click();
    await card.getByRole('button', { name: 'Test again' }).click();
    await poll(() => status.textContent()).toBe('Connected');
  });
});
