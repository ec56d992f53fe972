import { startBackgroundWorker } from '../../jobs/background-worker';
import { loadConfig } from '../../runtime/config';
import { openDatabase } from '../../runtime/database';
import { loadSecretBox } from '../../runtime/secret-box';
import { parseCount, usage } from '../exit';

/** Runs a standalone background worker until SIGINT/SIGTERM (see docs/operations.md). */
export async function worker(opts: { concurrency?: string }): Promise<void> {
  const config = loadConfig();
  const concurrency =
    opts.concurrency === undefined ? config.jobs.concurrency : parseCount('--concurrency', opts.concurrency);
  if (concurrency < 1) throw usage('--concurrency must be at least 1');
  const log = (msg: string) => process.stderr.write(`[billsync worker ${process.pid}] ${msg}\n`);
  const db = await openDatabase(config, { log, poolSize: 1 });
  let worker: Awaited<ReturnType<typeof startBackgroundWorker>>;
  try {
    worker = await startBackgroundWorker({
      config,
      databaseUrl: db.url,
      box: loadSecretBox(config),
      concurrency,
      log,
    });
  } catch (error) {
    await db.close();
    throw error;
  }
  log(`ready (database: ${db.embedded ? `embedded, in ${config.dataDir}` : 'DATABASE_URL'})`);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      log(`${signal}: finishing running jobs, then stopping`);
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  await worker.stop();
  await db.close();
  log('stopped');
}
