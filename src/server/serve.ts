import type { Clock } from '../core/time/clock';
import { type BackgroundWorker, startBackgroundWorker } from '../jobs/background-worker';
import type { Config } from '../runtime/config';
import { openDatabase } from '../runtime/database';
import { loadSecretBox } from '../runtime/secret-box';
import { systemClock } from '../runtime/system-clock';
import { createTargetOpener } from '../runtime/targets';
import { buildApp } from './app';
import { loadSecurityConfig } from './security-config';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * `billsync serve`: database (embedded or external), migrations, HTTP server and, unless
 * BILLSYNC_EMBEDDED_WORKER=0, a background worker in the same process; stops cleanly on SIGINT/SIGTERM.
 */
export async function startServer(
  config: Config,
  options: { clock?: Clock; log?: (msg: string) => void; handleSignals?: boolean } = {},
): Promise<RunningServer> {
  const log = options.log ?? ((msg: string) => console.error(`[billsync] ${msg}`));
  // Read before the database opens: a wrong BILLSYNC_TRUST_PROXY stops the start with a message.
  const security = loadSecurityConfig(process.env);
  const db = await openDatabase(config, { log });
  const box = loadSecretBox(config);
  const openTarget = createTargetOpener({ pool: db.pool, box, env: process.env });
  const app = await buildApp({
    config,
    pool: db.pool,
    box,
    clock: options.clock ?? systemClock,
    openTarget,
    security,
  });
  let url: string;
  try {
    await app.listen({ port: config.port, host: config.host });
    url = `http://localhost:${config.port}`;
  } catch (error) {
    await app.close();
    await db.close();
    if ((error as { code?: string }).code === 'EADDRINUSE') {
      throw new Error(
        `Port ${config.port} is already in use: set PORT to another port (e.g. PORT=3001 npm start)`,
      );
    }
    throw error;
  }
  log(
    `billsync is listening on ${url} (database: ${db.embedded ? `embedded, in ${config.dataDir}` : 'DATABASE_URL'})`,
  );
  let worker: BackgroundWorker | undefined;
  if (config.jobs.embeddedWorker) {
    try {
      worker = await startBackgroundWorker({
        config,
        databaseUrl: db.url,
        box,
        ...(options.clock ? { clock: options.clock } : {}),
        log: (msg) => log(`worker: ${msg}`),
      });
    } catch (error) {
      await app.close();
      await db.close();
      throw error;
    }
  }
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await worker?.stop();
      await app.close();
      await db.close();
    })();
    return stopping;
  };
  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      log(`${signal}: shutting down`);
      stop().then(
        () => process.exit(0),
        (error) => {
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { url, stop };
}
