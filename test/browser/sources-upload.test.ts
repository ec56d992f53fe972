import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingPeriod } from '../../src/core/time';
import { generateDemoData, writeDemoData } from '../../src/sources/partner-center/demo/generate';
import {
  browserAvailable,
  launchBrowser,
  poll,
  screenshotOnFailure,
  setUpWorkspace,
} from '../support/browser';
import { withCell } from '../support/csv-cell';
import { type LiveServer, startLiveServer } from '../support/server';

// Issue 13: the billing manager uploads the Microsoft files in the browser and reads what each one did.
describe.skipIf(!browserAvailable)('uploading Microsoft CSP files on the Sources page', () => {
  const dir = mkdtempSync(join(tmpdir(), 'billsync-browser-upload-'));
  const demo = generateDemoData({ months: 1, customers: 4, seed: 3, endPeriod: '2025-07' as BillingPeriod });
  const invoice = demo.invoices[0]!;
  let server: LiveServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    await writeDemoData(dir, demo);
    // One customer's rows of the invoice: what a part of a split export (or a filtered spreadsheet) looks like.
    const [header, ...rows] = readFileSync(join(dir, 'invoice-2025-07.csv'), 'utf8').trimEnd().split('\r\n');
    const tenant = (row: string) => row.split(',')[header!.split(',').indexOf('CustomerId')];
    const part = rows.filter((r) => tenant(r) === tenant(rows[0]!));
    writeFileSync(join(dir, 'invoice-part.csv'), `${[header, ...part].join('\r\n')}\r\n`);
    writeFileSync(
      join(dir, 'bad-invoice.csv'),
      withCell(join(dir, 'invoice-2025-07.csv'), 3, 'ChargeEndDate', '7/32/2025'),
    );
    server = await startLiveServer();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
  });
  screenshotOnFailure(() => page);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const result = (file: string) => page.getByRole('region', { name: `Result of ${file}` });

  it('signs up and finds the Sources page in the navigation, with an empty history', async () => {
    await setUpWorkspace(page, `${server.baseUrl}/`, {
      workspace: 'Upload MSP',
      email: 'admin@upload.example',
      password: 'a strong password',
    });
    // The dashboard of a new workspace leads to the page too.
    await page.locator('main a[href="/sources"]').first().waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sources' }).click();
    await page.getByRole('heading', { name: 'Sources', level: 1 }).waitFor();
    await page.getByText('No file imported yet').waitFor();
  });

  it('uploads a price list and an invoice picked together, each with its progress bar and its result', async () => {
    await page
      .getByTestId('source-file-input')
      .setInputFiles([join(dir, 'pricelist.csv'), join(dir, 'invoice-2025-07.csv')]);
    const files = page.getByRole('list', { name: 'Files to import' });
    await files.getByRole('listitem', { name: 'pricelist.csv' }).waitFor();
    await files.getByRole('listitem', { name: 'invoice-2025-07.csv' }).waitFor();

    // Hold the first upload at the server's door to see its progress bar, named after its file.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/sources/uploads*', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole('button', { name: 'Upload and import 2 files' }).click();
    const bar = page.getByRole('progressbar', { name: 'Upload of pricelist.csv' });
    await bar.waitFor();
    expect(await bar.getAttribute('aria-valuetext')).toMatch(/uploaded/);
    release();

    const prices = result('pricelist.csv');
    await prices.getByText('Imported pricelist.csv').waitFor();
    expect(await prices.textContent()).toMatch(/\d+ entries: \d+ created, 0 updated, 0 unchanged/);
    const recon = result('invoice-2025-07.csv');
    await recon.getByText('Imported invoice-2025-07.csv').waitFor();
    const text = await recon.textContent();
    expect(text).toContain(`Invoice ${invoice.id}: billing period Jul 2025, issued 07 Aug 2025 (inferred)`);
    expect(text).toMatch(`${invoice.lineCount} lines: ${invoice.lineCount} created`);
    expect(text).toMatch(/billing period 2025-07: inferred, \d+ of \d+ rows start in that month/);
    await page.unroute('**/api/sources/uploads*');

    const history = page.getByRole('table', { name: /Import history/ });
    await poll(() => history.getByRole('row').count()).toBe(3);
    const rows = await history.getByRole('row').allTextContents();
    expect(rows[1]).toMatch(/admin@upload\.example.*invoice-2025-07\.csv.*Invoice reconciliation/);
    expect(rows[1]).toContain(invoice.id);
    expect(rows[1]).toMatch(/Stored/);
    expect(rows[2]).toMatch(/pricelist\.csv.*Price list.*Stored/);
  });

  it('shows a bad file with its row, column and value, and that nothing was stored', async () => {
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await page.getByTestId('source-file-input').setInputFiles(join(dir, 'bad-invoice.csv'));
    await page.getByRole('button', { name: 'Upload and import' }).click();
    const alert = result('bad-invoice.csv').getByRole('alert');
    await alert.getByText('bad-invoice.csv was not imported').waitFor();
    const text = await alert.textContent();
    expect(text).toContain('Row: 3');
    expect(text).toContain('Column: ChargeEndDate');
    expect(text).toContain('Value: 7/32/2025');
    expect(text).toContain('Nothing from this file was stored.');
    const history = page.getByRole('table', { name: /Import history/ });
    await poll(() => history.getByRole('row').nth(1).textContent()).toMatch(/bad-invoice\.csv.*Failed/);
  });

  it('refuses one part of a split invoice, says what to do, and replaces the stored invoice when asked', async () => {
    await page.getByRole('button', { name: 'Clear finished' }).click();
    await page.getByTestId('source-file-input').setInputFiles(join(dir, 'invoice-part.csv'));
    await page.getByRole('button', { name: 'Upload and import' }).click();
    const alert = result('invoice-part.csv').getByRole('alert');
    await alert.getByText('invoice-part.csv was not imported').waitFor();
    const text = await alert.textContent();
    expect(text).toContain(`invoice ${invoice.id} was stored before with lines for`);
    expect(text).toContain('join them into one file');
    expect(text).toContain('Nothing from this file was stored.');
    expect(text).not.toContain('Row:');
    await result('invoice-part.csv')
      .getByRole('button', { name: 'Replace the stored invoice with invoice-part.csv' })
      .click();
    await result('invoice-part.csv')
      .getByText(/replaced/i)
      .first()
      .waitFor();
    const history = page.getByRole('table', { name: /Import history/ });
    // The refused attempt is listed first until the history shows the replacement (a condition, not a time).
    await poll(() => history.getByRole('row').nth(1).textContent()).toMatch(
      /^(?!.*Failed).*invoice-part\.csv/,
    );
    expect(await history.getByRole('row').nth(2).textContent()).toMatch(/invoice-part\.csv.*Failed/);
  });
});
