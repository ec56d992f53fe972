import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * Which billsync processes use the embedded PostgreSQL of a data dir (decision 0009): each one holds a
 * registration file in `<data>/pg-processes/` for as long as it runs, named after its host and pid and touched
 * every few seconds. "Last one out stops it" asks these files, not the database's connections: a server whose
 * pool closed its idle connections, or whose queue connections carry another name, is still registered.
 */
export interface Registration {
  readonly file: string;
  /** Removes the registration (idempotent). */
  remove(): void;
}

const DIR = 'pg-processes';
/** How often a live process touches its file, and how old a file may get before it counts as left behind. */
const TOUCH_MS = 5_000;
export const STALE_MS = 60_000;

const host = hostname().replace(/[^A-Za-z0-9_-]/g, '_');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Registers this process on the data dir; call under the data dir's `.pg.lock`, after the server is up, so that
 * no process deciding to stop it can miss the registration.
 */
export function registerProcess(dataDir: string): Registration {
  const dir = join(dataDir, DIR);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${host}.${process.pid}.${randomBytes(4).toString('hex')}`);
  // No command line in here: it may carry a password (`billsync user create --password ...`).
  const since = new Date().toISOString();
  const write = () =>
    writeFileSync(file, `${JSON.stringify({ pid: process.pid, host: hostname(), since })}\n`);
  write();
  const touch = () => {
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      write(); // removed as stale (the process was suspended): register again
    }
  };
  const timer = setInterval(() => {
    try {
      touch();
    } catch {
      // the data dir is gone or read-only: nothing to do until it is back
    }
  }, TOUCH_MS);
  timer.unref();
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    clearInterval(timer);
    process.off('exit', remove);
    rmSync(file, { force: true });
  };
  // Whatever way the process ends (an error, process.exit), it does not stay registered.
  process.on('exit', remove);
  return { file, remove };
}

/**
 * How many processes are registered and alive (call after removing the own registration). A file left behind (a
 * process killed with SIGKILL) is not counted and is removed: on this host when its pid is gone, from another
 * host (containers sharing the volume) once it has not been touched for STALE_MS.
 */
export function otherProcesses(dataDir: string): number {
  const dir = join(dataDir, DIR);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let alive = 0;
  for (const name of names) {
    const file = join(dir, name);
    const [fileHost, pidText] = name.split('.');
    let fresh: boolean;
    try {
      fresh = Date.now() - statSync(file).mtimeMs < STALE_MS;
    } catch {
      continue; // removed meanwhile
    }
    const live = fresh && (fileHost !== host || pidAlive(Number(pidText)));
    if (live) alive += 1;
    else rmSync(file, { force: true });
  }
  return alive;
}
