import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from '../src/db/pool';
import { startCli } from '../test/support/cli';
import { freshRuntime, runtimeText } from './fresh-dist';

export type WorkerProcess = Awaited<ReturnType<typeof startCli>>;

/**
 * The heap cap of each worker (MB): docs/operations.md advises `--max-old-space-size` for workers, whose live data is
 * small (tens of MB) but whose heap Node would let grow to a quarter of the machine's memory before collecting.
 */
const WORKER_HEAP_MB = Number(process.env.BENCH_WORKER_HEAP_MB ?? 320);

/**
 * Real `billsync worker` processes on the bench database, with the defaults an operator gets and the heap cap
 * operations.md advises (`BENCH_WORKER_HEAP_MB`, 0 for none); dist/ is built first when stale.
 */
export async function startWorkers(
  n: number,
  databaseUrl: string,
  secretKey: string,
): Promise<WorkerProcess[]> {
  const runtime = freshRuntime();
  console.log(
    `[workers] runtime ${runtimeText(runtime)}, heap cap ${WORKER_HEAP_MB > 0 ? `${WORKER_HEAP_MB} MB` : 'none'}`,
  );
  const heap = WORKER_HEAP_MB > 0 ? `--max-old-space-size=${WORKER_HEAP_MB}` : '';
  const env = {
    NODE_OPTIONS: [process.env.NODE_OPTIONS ?? '', heap].join(' ').trim(),
    DATABASE_URL: databaseUrl,
    BILLSYNC_SECRET_KEY: secretKey,
    BILLSYNC_DATA_DIR: mkdtempSync(join(tmpdir(), 'billsync-scale-')),
    // The emulator listens on loopback, which the PSA URL policy allows only with this (docs/url-policy.md).
    BILLSYNC_ALLOW_LOCAL_PSA: '1',
  };
  return Promise.all(
    Array.from({ length: n }, () => startCli(['worker'], env, async (out) => out.includes('] ready'))),
  );
}

/** Peak and current resident memory of a process in MB (Linux /proc: VmHWM, VmRSS), or undefined elsewhere. */
export function memoryOf(pid: number | undefined): { peakMb: number; rssMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) =>
      Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { peakMb: Math.round(kb('VmHWM') / 1024), rssMb: Math.round(kb('VmRSS') / 1024) };
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a process has used so far (Linux /proc), or NaN elsewhere. */
export function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

export interface JobCounts {
  total: number;
  completed: number;
  failed: number;
  waiting: number;
}

/** The jobs of a queue for one workspace created at or after `since`, by state. */
export async function jobCounts(pool: Pool, name: string, ws: string, since: Date): Promise<JobCounts> {
  const res = await pool.query<{ state: string; n: number }>(
    `select state::text, count(*)::int as n from pgboss.job
     where name = $1 and data->>'workspaceId' = $2 and created_on >= $3 group by 1`,
    [name, ws, since],
  );
  const by = new Map(res.rows.map((r) => [r.state, r.n]));
  const total = res.rows.reduce((n, r) => n + r.n, 0);
  const completed = by.get('completed') ?? 0;
  const failed = by.get('failed') ?? 0;
  return { total, completed, failed, waiting: total - completed - failed };
}

/** Waits (polling the queue tables) until `done` holds; the bench's own waiting, not the product's. */
export async function until(what: string, done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`scale bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
