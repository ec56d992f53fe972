import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';

// Pen test item 13: the CLI applies the API's rules to workspace names, emails and passwords (one zod rule each).
let db: TestDatabase;
let env: Record<string, string>;
const dir = mkdtempSync(join(tmpdir(), 'billsync-names-'));

beforeAll(async () => {
  db = await createTestDatabase('names');
  env = {
    DATABASE_URL: db.url,
    BILLSYNC_DATA_DIR: dir,
    BILLSYNC_SECRET_KEY: 'ab'.repeat(32),
    LOG_LEVEL: 'warn',
  };
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('names and credentials from the command line follow the API rules', () => {
  it.each([
    ['a 201-character name', 'x'.repeat(201), /200 characters/],
    ['a blank name', '   ', /needs a name/],
    ['a control character', 'Evil\u0007MSP', /control characters/],
    ['a NUL byte', 'Evil\u0000MSP', /control characters/],
  ])('workspace create refuses %s (usage error, nothing created)', async (_what, name, message) => {
    const res = await runCliInProcess(['workspace', 'create', '--name', name], env);
    expect(res.code, res.stdout).toBe(2);
    expect(res.stderr).toMatch(message);
  });

  it('workspace create accepts a 200-character name, trimmed', async () => {
    const res = await runCliInProcess(
      ['--json', 'workspace', 'create', '--name', ` ${'y'.repeat(200)} `],
      env,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).name).toBe('y'.repeat(200));
  });

  it.each([
    ['an email over 320 characters', `${'a'.repeat(400)}@msp.example`, 'a fine long password', /email/i],
    ['a whitespace-only password', 'ok@msp.example', ' '.repeat(12), /password/i],
    ['a common password', 'ok@msp.example', 'password123', /password/i],
    ['a password over 1,000 characters', 'ok@msp.example', `${'Zq7!'.repeat(250)}x`, /1,?000/],
  ])('user create refuses %s', async (_what, email, password, message) => {
    const res = await runCliInProcess(
      ['user', 'create', '--email', email, '--password', password, '--workspace', 'y'.repeat(200)],
      env,
    );
    expect(res.code, res.stdout).toBe(2);
    expect(res.stderr).toMatch(message);
  });
});
