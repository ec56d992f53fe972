import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startCli } from '../support/cli';

const dataDir = mkdtempSync(join(tmpdir(), 'billsync-cli-'));
// These tests run the product as a user would: the embedded Postgres in a data dir, no DATABASE_URL.
const env = { BILLSYNC_DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('billsync CLI', () => {
  it('--help lists the commands and --version prints the version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['serve', 'db', 'user', 'workspace']) expect(help.stdout).toContain(cmd);
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 on a usage error', async () => {
    const res = await runCli(['no-such-command']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown command/);
    const bad = await runCli(
      ['user', 'create', '--email', 'x@y.example', '--password', 'long enough!', '--role', 'boss'],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--role must be one of/);
  });

  it('serve and db migrate / user create run at the same time on one embedded database', async () => {
    const port = await freePort();
    const server = await startCli(['serve'], { ...env, PORT: String(port) }, async () => {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      return res.status === 200;
    });
    try {
      const [migrate, user] = await Promise.all([
        runCli(['db', 'migrate'], env),
        runCli(
          [
            '--json',
            'user',
            'create',
            '--email',
            'admin@cli.example',
            '--password',
            'cli password 1',
            '--role',
            'admin',
          ],
          env,
        ),
      ]);
      expect(migrate.code, migrate.stderr).toBe(0);
      expect(user.code, user.stderr).toBe(0);
      expect(JSON.parse(user.stdout)).toMatchObject({ email: 'admin@cli.example', role: 'admin' });
      // The server is still healthy after the CLI let go of the shared database...
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      expect(await health.json()).toMatchObject({ status: 'ok', db: 'ok', queue: { lagSeconds: 0 } });
      // ...and the user the CLI created can sign in on it.
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@cli.example', password: 'cli password 1' }),
      });
      expect(login.status).toBe(200);
      const list = await runCli(['--json', 'workspace', 'list'], env);
      expect(JSON.parse(list.stdout)).toHaveLength(1);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // The last process out stopped the embedded Postgres.
    expect(existsSync(join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
  });

  it('workspace create adds a tenant and user create then needs --workspace', async () => {
    const ws = await runCli(['--json', 'workspace', 'create', '--name', 'Second MSP'], env);
    expect(ws.code, ws.stderr).toBe(0);
    const ambiguous = await runCli(
      ['user', 'create', '--email', 'b@cli.example', '--password', 'cli password 2'],
      env,
    );
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/several workspaces/);
    const ok = await runCli(
      [
        'user',
        'create',
        '--email',
        'b@cli.example',
        '--password',
        'cli password 2',
        '--workspace',
        'Second MSP',
      ],
      env,
    );
    expect(ok.code, ok.stderr).toBe(0);
  });
});
