import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClock } from '../../emulators/kit';
import {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  type PartnerCenterEmulator,
} from '../../emulators/partner-center';
import { runCliInProcess } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * `billsync connect partner-center`: the Microsoft CSP source card's Save and Test from the CLI (spec section 9:
 * a CLI for everything the UI does). The app's credentials are saved sealed and tested (sign-in and a read); the
 * App+User consent stays a browser sign-in, so a working app is "needs setup" with the next step named.
 */

const FIXTURES = fileURLToPath(new URL('../../emulators/partner-center/fixtures', import.meta.url));
let db: TestDatabase;
let emu: PartnerCenterEmulator;
let base: string;
let dataDir: string;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  db = await createTestDatabase('pcconnect');
  emu = createPartnerCenterEmulator({
    seedDir: FIXTURES,
    clock: createClock({ start: '2025-09-10T09:00:00Z' }),
    priceSheetNeedsUser: true,
  });
  base = await emu.listen();
  dataDir = mkdtempSync(join(tmpdir(), 'billsync-pcconnect-'));
  env = {
    DATABASE_URL: db.url,
    BILLSYNC_SECRET_KEY: 'c4'.repeat(32),
    BILLSYNC_DATA_DIR: dataDir,
    BILLSYNC_ALLOW_LOCAL_PSA: '1',
    PARTNER_CENTER_CLIENT_SECRET: undefined,
  };
});

afterAll(async () => {
  await emu?.close();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCliInProcess(['--json', ...args], env);
const app = (secret: string) => [
  ...['connect', 'partner-center', '--tenant', DEMO_CREDENTIALS.tenantId],
  ...['--client-id', DEMO_CREDENTIALS.clientId, '--client-secret', secret],
  ...['--authority-url', base, '--api-url', base],
];

describe('billsync connect partner-center', () => {
  it('a wrong secret: saved, the sign-in fails with exit 1 and a message; the status says error', async () => {
    const res = await cli(...app('not-the-secret'));
    expect(res.code).toBe(1);
    const json = JSON.parse(res.stdout);
    expect(json).toMatchObject({ ok: false, status: 'error', source: { settings: { mode: 'api' } } });
    expect(json.message).toMatch(/secret|credential|sign/i);
    expect(res.stderr).toContain('fix the credentials');
    const status = JSON.parse((await cli('source', 'status')).stdout);
    expect(status.connection.status).toBe('error');
  });

  it('the right secret: the app signs in; without the consent the card needs setup and the next step is Connect', async () => {
    const res = await cli(...app(DEMO_CREDENTIALS.clientSecret));
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout);
    expect(json).toMatchObject({
      ok: true,
      status: 'needs_setup',
      source: {
        settings: { mode: 'api', tenantId: DEMO_CREDENTIALS.tenantId, clientId: DEMO_CREDENTIALS.clientId },
        consent: { state: 'none' },
      },
    });
    expect(json.message).toContain('Connect');
    expect(res.stdout).not.toContain(DEMO_CREDENTIALS.clientSecret);
    const human = await runCliInProcess(
      ['connect', 'partner-center', ...app(DEMO_CREDENTIALS.clientSecret).slice(2)],
      env,
    );
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Redirect URI to register');
    expect(human.stdout).toContain('click Connect');
  });

  it('--mode files saves the source without credentials and tests nothing; a bad mode is a usage error', async () => {
    const res = await cli('connect', 'partner-center', '--mode', 'files');
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({
      ok: true,
      status: null,
      source: { settings: { mode: 'files' } },
    });
    const bad = await cli('connect', 'partner-center', '--mode', 'portal');
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toContain('--mode');
  });
});
