import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectWiseEmulator,
  createConnectWiseEmulator,
  DEMO_CREDENTIALS,
} from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { runCli } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';

let db: TestDatabase;
let pool: Pool;
let emulator: ConnectWiseEmulator;
let base: string;
let env: Record<string, string>;
const dataDir = mkdtempSync(join(tmpdir(), 'billsync-cw-cli-'));

beforeAll(async () => {
  db = await createTestDatabase('cli_cw');
  await migrate(db.url);
  pool = createPool(db.url, 2);
  await insertWorkspace(pool, 'CLI MSP');
  emulator = createConnectWiseEmulator({
    clock: createClock({ start: '2026-03-15T09:00:00Z' }),
    sleep: async () => {},
  });
  base = await emulator.listen();
  env = {
    DATABASE_URL: db.url,
    BILLSYNC_DATA_DIR: dataDir,
    BILLSYNC_SECRET_KEY: 'ab'.repeat(32),
    // The emulator listens on loopback: allowed by the PSA URL policy only with this (docs/url-policy.md).
    BILLSYNC_ALLOW_LOCAL_PSA: '1',
    CONNECTWISE_PRIVATE_KEY: '',
    LOG_LEVEL: 'warn',
  };
});
afterAll(async () => {
  await emulator?.close();
  await pool?.end();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(args, env);
const connect = (privateKey: string) => [
  'connect',
  'connectwise',
  '--site',
  base,
  '--company',
  DEMO_CREDENTIALS.companyId,
  '--public-key',
  DEMO_CREDENTIALS.publicKey,
  '--private-key',
  privateKey,
];

describe('billsync connect connectwise', { timeout: 120_000 }, () => {
  it('a site outside the URL policy or no private key is a usage error', async () => {
    const site = await cli(
      'connect',
      'connectwise',
      '--site',
      'evil.example.com',
      '--company',
      'x',
      '--public-key',
      'p',
      '--private-key',
      'k',
    );
    expect(site.code).toBe(2);
    expect(site.stderr).toMatch(/--site "evil.example.com" is not allowed/);
    const key = await cli('connect', 'connectwise', '--site', base, '--company', 'x', '--public-key', 'p');
    expect(key.code).toBe(2);
    expect(key.stderr).toMatch(/--private-key is required/);
  });

  it('a refused key exits 1 and keeps the connection; the right one is tested with an authenticated call', async () => {
    const bad = await cli(...connect('wrong'));
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/^ConnectWise: Error: .*company id, public key and private key/);
    expect((await pool.query("select status from connections where kind = 'connectwise'")).rows).toEqual([
      { status: 'error' },
    ]);
    const good = await cli('--json', ...connect(DEMO_CREDENTIALS.privateKey));
    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true });
    expect(emulator.requests.count('GET', '/company/companies/count')).toBeGreaterThan(0);
    // --target connectwise reads the tenant through the same adapter: subcategories and vendor companies.
    const options = await cli('program', 'options', '--target', 'connectwise');
    expect(options.code, options.stderr).toBe(0);
    expect(options.stdout).toMatch(/Miscellaneous/);
    expect(options.stdout).toMatch(/Microsoft Corporation/);
  });
});
