import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { InvoiceLine } from '../../src/core/model/source';
import type { Clock } from '../../src/core/time/clock';
import type { PlainDate } from '../../src/core/time/plain-date';
import { storeInvoice, storePriceList, upsertSourceCustomers } from '../../src/db/repos/source-data';
import { saveMapping } from '../../src/db/repos/sync';
import { createUser } from '../../src/services/auth';
import { setupAdmin } from '../support/app';
import { browserAvailable, launchBrowser, poll, screenshotOnFailure } from '../support/browser';
import { d, inv, line, offer, priceEntry, TENANT } from '../support/planner-fixtures';
import { type LiveServer, startLiveServer } from '../support/server';

/**
 * The Price rules page (issue 16) in Chromium: an admin adds a rule through the form, with the price preview and
 * the money effect on the next contract period before saving, sees it listed, and removes it after the money
 * effect of removing; a server refusal shows next to the form; a back-dated rule warns; a viewer sees the rules
 * and previews prices but cannot add or remove.
 */

/** Today is 10 Dec 2025 on the server (instants are real: cookies): the next contract period starts 1 Jan 2026. */
const clock: Clock = { now: () => new Date().toISOString(), today: () => '2025-12-10' as PlainDate };
const BP = offer(); // CFQ7TTC0LCHC:0002, P1Y monthly
const BASIC = { ...offer('Monthly', 'P1M', '0001'), productId: 'CFQ7TTC0LH18' };
const OTHER = '00000000-0000-4000-8000-000000000777';
const ADMIN = { email: 'admin@msp.example', password: 'correct horse battery' };
const VIEWER = { email: 'viewer@msp.example', password: 'viewer password!' };

async function seed(server: LiveServer): Promise<void> {
  const admin = await setupAdmin(server.app, ADMIN.email, ADMIN.password);
  const ws = (await admin.request('GET', '/api/workspace')).json.id as WorkspaceId;
  await createUser(server.pool, { workspaceId: ws, ...VIEWER, role: 'viewer', actor: 'test' });
  await upsertSourceCustomers(server.pool, ws, [
    { tenantId: TENANT, name: 'Contoso Dental', defaultDomain: 'contosodental.onmicrosoft.com' },
    { tenantId: OTHER, name: 'Fabrikam', defaultDomain: 'fabrikam.onmicrosoft.com' },
  ]);
  const basicTitles = {
    productTitle: 'Microsoft 365 Business Basic',
    skuTitle: 'Microsoft 365 Business Basic',
  };
  await storePriceList(server.pool, ws, [
    priceEntry(BP, '20.00', '23.10'),
    { ...priceEntry(BASIC, '6.00', '7.20'), ...basicTitles },
  ]);
  // November: Contoso 10 Business Premium and 3 Basic seats, Fabrikam 4 Business Premium.
  const november = inv('G11', '2025-11', [
    line({ start: '2025-11-01', last: '2025-11-30', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
    line({
      sub: 'basic-1',
      offer: BASIC,
      start: '2025-11-01',
      last: '2025-11-30',
      qty: 3,
      unitPrice: '6.00',
      subtotal: '18.00',
    }),
    line({
      tenant: OTHER,
      sub: 'fab-1',
      start: '2025-11-01',
      last: '2025-11-30',
      qty: 4,
      unitPrice: '20.00',
      subtotal: '80.00',
    }),
  ]);
  await storeInvoice(server.pool, ws, november.header, november.lines as InvoiceLine[]);
  // Contoso is synced with cost and retail (rules set its price); Fabrikam with cost only (rules do not).
  for (const [tenant, strategy] of [
    [TENANT, 'cost-and-retail'],
    [OTHER, 'cost-only'],
  ] as const)
    await saveMapping(server.pool, ws, 'autotask', {
      tenant_id: tenant,
      company_id: '1',
      company_name: 'C',
      contract_id: '2',
      contract_name: 'K',
      strategy,
      sync_start: d('2025-11-01'),
      sync_on: true,
    });
}

/** The cells' texts of each row. */
const cellsOf = (rows: Locator) =>
  rows.evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())),
  );

describe.skipIf(!browserAvailable)('price rules in Chromium', () => {
  let server: LiveServer;
  let browser: Browser;
  let page: Page;

  const signIn = async (p: Page, who: { email: string; password: string }) => {
    await p.goto(`${server.baseUrl}/login`);
    await p.getByLabel('Email').fill(who.email);
    await p.getByLabel('Password').fill(who.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Price rules' }).click();
    await p.getByRole('heading', { name: 'Price rules', level: 1 }).waitFor();
  };
  /** Picks an option of a Mantine select (its options live in a portal). */
  const choose = async (field: Locator, option: string, search?: string) => {
    await field.click();
    if (search !== undefined) await field.fill(search);
    await page.getByRole('option', { name: option, exact: true }).click();
  };
  const rows = () => page.getByTestId('price-rule-row');
  const form = () => page.getByRole('form', { name: 'New price rule' });
  const preview = () => page.getByRole('region', { name: 'Price preview' });
  const effect = () => page.getByRole('region', { name: 'Money effect' });
  const previewRow = () => cellsOf(preview().getByTestId('preview-offer'));

  beforeAll(async () => {
    server = await startLiveServer({ clock });
    await seed(server);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(10_000);
  });
  screenshotOnFailure(() => page, { fullPage: true });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('adds a rule with the preview and the money effect before saving, then removes it after its effect', async () => {
    await signIn(page, ADMIN);
    await page.getByText('No price rules yet').waitFor();
    await page.getByRole('button', { name: 'Add rule' }).click();

    // Markup 25% on cost for every customer, all offers, rounded up to .99; from the default (1 Jan 2026).
    const f = form();
    expect(await f.getByRole('textbox', { name: 'Customer' }).inputValue()).toBe('Every customer');
    await choose(f.getByRole('textbox', { name: 'Rounding' }), 'Up to .99 (e.g. 23.99)');
    await f.getByRole('textbox', { name: 'Markup (%)' }).fill('25');

    // The preview beside the form prices under the saved rules: none yet, the list retail stands.
    await preview().getByRole('textbox', { name: 'SKU code' }).fill('CFQ7TTC0LCHC:0002');
    await poll(previewRow).toEqual([
      [
        expect.stringContaining('Microsoft 365 Business Premium'),
        'USD 20.00',
        'USD 23.10',
        'None: the list retail stands',
        'USD 23.10',
      ],
    ]);
    expect(await preview().getByTestId('price-preview').textContent()).toContain(
      'On 01 Jan 2026, for every customer',
    );

    // The money effect of the rule in the form on January: Contoso's seats (Fabrikam syncs cost only).
    await poll(() => cellsOf(effect().locator('tbody tr'))).toEqual([
      ['Contoso Dental', 'USD +31.27'],
      ['Microsoft 365 Business Premium', '10', 'USD 23.10', 'USD 25.99', 'USD +28.90'],
      ['Microsoft 365 Business Basic', '3', 'USD 7.20', 'USD 7.99', 'USD +2.37'],
    ]);
    expect(await effect().getByTestId('effect-total').allTextContents()).toEqual(['Total: USD +31.27']);
    await poll(() => f.getByText('Empty: the first day of next month (01 Jan 2026)').count()).toBe(1);

    // What the server refuses is said next to the form, in its words.
    await choose(f.getByRole('textbox', { name: 'Method' }), 'Margin %');
    await f.getByRole('textbox', { name: 'Margin (%)' }).fill('100');
    await poll(() => effect().getByTestId('error-alert').textContent()).toContain(
      'A margin is a percent of the price below 100',
    );
    await f.getByRole('button', { name: 'Save rule' }).click();
    await poll(() => f.getByTestId('error-alert').textContent()).toContain(
      'A margin is a percent of the price below 100',
    );
    expect(await rows().count()).toBe(0);
    await choose(f.getByRole('textbox', { name: 'Method' }), 'Markup %');
    await f.getByRole('textbox', { name: 'Markup (%)' }).fill('25');
    await poll(() => effect().getByTestId('effect-total').allTextContents()).toEqual(['Total: USD +31.27']);

    await f.getByRole('button', { name: 'Save rule' }).click();
    await form().waitFor({ state: 'hidden' });
    await page.getByText('Price rule added').waitFor();
    await poll(() => cellsOf(rows())).toEqual([
      [
        '0',
        expect.stringContaining(
          'Markup 25% on cost · every customer · all offers · rounded up to .99 · from 01 Jan 2026',
        ),
        'Every customer',
        'All offers',
        expect.stringContaining('01 Jan 2026'),
        'No end',
        '',
        'Remove',
      ],
    ]);
    // The preview now prices with the saved rule: 20.00 x 1.25 = 25.00, up to .99.
    await poll(previewRow).toEqual([
      [
        expect.stringContaining('Microsoft 365 Business Premium'),
        'USD 20.00',
        'USD 23.10',
        expect.stringMatching(/^Markup 25% on cost · every customer/),
        'USD 25.99',
      ],
    ]);
    // For one customer, chosen from the workspace's customers.
    await choose(preview().getByRole('textbox', { name: 'Customer' }), 'Contoso Dental', 'contoso');
    await poll(() => preview().getByTestId('price-preview').textContent()).toContain(
      'On 01 Jan 2026, for Contoso Dental',
    );
    expect((await previewRow())[0]?.[4]).toBe('USD 25.99');

    // Remove: the money effect of removing it first, then the list is empty again.
    await rows()
      .getByRole('button', { name: /^Remove rule: Markup 25%/ })
      .click();
    const confirm = page.getByRole('dialog', { name: 'Remove this price rule?' });
    await poll(() => cellsOf(confirm.locator('tbody tr'))).toEqual([
      ['Contoso Dental', 'USD -31.27'],
      ['Microsoft 365 Business Premium', '10', 'USD 25.99', 'USD 23.10', 'USD -28.90'],
      ['Microsoft 365 Business Basic', '3', 'USD 7.99', 'USD 7.20', 'USD -2.37'],
    ]);
    expect(await confirm.getByTestId('effect-total').allTextContents()).toEqual(['Total: USD -31.27']);
    expect(await confirm.getByTestId('remove-outcome').textContent()).toBe(
      'It has not started: it is deleted, and from 01 Jan 2026 prices follow the remaining rules.',
    );
    await confirm.getByRole('button', { name: 'Remove rule' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await page.getByText('No price rules yet').waitFor();
    expect(await rows().count()).toBe(0);
    const audit = await server.pool.query(
      "select action from audit_events where target_type = 'price_rule' order by id",
    );
    expect(audit.rows.map((r) => r.action)).toEqual(['price_rule.add', 'price_rule.remove']);
  }, 60_000);

  it('a back-dated rule for one customer and SKU warns when saved; removing it ends it, listed', async () => {
    await page.getByRole('button', { name: 'Add rule' }).click();
    const f = form();
    await choose(f.getByRole('textbox', { name: 'Customer' }), 'Contoso Dental', 'contoso');
    await choose(f.getByRole('textbox', { name: 'Offers' }), 'SKU code');
    await f.getByRole('textbox', { name: 'SKU code' }).fill('CFQ7TTC0LCHC:0002');
    await choose(f.getByRole('textbox', { name: 'Method' }), 'Fixed price');
    await f.getByRole('textbox', { name: 'Price per unit' }).fill('22');
    await f.getByRole('textbox', { name: 'Valid from' }).fill('2025-12-01');
    await f.getByRole('textbox', { name: 'Note' }).fill('Agreed in the renewal');
    // Contoso's 10 Business Premium seats from the list retail 23.10 to 22.00.
    await poll(() => cellsOf(effect().locator('tbody tr'))).toEqual([
      ['Contoso Dental', 'USD -11.00'],
      ['Microsoft 365 Business Premium', '10', 'USD 23.10', 'USD 22.00', 'USD -11.00'],
    ]);
    await f.getByRole('button', { name: 'Save rule' }).click();
    await form().waitFor({ state: 'hidden' });
    await page.getByText('Added with a warning').waitFor();
    expect(await page.getByText(/The rule starts before 01 Jan 2026/).count()).toBe(1);
    await poll(() => cellsOf(rows())).toEqual([
      [
        '0',
        expect.stringContaining('Fixed price 22.00 · Contoso Dental · SKU CFQ7TTC0LCHC:0002'),
        'Contoso Dental',
        'SKU CFQ7TTC0LCHC:0002',
        expect.stringContaining('01 Dec 2025'),
        'No end',
        'Agreed in the renewal',
        'Remove',
      ],
    ]);

    // It priced December already: removing ends it on 31 Dec 2025; January goes back to the list retail.
    await rows()
      .getByRole('button', { name: /^Remove rule: Fixed price 22.00/ })
      .click();
    const confirm = page.getByRole('dialog', { name: 'Remove this price rule?' });
    await poll(() => confirm.getByTestId('remove-outcome').textContent()).toBe(
      'It has priced periods already: it ends on 31 Dec 2025 and stays listed as the record of the prices it set. From 01 Jan 2026 prices follow the remaining rules.',
    );
    expect(await confirm.getByTestId('effect-total').allTextContents()).toEqual(['Total: USD +11.00']);
    await confirm.getByRole('button', { name: 'Remove rule' }).click();
    await confirm.waitFor({ state: 'hidden' });
    await page.getByText('Price rule ended').waitFor();
    // Listed with its end, and nothing left to remove.
    await poll(() => cellsOf(rows())).toEqual([
      [
        '0',
        expect.stringContaining('from 01 Dec 2025 to 31 Dec 2025'),
        'Contoso Dental',
        'SKU CFQ7TTC0LCHC:0002',
        expect.stringContaining('01 Dec 2025'),
        '31 Dec 2025',
        'Agreed in the renewal',
        '',
      ],
    ]);
  }, 60_000);

  it('a viewer sees the rules and previews prices, without Add rule or Remove', async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const viewer = await context.newPage();
    viewer.setDefaultTimeout(10_000);
    try {
      await signIn(viewer, VIEWER);
      const list = viewer.getByTestId('price-rule-row');
      await poll(() => list.getByTestId('price-rule-description').allTextContents()).toEqual([
        expect.stringContaining('Fixed price 22.00 · Contoso Dental'),
      ]);
      await viewer.getByText('Rules need the admin role').waitFor();
      expect(await viewer.getByRole('button', { name: 'Add rule' }).count()).toBe(0);
      expect(await viewer.getByRole('button', { name: /Remove/ }).count()).toBe(0);
      const pricing = viewer.getByRole('region', { name: 'Price preview' });
      // The SKU is found by its product name and picked from the list.
      await pricing.getByRole('textbox', { name: 'SKU code' }).fill('business basic');
      await viewer.getByRole('option', { name: /CFQ7TTC0LH18:0001/ }).click();
      expect(await pricing.getByRole('textbox', { name: 'SKU code' }).inputValue()).toBe('CFQ7TTC0LH18:0001');
      await poll(() => cellsOf(pricing.getByTestId('preview-offer'))).toEqual([
        [
          expect.stringContaining('Microsoft 365 Business Basic'),
          'USD 6.00',
          'USD 7.20',
          expect.any(String),
          'USD 7.20',
        ],
      ]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
