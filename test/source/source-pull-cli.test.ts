import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { migrate } from '../../src/db/migrate';
import { createPool } from '../../src/db/pool';
import { getInvoiceLines, listInvoices, listSourceCustomers } from '../../src/db/repos/source-data';
import { createWorkspace } from '../../src/services/auth';
import { createTestDatabase, type TestDatabase } from '../support/db';

const FIXTURES = fileURLToPath(new URL('../../emulators/partner-center/fixtures', import.meta.url));

let db: TestDatabase;
let emu: PartnerCenterEmulator;
let base: string;
const saved = { ...process.env };

beforeAll(async () => {
  db = await createTestDatabase('pull');
  await migrate(db.url);
  emu = createPartnerCenterEmulator({
    seedDir: FIXTURES,
    clock: createClock({ start: '2025-09-10T09:00:00Z' }),
  });
  base = await emu.listen();
  Object.assign(process.env, {
    DATABASE_URL: db.url,
    // The emulator is on loopback: allowed by the URL policy only with this (docs/url-policy.md).
    BILLSYNC_ALLOW_LOCAL_PSA: '1',
    PARTNER_CENTER_AUTHORITY_URL: base,
    PARTNER_CENTER_API_URL: base,
    PARTNER_CENTER_TENANT_ID: DEMO_CREDENTIALS.tenantId,
    PARTNER_CENTER_CLIENT_ID: DEMO_CREDENTIALS.clientId,
    PARTNER_CENTER_CLIENT_SECRET: DEMO_CREDENTIALS.clientSecret,
  });
});

afterAll(async () => {
  process.env = saved;
  await emu?.close();
  await db?.drop();
});

/** Runs `billsync --json source pull ARGS` and returns its JSON answer (and the CommanderError, if any). */
async function pull(
  ...args: string[]
): Promise<{ json: Record<string, unknown>; error?: { exitCode?: number; message: string } }> {
  const program = new Command('billsync').option('--json').exitOverride();
  registerSource(program);
  for (const c of program.commands) c.exitOverride().configureOutput({ writeErr: () => {} });
  const writes: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    writes.push(String(chunk));
    return true;
  });
  let error: { exitCode?: number; message: string } | undefined;
  try {
    await program.parseAsync(['--json', 'source', 'pull', ...args], { from: 'user' });
  } catch (e) {
    error = e as { exitCode?: number; message: string };
  } finally {
    spy.mockRestore();
  }
  const text = writes.join('');
  return { json: (text ? JSON.parse(text) : {}) as Record<string, unknown>, ...(error ? { error } : {}) };
}

describe('billsync source pull (emulator -> database)', () => {
  it('stores customers, invoices and lines, then finds nothing new on the second run', async () => {
    const pool = createPool(db.url, 2);
    try {
      const ws = await createWorkspace(pool, 'Pull test MSP', 'test');
      const first = await pull();
      expect(first.error).toBeUndefined();
      expect(first.json).toEqual({ created: 3 + 7 + 3 + 4, updated: 0, unchanged: 0, errors: [] });
      const invoices = await listInvoices(pool, ws.id);
      expect(invoices.map((i) => [i.id, i.billingPeriod, i.issueDate, i.datesFrom])).toEqual(
        expect.arrayContaining([
          ['G000000123', '2025-07', '2025-08-07', 'source'],
          ['G000000124', '2025-08', '2025-09-06', 'source'],
        ]),
      );
      expect((await getInvoiceLines(pool, ws.id, 'G000000123')).map((l) => l.quantity.toFixed())).toEqual([
        '10',
        '-10',
        '12',
        '2',
        '5',
        '3',
        '1',
      ]);
      expect((await listSourceCustomers(pool, ws.id)).map((c) => c.name).sort()).toEqual([
        'Contoso Dental',
        'Fabrikam Legal LLP',
        'Northwind Traders',
      ]);
      const again = await pull('--since', '2025-07');
      expect(again.json).toMatchObject({ created: 0, updated: 0, errors: [] });
    } finally {
      await pool.end();
    }
  });

  it('exits 2 listing the invoice it could not read; refuses a bad --since', async () => {
    // A copy of the fixtures whose August invoice has a line without ChargeType: Partner Center "sent" a line
    // billsync cannot read (a protocol error, not retried).
    const dir = mkdtempSync(join(tmpdir(), 'pc-seed-'));
    cpSync(FIXTURES, dir, { recursive: true });
    const aug = join(dir, 'invoice-2025-08.csv');
    writeFileSync(aug, readFileSync(aug, 'utf8').replace(',cycleCharge,7.20,', ',,7.20,'));
    emu.reseed(dir);
    const partial = await pull();
    expect(partial.error?.exitCode).toBe(2);
    expect(partial.json.errors).toEqual([
      expect.objectContaining({
        stage: 'lines',
        invoiceId: 'G000000124',
        kind: 'protocol',
        message: expect.stringMatching(/chargeType/i),
      }),
    ]);
    emu.reseed(FIXTURES);
    rmSync(dir, { recursive: true, force: true });
    expect((await pull('--since', '2025-13')).error?.message).toMatch(/--since: not a billing period/);
  });
});
