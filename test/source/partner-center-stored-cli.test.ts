import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClock } from '../../emulators/kit';
import {
  createPartnerCenterEmulator,
  DEMO_CREDENTIALS,
  type PartnerCenterEmulator,
} from '../../emulators/partner-center';
import { registerSource } from '../../src/cli/commands/source';
import type { WorkspaceId } from '../../src/core/ids';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { SecretBox } from '../../src/runtime/secret-box';
import { systemClock } from '../../src/runtime/system-clock';
import { createWorkspace } from '../../src/services/auth';
import { saveConnection } from '../../src/services/connections';
import { storeRefreshToken } from '../../src/services/partner-center/access';
import { createTestDatabase, type TestDatabase } from '../support/db';

const FIXTURES = fileURLToPath(new URL('../../emulators/partner-center/fixtures', import.meta.url));
const KEY = 'c3'.repeat(32);

let db: TestDatabase;
let pool: Pool;
let emu: PartnerCenterEmulator;
const saved = { ...process.env };

beforeAll(async () => {
  db = await createTestDatabase('pcstored');
  await migrate(db.url);
  pool = createPool(db.url, 3);
  emu = createPartnerCenterEmulator({
    seedDir: FIXTURES,
    clock: createClock({ start: '2025-09-10T09:00:00Z' }),
    priceSheetNeedsUser: true,
  });
  const base = await emu.listen();
  const ws = (await createWorkspace(pool, 'Stored MSP', 'test')).id as WorkspaceId;
  const box = new SecretBox(Buffer.from(KEY, 'hex'));
  await saveConnection(pool, box, {
    workspaceId: ws,
    kind: 'partner-center',
    settings: {
      mode: 'api',
      tenantId: DEMO_CREDENTIALS.tenantId,
      clientId: DEMO_CREDENTIALS.clientId,
      authority: base,
      apiUrl: base,
    },
    secrets: { clientSecret: DEMO_CREDENTIALS.clientSecret },
    actor: 'test',
  });
  // As if an admin had connected on the card (the consent's refresh token, sealed).
  await storeRefreshToken({ pool, box, clock: systemClock }, ws, DEMO_CREDENTIALS.refreshToken);
  for (const k of Object.keys(process.env)) if (k.startsWith('PARTNER_CENTER_')) delete process.env[k];
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    BILLSYNC_SECRET_KEY: KEY,
    BILLSYNC_DATA_DIR: mkdtempSync(join(tmpdir(), 'billsync-pcstored-')),
    BILLSYNC_ALLOW_LOCAL_PSA: '1',
  });
});

afterAll(async () => {
  process.env = saved;
  await emu?.close();
  await pool?.end();
  await db?.drop();
});

// biome-ignore lint/suspicious/noExplicitAny: the CLI's JSON, read field by field
type Json = Record<string, any>;

async function run(...args: string[]): Promise<{ json: Json; exitCode?: number }> {
  const program = new Command('billsync').option('--json').exitOverride();
  registerSource(program);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => {} });
  const writes: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    writes.push(String(chunk));
    return true;
  });
  let exitCode: number | undefined;
  try {
    await program.parseAsync(['--json', 'source', ...args], { from: 'user' });
  } catch (e) {
    exitCode = (e as { exitCode?: number }).exitCode ?? 1;
  } finally {
    spy.mockRestore();
  }
  return { json: JSON.parse(writes.join('') || '{}'), ...(exitCode !== undefined ? { exitCode } : {}) };
}

describe('billsync source with the stored Microsoft CSP source', () => {
  it('pulls invoices and the price sheet (App+User) without any PARTNER_CENTER_* setting, and shows the status', async () => {
    const pulled = await run('pull', '--since', '2025-07');
    expect(pulled).toEqual({
      json: { invoicesPulled: 2, pricesChanged: true, priceEntries: 5, errors: [] },
    });
    const status = await run('status');
    expect(status.json.consent).toMatchObject({ state: 'connected', daysLeft: 90, warning: null });
    expect(status.json.pull).toMatchObject({ state: 'done', invoicesPulled: 2, priceEntries: 5 });
    expect(JSON.stringify(status.json)).not.toContain(DEMO_CREDENTIALS.clientSecret);
    expect(JSON.stringify(status.json)).not.toContain(DEMO_CREDENTIALS.refreshToken);
  });
});
