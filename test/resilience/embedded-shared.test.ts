import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { freePort, runCli, startCli } from '../support/cli';
import { waitFor } from '../support/jobs';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) {
    // A failed test may leave the cluster running: stop it before removing its directory.
    if (existsSync(join(dir, 'pg', 'postmaster.pid')))
      await (await ensureEmbeddedPostgres(dir)).release({ force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

const healthOf = async (base: string) =>
  (await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined))?.status;

/** Connections to the embedded server carrying billsync's application name, seen from outside billsync. */
async function billsyncConnections(dir: string): Promise<number> {
  const password = readFileSync(join(dir, 'pg-password'), 'utf8').trim();
  const port = readFileSync(join(dir, 'pg-port'), 'utf8').trim();
  const client = new pg.Client({
    connectionString: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    application_name: 'test-observer',
  });
  client.on('error', () => {});
  await client.connect();
  try {
    const res = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where application_name = 'billsync'",
    );
    return res.rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

describe('processes sharing one embedded PostgreSQL', () => {
  it('a CLI command next to a server idle past its pool idle timeout leaves the database running; the last one out stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'billsync-shared-'));
    dirs.push(dir);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      BILLSYNC_DATA_DIR: dir,
      DATABASE_URL: undefined,
      BILLSYNC_EMBEDDED_WORKER: '0',
      BILLSYNC_DB_IDLE_SECONDS: '0.2',
      PORT: String(port),
      HOST: '127.0.0.1',
    };
    const server = await startCli(['serve'], env, async () => (await healthOf(base)) === 200);
    try {
      // The state of the issue: the server's pool has closed its idle connections (it holds none at all).
      await waitFor(
        'the idle server holding no database connection',
        async () => (await billsyncConnections(dir)) === 0,
      );

      const list = await runCli(['workspace', 'list'], env);
      expect(list.code, list.stderr).toBe(0);
      expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(true);
      expect(await healthOf(base)).toBe(200);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    // The server was the last process on the data dir: it stopped the database on its way out.
    expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(false);

    // Alone, a CLI command starts the database and stops it again.
    const alone = await runCli(['workspace', 'list'], env);
    expect(alone.code, alone.stderr).toBe(0);
    expect(existsSync(join(dir, 'pg', 'postmaster.pid'))).toBe(false);
  }, 90_000);
});
