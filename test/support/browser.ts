import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { beforeEach, expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Browser tests drive Debian's Chromium. On a machine without it they are skipped with a notice, unless
 * BILLSYNC_REQUIRE_BROWSER=1 (set by .ci/run), where a missing browser is a failure.
 */
export const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable) {
  if (process.env.BILLSYNC_REQUIRE_BROWSER === '1') {
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  }
  console.warn(
    `[browser tests skipped] Chromium not found at ${CHROMIUM}: apt-get install -y chromium to run them`,
  );
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Polls what the page shows until it matches (10 s: a loaded CI machine is slow, a broken page fails anyway). */
export const poll = <T>(read: () => Promise<T>, options: { timeout?: number } = {}) =>
  expect.poll(read, { timeout: 10_000, ...options });

/** On a failed test, a screenshot of the page in `.tmp/` named after the test (what the page showed). */
export function screenshotOnFailure(
  page: () => Page | undefined,
  options: { fullPage?: boolean } = {},
): void {
  beforeEach((ctx) => {
    ctx.onTestFailed(async () => {
      mkdirSync('.tmp', { recursive: true });
      await page()?.screenshot({
        path: `.tmp/browser-${ctx.task.name.replace(/\W+/g, '-').slice(0, 60)}.png`,
        ...(options.fullPage ? { fullPage: true } : {}),
      });
    });
  });
}

/** The setup page of a new billsync: the first admin creates the workspace, and the Dashboard opens. */
export async function setUpWorkspace(
  page: Page,
  url: string,
  who: { workspace: string; email: string; password: string },
): Promise<void> {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Set up billsync' }).waitFor();
  await page.getByLabel('Workspace name').fill(who.workspace);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password', { exact: true }).fill(who.password);
  await page.getByLabel('Confirm password').fill(who.password);
  await page.getByRole('button', { name: 'Create workspace' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}
