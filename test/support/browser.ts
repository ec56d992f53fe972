import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { expect } from 'vitest';

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
