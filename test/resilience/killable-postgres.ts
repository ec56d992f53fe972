import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ensureEmbeddedPostgres, postgresServerBinary } from '../../src/db/embedded-postgres';
import { waitFor } from '../support/jobs';

/**
 * A PostgreSQL of the test's own that it may kill: never the shared test server. The cluster is made by the
 * embedded-postgres module (initdb, password, running as `postgres` under root); the postmaster then runs as a
 * direct child of the test process, so `kill()` is a real `kill -9` of the postmaster and the test reaps it
 * (no zombie keeps `postmaster.pid` alive), and `start()` brings the same cluster back on the same port.
 */
export interface KillablePostgres {
  /** The `billsync` database (a billsync process sees an external DATABASE_URL). */
  url: string;
  port: number;
  /** SIGKILL of the postmaster; resolves once it is gone. */
  kill(): Promise<void>;
  /** Starts the postmaster again on the same cluster and port; resolves once it accepts connections. */
  start(): Promise<void>;
  close(): Promise<void>;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function accepts(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function startKillablePostgres(): Promise<KillablePostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'billsync-killable-pg-'));
  const embedded = await ensureEmbeddedPostgres(dir, { database: 'billsync' });
  await embedded.release({ force: true });
  const cluster = realpathSync(join(dir, 'pg'));
  // Under root from a private checkout, the copy the `postgres` user can run (not the one in node_modules).
  const binary = await postgresServerBinary();
  const ids = postgresIds();
  let child: ChildProcess | undefined;
  let log = '';
  const spawnPostgres = () => {
    const args = ['-D', cluster, '-p', String(embedded.port), '-c', 'listen_addresses=127.0.0.1'];
    const proc = spawn(binary, [...args, '-c', 'unix_socket_directories=', '-c', 'max_connections=200'], {
      ...(ids ?? {}),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    proc.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
    });
    return proc;
  };
  const start = async () => {
    // Right after a kill the old backends may still hold the cluster for a moment: a refused start is retried.
    await waitFor('PostgreSQL accepting connections', async () => {
      if (!child || child.exitCode !== null || child.signalCode !== null) child = spawnPostgres();
      return accepts(embedded.url);
    }).catch((error: Error) => {
      throw new Error(`${error.message}; its log:\n${log.slice(-2000)}`);
    });
  };
  const kill = async () => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };
  await start();
  return {
    url: embedded.url,
    port: embedded.port,
    kill,
    start,
    async close() {
      child?.kill('SIGINT'); // fast shutdown
      if (child && child.exitCode === null) await new Promise((resolve) => child?.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
