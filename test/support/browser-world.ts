import type { Browser, Page } from 'playwright-core';
import type { Clock } from '../../src/core/time/clock';
import { startJobQueue } from '../../src/jobs/queue';
import { type RunningWorker, startWorker } from '../../src/jobs/worker';
import { createEngineDeps } from '../../src/runtime/engine';
import { createTargetOpener, type TargetOpener } from '../../src/runtime/targets';
import { launchBrowser } from './browser';
import { TEST_TIMING, testJobDeps } from './jobs';
import { type LiveServer, startLiveServer } from './server';

export interface BrowserWorld {
  server: LiveServer;
  worker: RunningWorker;
  browser: Browser;
  page: Page;
}

/**
 * What a browser journey runs against: the live server and a worker beside it, both opening the PSA from the
 * connection the user saves in the browser, and a Chromium page that fails a step in seconds, not at the test's
 * timeout. Stop them in `afterAll` (browser, worker, server).
 */
export async function startBrowserWorld(clock: Clock): Promise<BrowserWorld> {
  let opener: TargetOpener | undefined;
  const server = await startLiveServer({ clock, openTarget: (ws, target) => opener!(ws, target) });
  opener = createTargetOpener({ pool: server.pool, box: server.box });
  const queue = await startJobQueue({ url: server.db.url, max: 3 }, TEST_TIMING, { worker: true });
  const engine = createEngineDeps({ pool: server.pool, clock, openTarget: opener });
  const worker = await startWorker(testJobDeps({ pool: server.pool, engine, queue, clock }), {
    concurrency: 2,
    pollSeconds: 0.5,
    tickSeconds: 0,
    defaults: { hour: 6, timeZone: 'UTC' },
  });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  return { server, worker, browser, page };
}
