import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  type PartnerCenterEmulator,
} from '../../emulators/partner-center';
import { type JobQueue, startJobQueue } from '../../src/jobs/queue';
import { createSourceRefresher } from '../../src/jobs/source-refresh';
import { type RunningWorker, startWorker } from '../../src/jobs/worker';
import { createEngineDeps } from '../../src/runtime/engine';
import { systemClock } from '../../src/runtime/system-clock';
import { createTestApp, type TestApp } from '../support/app';
import { browserAvailable, launchBrowser, poll, setUpWorkspace } from '../support/browser';
import { TEST_TIMING, testJobDeps } from '../support/jobs';

const FIXTURES = fileURLToPath(new URL('../../emulators/partner-center/fixtures', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every button and form field in `scope` has an accessible name (its text, a label, or aria-label). */
async function expectNamedControls(scope: Locator) {
  const unnamed = await scope.evaluate((root) =>
    [...root.querySelectorAll('button, input:not([type=hidden]), textarea, select, [role=button]')]
      .filter((el) => {
        const labelled = el.getAttribute('aria-labelledby');
        const byId = labelled ? root.ownerDocument.getElementById(labelled)?.textContent : '';
        const labels = (el as unknown as { labels?: ArrayLike<{ textContent: string | null }> }).labels;
        const text = [el.getAttribute('aria-label'), byId, labels?.[0]?.textContent, el.textContent]
          .map((t) => (t ?? '').trim())
          .find((t) => t !== '');
        return !text;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
  expect(unnamed).toEqual([]);
}

// Issue 13: the Microsoft CSP card connects Partner Center in the browser (App+User consent) and pulls.
describe.skipIf(!browserAvailable)('Partner Center in the browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let pc: PartnerCenterEmulator;
  let pcBase: string;
  let browser: Browser;
  let queue: JobQueue | undefined;
  let worker: RunningWorker | undefined;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    t = await createTestApp({ env: { BILLSYNC_INSECURE_COOKIES: '0', BILLSYNC_PUBLIC_URL: baseUrl } });
    await t.app.listen({ port, host: '127.0.0.1' });
    pc = createPartnerCenterEmulator({
      seedDir: FIXTURES,
      priceSheetNeedsUser: true,
      redirectUris: [`${baseUrl}/api/connections/partner-center/consent/callback`],
    });
    pcBase = await pc.listen();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await worker?.stop({ timeoutMs: 5000 });
    await browser?.close();
    await pc?.close();
    await t?.close();
  });

  /** The worker that runs Pull now's job, started when the test wants the queued state seen first. */
  async function startTheWorker() {
    queue = await startJobQueue({ pool: t.pool }, TEST_TIMING, { worker: true });
    const deps = {
      ...testJobDeps({
        pool: t.pool,
        engine: createEngineDeps({ pool: t.pool, clock: systemClock, openTarget: undefined }),
        queue,
        clock: systemClock,
      }),
      refreshSource: createSourceRefresher({ pool: t.pool, box: t.box, clock: systemClock }),
    };
    worker = await startWorker(deps, {
      concurrency: 1,
      pollSeconds: 0.5,
      tickSeconds: 0,
      defaults: { hour: 6, timeZone: 'UTC' },
    });
  }

  async function setUp(page: Page) {
    await setUpWorkspace(page, `${baseUrl}/`, {
      workspace: 'Consent MSP',
      email: 'admin@consent.example',
      password: 'a strong password',
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Connections' }).click();
  }

  it('enters the app, connects through Microsoft’s consent page, shows the expiry, and pulls with progress', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await setUp(page);
    const card = page.getByTestId('connection-microsoft-csp');
    await card.getByRole('button', { name: 'CONNECT NOW' }).click();

    const dialog = page.getByRole('dialog', { name: 'Connect Microsoft Partner Center' });
    expect(await dialog.getByLabel('Redirect URI').inputValue()).toBe(
      `${baseUrl}/api/connections/partner-center/consent/callback`,
    );
    await dialog.getByLabel('Application (client) ID').fill(DEMO_CREDENTIALS.clientId);
    await dialog.getByLabel('Client secret').fill(DEMO_CREDENTIALS.clientSecret);
    await dialog.getByLabel('Partner tenant ID').fill(DEMO_CREDENTIALS.tenantId);
    await dialog.getByRole('button', { name: 'Advanced settings' }).click();
    await dialog.getByLabel('Authority URL').fill(pcBase);
    await dialog.getByLabel('Partner Center API URL').fill(pcBase);
    await expectNamedControls(dialog);
    await dialog.getByRole('button', { name: 'Connect', exact: true }).click();

    // Microsoft's (the emulator's) sign-in and consent page, then back to billsync.
    await page.getByRole('heading', { name: 'Permissions requested' }).waitFor();
    expect(page.url().startsWith(`${pcBase}/${DEMO_CREDENTIALS.tenantId}/oauth2/v2.0/authorize?`)).toBe(true);
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL(/\/connections/);
    await poll(() => card.getByTestId('connection-microsoft-csp-status').textContent()).toBe('Connected');
    // The signed-in account of the consent page, and the refresh token's expiry (90 days).
    await poll(() => card.getByTestId('partner-center-consent').textContent()).toMatch(
      /^App\+User consent by admin@partner\.example: valid until \d{2} \w{3} \d{4} \((89|90) days\), renewed automatically\.$/,
    );
    expect(page.url()).toBe(`${baseUrl}/connections`);
    await expectNamedControls(card);

    await card.getByRole('button', { name: 'Pull now' }).click();
    await poll(() => card.getByTestId('partner-center-pull-progress').textContent()).toContain(
      'Waiting for a worker',
    );
    expect(await card.getByRole('progressbar', { name: 'Pull progress' }).isVisible()).toBe(true);
    await startTheWorker();
    await poll(() => card.getByTestId('partner-center-pull-result').textContent(), {
      timeout: 20_000,
    }).toMatch(
      // A first pull reads last month's invoices (the fixtures have none then), the customers and the price sheet.
      /^Last pull .*: Done, no new invoice, price list: 5 entries \(changed\)\.$/,
    );
    await poll(() => card.getByTestId('source-summary').textContent()).toContain('5 price-list entries');
    await page.close();
  });
});
