/**
 * `npm run screenshots`: regenerates docs/screenshots/*.png of every page on demo data.
 *
 * Starts what `billsync demo` starts, in this process and on free ports (an Autotask emulator with the demo seed,
 * an embedded PostgreSQL in a temporary directory, the demo workspace with its first syncs, the server without
 * the background worker so the pages show the state right after the first syncs), then drives Chromium at
 * 1440x900 through the pages. Needs a built web app (`npm run build:web`) and Chromium (CHROMIUM_PATH or
 * /usr/bin/chromium).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Locator, type Page } from 'playwright-core';
import { createAutotaskEmulator } from '../emulators/autotask';
import { createClock } from '../emulators/kit';
import { DEMO_LOGIN } from '../src/cli/commands/demo';
import { seedDemo } from '../src/cli/demo/seed-demo';
import type { WorkspaceId } from '../src/core/ids';
import { loadConfig } from '../src/runtime/config';
import { openDatabase } from '../src/runtime/database';
import { loadSecretBox } from '../src/runtime/secret-box';
import { systemClock } from '../src/runtime/system-clock';
import { WEB_DIST } from '../src/server/app';
import { startServer } from '../src/server/serve';
import { createUser, createWorkspace } from '../src/services/auth';

const OUT = resolve('docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1440, height: 900 };
const log = (m: string) => process.stderr.write(`[screenshots] ${m}\n`);

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let charts, fonts and transitions settle: wait until no request is in flight, then one frame.
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  await page.screenshot({ path: join(OUT, `${name}.png`) });
  log(`saved docs/screenshots/${name}.png`);
}

/** Waits until an input shows a value (a select has loaded its options and the stored choice). */
async function filled(input: Locator): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await input.inputValue()).trim()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for an input value');
}

async function main(): Promise<void> {
  if (!existsSync(join(WEB_DIST, 'index.html')))
    throw new Error('web/dist is missing: run `npm run build:web` first');
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH)`);
  mkdirSync(OUT, { recursive: true });
  // Like `billsync demo`: the emulator is on loopback, which the URL policy allows only with this (docs/url-policy.md).
  process.env.BILLSYNC_ALLOW_LOCAL_PSA = '1';
  const dataDir = mkdtempSync(join(tmpdir(), 'billsync-screenshots-'));
  const autotask = createAutotaskEmulator({ seed: 'demo' as never, clock: createClock({ ticking: true }) });
  const autotaskUrl = await autotask.listen(0);
  const port = await freePort();
  const config = loadConfig({
    ...process.env,
    BILLSYNC_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: '',
    BILLSYNC_EMBEDDED_WORKER: '0',
    LOG_LEVEL: 'warn',
  });
  let stopServer: (() => Promise<void>) | undefined;
  try {
    const db = await openDatabase(config, { log });
    try {
      const ws = await createWorkspace(db.pool, 'Northbridge IT (demo)', 'demo');
      await createUser(db.pool, {
        workspaceId: ws.id as WorkspaceId,
        ...DEMO_LOGIN,
        role: 'admin',
        actor: 'demo',
      });
      const seeded = await seedDemo({
        pool: db.pool,
        box: loadSecretBox(config),
        clock: systemClock,
        workspaceId: ws.id as WorkspaceId,
        autotaskUrl,
        filesDir: join(dataDir, 'csp-files'),
        log,
      });
      log(`${seeded.mapped} customers mapped; product sync ${seeded.products.status}`);
    } finally {
      await db.close();
    }
    const server = await startServer(config, { handleSignals: false, log });
    stopServer = server.stop;
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    try {
      await capture(
        await browser.newPage({ viewport: VIEWPORT, locale: 'en-US', timezoneId: 'UTC' }),
        server.url,
      );
    } finally {
      await browser.close();
    }
  } finally {
    await stopServer?.();
    await autotask.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function capture(page: Page, base: string): Promise<void> {
  const program = `${base}/programs/autotask/csp`;
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(DEMO_LOGIN.email);
  await page.getByLabel('Password').fill(DEMO_LOGIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  await page.getByTestId('monthly-chart').waitFor();
  await shoot(page, 'dashboard');

  await page.goto(`${base}/connections`);
  await page
    .getByTestId('connection-autotask-status')
    .filter({ hasNotText: /Checking|Not tested/ })
    .waitFor();
  await page.getByTestId('source-summary').waitFor();
  await shoot(page, 'connections');

  await page.goto(`${program}/settings`);
  await page.getByRole('button', { name: 'SAVE' }).waitFor();
  await filled(page.getByRole('textbox', { name: 'Billing Code' }));
  await shoot(page, 'program-settings');

  await page.goto(`${program}/customers`);
  await page.getByTestId('customer-row').first().waitFor();
  await shoot(page, 'customers');

  // The mapping dialog of an unmapped customer with its suggestion, else of the first customer.
  const unmapped = page.getByTestId('customer-row').filter({ hasText: 'Suggested' });
  const suggested = (await unmapped.count()) > 0;
  await (suggested ? unmapped.first() : page.getByTestId('customer-row').first())
    .getByTestId('edit-mapping')
    .click();
  const dialog = page.getByRole('dialog');
  await dialog.getByText('Sync start date (UTC)').waitFor();
  // The demo's unmapped customer has only an ended contract: the dialog says it is hidden and why.
  if (suggested)
    await dialog.getByTestId('contracts-hidden').or(dialog.getByText('Choose a contract')).first().waitFor();
  else await filled(dialog.getByRole('textbox', { name: 'Contract' }));
  await shoot(page, 'mapping-dialog');
  await page.keyboard.press('Escape');

  await page.goto(`${program}/products`);
  await page.getByTestId('product-row').first().waitFor();
  await shoot(page, 'products');

  await page.goto(`${program}/history`);
  await page.getByTestId('run-row').first().waitFor();
  await shoot(page, 'history');

  // A customer run with warnings shows the messages inline.
  const warning = page.locator('[data-testid="run-row"][data-status="warning"][data-kind="customer"]');
  const pick = (await warning.count()) > 0 ? warning.first() : page.getByTestId('run-row').first();
  await pick.getByRole('link', { name: /^View/ }).click();
  await page.getByTestId('run-item').first().waitFor();
  await shoot(page, 'run-detail');

  // Reconciliation (issue 17): the month, a customer with the invoice lines behind an offer, a contract timeline.
  await page.goto(`${program}/reconciliation`);
  await page.getByTestId('recon-customer-row').first().waitFor();
  await shoot(page, 'reconciliation');
  // A customer billed as invoiced (the flagged ones come first), for the usual picture.
  const clean = page.getByTestId('recon-customer-row').filter({ hasNot: page.getByTestId('recon-flag') });
  await ((await clean.count()) > 0 ? clean : page.getByTestId('recon-customer-row'))
    .first()
    .getByTestId('recon-customer-name')
    .click();
  await page.getByTestId('recon-offer-row').first().waitFor();
  await page.getByTestId('recon-offer-row').first().locator('button[aria-expanded]').click();
  await page.getByTestId('recon-invoice-line').first().waitFor();
  await shoot(page, 'reconciliation-customer');
  await page
    .getByRole('link', { name: /^Timeline of / })
    .first()
    .click();
  await page.getByTestId('timeline-chart').waitFor();
  await shoot(page, 'timeline');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
