import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createAutotaskEmulator } from '../../../emulators/autotask';
import { createConnectWiseEmulator, DEMO_CREDENTIALS, loadDemoSeed } from '../../../emulators/connectwise';
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
import { type DemoSeedOptions, type DemoSeedResult, seedDemo } from '../demo/seed-demo';
import { seedConnectWiseDemo } from '../demo/seed-demo-connectwise';
import { parseChoice } from '../exit';

export interface DemoOptions {
  port: string;
  autotaskPort: string;
  partnerCenterPort: string;
  /** The PSA the demo syncs to: autotask (default) or connectwise. */
  psa?: string;
  connectwisePort?: string;
  dataDir: string;
}

type SeedCommon = Omit<DemoSeedOptions, 'autotaskUrl'>;

/** A running PSA emulator with its demo tenant, and how to seed a workspace against it. */
interface DemoPsa {
  close(): Promise<void>;
  seed(o: SeedCommon): Promise<DemoSeedResult>;
}

async function startAutotask(opts: DemoOptions, log: (m: string) => void): Promise<DemoPsa> {
  const autotask = createAutotaskEmulator({ seed: 'demo' as never, clock: createClock({ ticking: true }) });
  const autotaskUrl = await autotask.listen(Number(opts.autotaskPort));
  log(`Autotask emulator on ${autotaskUrl} (user api@demo.example)`);
  return { close: () => autotask.close(), seed: (o) => seedDemo({ ...o, autotaskUrl }) };
}

async function startConnectWise(opts: DemoOptions, log: (m: string) => void): Promise<DemoPsa> {
  const connectwise = createConnectWiseEmulator({
    seed: loadDemoSeed(),
    clock: createClock({ ticking: true }),
  });
  const connectwiseUrl = await connectwise.listen(Number(opts.connectwisePort ?? '8083'));
  log(
    `ConnectWise emulator on ${connectwiseUrl} (company ${DEMO_CREDENTIALS.companyId}, public key ${DEMO_CREDENTIALS.publicKey})`,
  );
  return { close: () => connectwise.close(), seed: (o) => seedConnectWiseDemo({ ...o, connectwiseUrl }) };
}

/** Starts the emulators with demo data, a fresh workspace in --data-dir, runs the first syncs and serves the app. */
export async function demo(opts: DemoOptions): Promise<void> {
  const log = (m: string) => process.stderr.write(`[demo] ${m}\n`);
  const psa = parseChoice('--psa', opts.psa ?? 'autotask', ['autotask', 'connectwise'] as const);
  // The emulators listen on loopback, which the PSA and source URL policy allows only with this flag; the
  // demo sets it for its own process (seeding, the server and its worker). docs/url-policy.md
  process.env[ALLOW_LOCAL_ENV] = '1';
  const dataDir = resolve(opts.dataDir);
  rmSync(join(dataDir, 'pg'), { recursive: true, force: true });
  const emulator = psa === 'connectwise' ? await startConnectWise(opts, log) : await startAutotask(opts, log);
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
    const result = await emulator.seed({
      pool: db.pool,
      box: loadSecretBox(config),
      clock: systemClock,
      workspaceId: ws.id as WorkspaceId,
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
    await emulator.close();
    await pc.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(() => {});
}
