import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { AutotaskLimits } from '../emulators/autotask';
import { enqueueAllCustomerSyncs, enqueueDailyCheck } from '../src/jobs/enqueue';
import { startJobQueue } from '../src/jobs/queue';
import {
  AUTOTASK_LATENCY_MS,
  AUTOTASK_THREADS,
  type AutotaskScalePsa,
  autotaskScalePsa,
} from './scale-autotask';
import {
  CONNECTWISE_CONCURRENCY,
  CONNECTWISE_LATENCY_MS,
  CONNECTWISE_PER_MINUTE,
  type ConnectWiseScalePsa,
  connectWiseScalePsa,
} from './scale-connectwise';
import type { ScaleDates } from './scale-data';
import type { ScalePsa } from './scale-psa';
import { cpuSecondsOf, jobCounts, memoryOf, startWorkers, until, type WorkerProcess } from './scale-workers';
import { SCALE_KEY, type ScaleWorld, scaleWorld } from './scale-world';

const WORKERS = 2;
const TARGET_RATIO = 1.2;
/**
 * A worker holds the batches it runs (each up to 50 customers' invoice lines, plans and PSA state), not the
 * tenant: its peak stays under this whatever the number of customers (docs/performance.md, "Scale").
 */
const RSS_BOUND_MB = 512;

interface Measured {
  wallSeconds: number;
  /** API calls the PSA answered (each waited the latency; Autotask: those counted against the hourly threshold). */
  calls: number;
  writes: number;
  routes: Record<string, number>;
  rateLimited: number;
  maxInFlight: { total: number; perEndpoint: number };
  timeline: { firstMs: number; lastMs: number; idleMs: number };
  jobs: { completed: number; failed: number };
  runs: Record<string, number>;
}

const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

async function runStatuses(world: ScaleWorld, since: Date): Promise<Record<string, number>> {
  const res = await world.pool.query<{ status: string; n: number }>(
    `select status, count(*)::int as n from runs where workspace_id = $1 and kind = 'customer' and created_at >= $2
     group by 1 order by 1`,
    [world.ws, since],
  );
  return Object.fromEntries(res.rows.map((r) => [r.status, r.n]));
}

/**
 * The floor with the latency the emulator added to each call past 50 % / 75 % of the hourly threshold (the window
 * starts with the counter at 0, so the k-th call is at k / threshold): no client making these calls can be faster.
 */
function tieredFloor(calls: number, limits: AutotaskLimits) {
  let ms = 0;
  let past = 0;
  for (let k = 1; k <= calls; k++) {
    const usage = k / limits.hourlyThreshold;
    const tier = usage >= 0.75 ? limits.latencyAt75Ms : usage >= 0.5 ? limits.latencyAt50Ms : 0;
    if (tier > 0) past++;
    ms += AUTOTASK_LATENCY_MS + tier;
  }
  return { seconds: ms / 1000 / AUTOTASK_THREADS, calls: past };
}

type Row = Record<string, string | number>;
const ok = (b: boolean) => (b ? 'ok' : 'MISSED');

/** What differs between the PSAs: the emulator, its limits, the floor they set, and the rows about them. */
interface ScaleProfile<P extends ScalePsa> {
  /** The log prefix. */
  tag: string;
  make(customers: number, dates: ScaleDates): P;
  latencyMs: number;
  /** The limits beside the latency in the summary's title. */
  limitsText: string;
  /** No client making `calls` calls within the PSA's limits can be faster (seconds). */
  floor(calls: number): number;
  /** Rows after the wall time: the floors the limits set one by one. */
  floorRows(month: Measured, psa: P): Row[];
  /** The concurrency row: most calls in flight against what the PSA allows. */
  inFlightRow(month: Measured): Row;
}

const AUTOTASK: ScaleProfile<AutotaskScalePsa> = {
  tag: 'scale',
  make: autotaskScalePsa,
  latencyMs: AUTOTASK_LATENCY_MS,
  limitsText: '',
  floor: (calls) => (calls * AUTOTASK_LATENCY_MS) / 1000 / AUTOTASK_THREADS,
  floorRows(month, psa) {
    const tiered = tieredFloor(month.calls, psa.emulator.limits.limits);
    return [
      {
        figure: 'wall vs floor with the tier latency',
        value: round(month.wallSeconds, 1),
        floor: round(tiered.seconds, 1),
        ratio: round(month.wallSeconds / tiered.seconds),
        target: `${tiered.calls} calls past 50 % of the hourly threshold`,
        verdict: '',
      },
    ];
  },
  inFlightRow: (month) => ({
    figure: 'max calls in flight (per endpoint)',
    value: `${month.maxInFlight.total} (${month.maxInFlight.perEndpoint})`,
    floor: '',
    ratio: '',
    target: `<= ${AUTOTASK_THREADS} per endpoint`,
    verdict: ok(month.maxInFlight.perEndpoint <= AUTOTASK_THREADS),
  }),
};

/** Issue 14's floor: every call waits the latency, at most CONNECTWISE_CONCURRENCY of them at once. */
const cwConcurrencyFloor = (calls: number) =>
  (calls * CONNECTWISE_LATENCY_MS) / 1000 / CONNECTWISE_CONCURRENCY;

/**
 * Both ConnectWise limits at once: the fastest client starts call k when a slot is free (call k - 10 ended) and
 * the rolling minute has room (call k - 1,000 started 60 s ago), as the emulator admits them. Up to 1,000 calls
 * this is the concurrency floor; past it, each further 1,000 calls cost at least a minute.
 */
function cwRollingFloor(calls: number): number {
  const starts: number[] = [];
  for (let k = 0; k < calls; k++) {
    const slot =
      k >= CONNECTWISE_CONCURRENCY ? (starts[k - CONNECTWISE_CONCURRENCY] ?? 0) + CONNECTWISE_LATENCY_MS : 0;
    const minute = k >= CONNECTWISE_PER_MINUTE ? (starts[k - CONNECTWISE_PER_MINUTE] ?? 0) + 60_000 : 0;
    starts.push(Math.max(slot, minute));
  }
  return calls === 0 ? 0 : ((starts.at(-1) ?? 0) + CONNECTWISE_LATENCY_MS) / 1000;
}

const CONNECTWISE: ScaleProfile<ConnectWiseScalePsa> = {
  tag: 'scale-cw',
  make: connectWiseScalePsa,
  latencyMs: CONNECTWISE_LATENCY_MS,
  limitsText: `, ${CONNECTWISE_PER_MINUTE.toLocaleString('en-US')} requests/min, ${CONNECTWISE_CONCURRENCY} in flight`,
  floor: cwRollingFloor,
  floorRows: (month) => {
    const seconds = cwConcurrencyFloor(month.calls);
    return [
      {
        figure: `floor: calls x ${CONNECTWISE_LATENCY_MS} ms / ${CONNECTWISE_CONCURRENCY} in flight`,
        value: round(month.wallSeconds, 1),
        floor: round(seconds, 1),
        ratio: round(month.wallSeconds / seconds),
        target: `the wall time's floor adds <= ${CONNECTWISE_PER_MINUTE.toLocaleString('en-US')} calls a rolling minute`,
        verdict: '',
      },
    ];
  },
  inFlightRow: (month) => ({
    figure: 'max calls in flight',
    value: month.maxInFlight.total,
    floor: '',
    ratio: '',
    target: `<= ${CONNECTWISE_CONCURRENCY} per API member`,
    verdict: ok(month.maxInFlight.total <= CONNECTWISE_CONCURRENCY),
  }),
};

/** Starts a counting window on the emulator and the wire: the measured window starts clean. */
function startWindow(world: ScaleWorld, mode: 'measured' | 'off') {
  world.psa.startWindow(mode);
  world.calls.reset();
}

/**
 * Waits until every customer job queued since `since` has ended (completed or failed), and the chain that
 * queued them (`chain`: daily check, product sync) too.
 */
async function drained(world: ScaleWorld, since: Date, chain: string[], timeoutMs: number) {
  await until(
    'the queued syncs',
    async () => {
      for (const name of chain) {
        const c = await jobCounts(world.pool, name, world.ws, since);
        if (c.total === 0 || c.waiting > 0) return false;
      }
      const c = await jobCounts(world.pool, 'sync-customer', world.ws, since);
      return c.total >= world.customers && c.waiting === 0;
    },
    timeoutMs,
  );
  return jobCounts(world.pool, 'sync-customer', world.ws, since);
}

/** The daily check of month M+1 through the queue and the workers, from its enqueueing to the last job's end. */
async function measureMonth(world: ScaleWorld, send: () => Promise<unknown>): Promise<Measured> {
  startWindow(world, 'measured');
  const since = new Date();
  const t0 = performance.now();
  await send();
  const jobs = await drained(world, since, ['daily-check', 'sync-products'], 6 * 3600_000);
  const wallSeconds = (performance.now() - t0) / 1000;
  return {
    wallSeconds,
    calls: world.psa.calls(),
    writes: world.psa.writes(),
    routes: world.psa.routes(),
    rateLimited: world.calls.rateLimited(),
    maxInFlight: world.calls.maxInFlight(),
    timeline: world.calls.timeline(),
    jobs,
    runs: await runStatuses(world, since),
  };
}

/**
 * `npm run bench -- scale`: issue 14's end-to-end figure, for Autotask then ConnectWise (`scale-at`, `scale-cw`:
 * one of them). BENCH_SCALE_CUSTOMERS customers (default 5,000) with 30 contract lines each, in the steady state
 * after month M; month M+1's invoice brings a month of changes. The daily check is queued and two `billsync
 * worker` processes work the queue against the PSA emulator over HTTP: Autotask at 150 ms per call, 3 threads per
 * endpoint and the 10,000/h threshold with its latency tiers; ConnectWise at 150 ms per call, 1,000 requests per
 * minute and 10 in flight. Figures: wall time against the floor (Autotask: calls x 150 ms / 3 threads;
 * ConnectWise: the higher of calls x 150 ms / 10 and calls / 1,000 per minute), rate-limit refusals, each
 * worker's peak RSS; then a re-run of every customer (latency off, it only has to be correct) must write nothing.
 */
export async function benchScale(target: 'autotask' | 'connectwise' = 'autotask'): Promise<void> {
  if (target === 'connectwise') await runScale(CONNECTWISE);
  else await runScale(AUTOTASK);
}

async function runScale<P extends ScalePsa>(profile: ScaleProfile<P>): Promise<void> {
  const customers = Number(process.env.BENCH_SCALE_CUSTOMERS ?? 5_000);
  const log = (m: string) => console.log(`[${profile.tag}] ${m}`);
  const setupStart = performance.now();
  const world = await scaleWorld(customers, profile.make, log);
  const seeded =
    world.psa.target === 'connectwise'
      ? `the first sync of month M wrote its ${world.seedCorrections} PSA writes over HTTP`
      : `the first sync of month M wrote ${world.seedCorrections} corrections to the bulk seed`;
  log(`steady state ready in ${round((performance.now() - setupStart) / 1000, 1)} s (${seeded})`);
  let workers: WorkerProcess[] = [];
  const queue = await startJobQueue(
    { pool: world.pool },
    { expireSeconds: 1800, retryDelaySeconds: 30, pollSeconds: 2 },
    { worker: false },
  );
  try {
    workers = await startWorkers(WORKERS, world.databaseUrl, SCALE_KEY);
    // Interrupted (Ctrl-C): the worker processes go with the bench.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        for (const w of workers) w.child.kill('SIGKILL');
        process.exit(130);
      });
    }
    log(`${WORKERS} workers ready; month M+1: daily check queued, latency ${profile.latencyMs} ms per call`);
    const today = new Date().toISOString().slice(0, 10);
    const loadAtStart = loadavg()
      .map((l) => round(l, 1))
      .join(', ');
    const cpuBefore = workers.map((w) => cpuSecondsOf(w.child.pid));
    const month = await measureMonth(world, () => enqueueDailyCheck(queue, world.ws, today));
    const cpu = workers.map((w, i) => cpuSecondsOf(w.child.pid) - (cpuBefore[i] ?? 0));
    const memory = workers.map((w) => memoryOf(w.child.pid));
    log(`routes: ${JSON.stringify(month.routes)}`);
    const t = month.timeline;
    log(
      `PSA timeline: first call ${round(t.firstMs / 1000, 1)} s after the daily check was queued, last one ended at ${round(t.lastMs / 1000, 1)} s; no call in flight for ${round(t.idleMs / 1000, 1)} s in between`,
    );
    log(`statuses: ${JSON.stringify(world.calls.statuses())}; runs: ${JSON.stringify(month.runs)}`);

    // Correctness: every customer again (latency off, not measured): nothing may be written.
    startWindow(world, 'off');
    const since = new Date();
    const rerunStart = performance.now();
    await enqueueAllCustomerSyncs(queue, world.pool, world.ws, {
      target: world.psa.target,
      trigger: 'bench',
      actor: 'bench',
    });
    const again = await drained(world, since, [], 3600_000);
    const rerunSeconds = (performance.now() - rerunStart) / 1000;
    const rerunWrites = world.psa.writes();
    log(
      `worker CPU during month M+1: ${cpu.map((c) => `${round(c, 1)} s`).join(', ')} (load average now ${loadavg()
        .map((l) => round(l, 1))
        .join(', ')})`,
    );
    log(
      `no-op re-run of every customer with the latency off: ${round(rerunSeconds, 1)} s, ${again.completed} jobs (billsync's own time, the PSA answering at once)`,
    );

    const floor = profile.floor(month.calls);
    const ratio = month.wallSeconds / floor;
    console.log(
      `\nScale: ${customers} customers x 30 lines, month M+1 through the queue, ${WORKERS} workers, ${world.psa.label} emulator at ${profile.latencyMs} ms/call${profile.limitsText} (load average ${loadAtStart} at the start)`,
    );
    console.table([
      {
        figure: 'wall time (s)',
        value: round(month.wallSeconds, 1),
        floor: round(floor, 1),
        ratio: round(ratio),
        target: `<= ${TARGET_RATIO} x floor`,
        verdict: ok(ratio <= TARGET_RATIO),
      },
      ...profile.floorRows(month, world.psa),
      {
        figure: 'PSA calls (writes)',
        value: `${month.calls} (${month.writes})`,
        floor: '',
        ratio: round(month.calls / customers),
        target: 'per customer',
        verdict: '',
      },
      {
        figure: 'rate-limit refusals',
        value: month.rateLimited,
        floor: '',
        ratio: '',
        target: '0',
        verdict: ok(month.rateLimited === 0),
      },
      profile.inFlightRow(month),
      ...memory.map((m, i) => ({
        figure: `worker ${i + 1} peak RSS (MB)`,
        value: m ? m.peakMb : 'n/a',
        floor: '',
        ratio: '',
        target: `<= ${RSS_BOUND_MB} MB`,
        verdict: m ? ok(m.peakMb <= RSS_BOUND_MB) : '',
      })),
      {
        figure: 'customer jobs completed (failed)',
        value: `${month.jobs.completed} (${month.jobs.failed})`,
        floor: '',
        ratio: '',
        target: `${customers} (0)`,
        verdict: ok(month.jobs.completed === customers && month.jobs.failed === 0),
      },
      {
        figure: 'no-op re-run: writes (jobs failed)',
        value: `${rerunWrites} (${again.failed})`,
        floor: '',
        ratio: '',
        target: '0 (0)',
        verdict: ok(rerunWrites === 0 && again.failed === 0),
      },
    ]);
  } finally {
    if (process.env.BENCH_SCALE_LOGS) {
      for (const [i, w] of workers.entries())
        writeFileSync(`${process.env.BENCH_SCALE_LOGS}.worker${i + 1}.log`, w.output());
    }
    await Promise.all(workers.map((w) => w.stop()));
    await queue.stop();
    await world.close();
  }
}
