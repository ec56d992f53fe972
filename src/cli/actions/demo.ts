import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createAutotaskEmulator } from '../../../emulators/autotask';
import { createClock } from '../../../emulators/kit';
import { createPartnerCenterEmulator } from '../../../emulators/partner-center';
import type { WorkspaceId } from '../../core/ids';
import { listWorkspaces } from '../../db/repos/workspaces';
import { ALLOW_LOCAL_ENV } from '../../http';
import { loadConfig } from '../../runtime/config';
import { openDatabase } from '../../runtime/database';
import { loadSecretBox } from '../../runtime/secret-box';
import { systemClock } from '../../runtime/system-clock';
import { startServer } from '../../server/serve';
import { createUser, createWorkspace } from '../../services/auth';
import { DEMO_LOGIN } from '../demo/demo-login';
import { seedDemo } from '../demo/seed-demo';

export interface DemoOptions {
  port: string;
  autotaskPort: string;
  partnerCenterPort: string;
  dataDir: string;
}

/** Starts the emulators with demo data, a fresh workspace in --data-dir, runs the first syncs and serves the app. */
export async function demo(opts: DemoOptions): Promise<void> {
  const log = (m: string) => process.stderr.write(`[demo] ${m}\n`);
  // The emulators listen on loopback, which the PSA and source URL policy allows only with this flag; the
  // demo sets it for its own process (seeding, the server and its worker). docs/url-policy.md
  process.env[ALLOW_LOCAL_ENV] = '1';
  const dataDir = resolve(opts.dataDir);
  rmSync(join(dataDir, 'pg'), { recursive: true, force: true });
  const autotask = createAutotaskEmulator({
    seed: 'demo' as never,
    clock: createClock({ ticking: true }),
  });
  const autotaskUrl = await autotask.listen(Number(opts.autotaskPort));
  log(`Autotask emulator on ${autotaskUrl} (user api@demo.example)`);
  const config = loadConfig({
    ...process.env,
    BILLSYNC_DATA_DIR: dataDir,
    PORT: opts.port,
    DATABASE_URL: '',
  });
  const filesDir = join(dataDir, 'csp-files');
  const db = await openDatabase(config, { log });
  try {
    const existing = await listWorkspaces(db.pool);
    const ws = existing[0] ?? (await createWorkspace(db.pool, 'Northbridge IT (demo)', 'demo'));
    if (!existing.length)
      await createUser(db.pool, {
        workspaceId: ws.id as WorkspaceId,
        ...DEMO_LOGIN,
        role: 'admin',
        actor: 'demo',
      });
    const result = await seedDemo({
      pool: db.pool,
      box: loadSecretBox(config),
      clock: systemClock,
      workspaceId: ws.id as WorkspaceId,
      autotaskUrl,
      filesDir,
      log,
    });
    log(
      `${result.mapped} customers mapped; product sync ${result.products.status}; ${result.customers.length} customer syncs`,
    );
  } finally {
    await db.close();
  }
  const pc = createPartnerCenterEmulator({ seedDir: filesDir });
  log(`Partner Center emulator on ${await pc.listen(Number(opts.partnerCenterPort))}`);
  const server = await startServer(config, { handleSignals: false });
  log(`billsync demo on ${server.url}: sign in as ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`);
  const stop = async () => {
    await server.stop();
    await autotask.close();
    await pc.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(() => {});
}
