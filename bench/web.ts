import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { WorkspaceId } from '../src/core/ids';
import { migrate } from '../src/db/migrate';
import { createPool } from '../src/db/pool';
import { CUSTOMER_SORTS } from '../src/db/repos/customer-list';
import { loadConfig } from '../src/runtime/config';
import { SecretBox } from '../src/runtime/secret-box';
import { systemClock } from '../src/runtime/system-clock';
import { buildApp } from '../src/server/app';
import { createUser } from '../src/services/auth';
import { benchDatabase } from './bench-database';
import type { LoadInput, LoadOutput } from './web-load';
import { seedWebData, type WebSeed } from './web-seed';

/** The issue 14 targets under 10 concurrent users, in milliseconds at p95. */
const TARGETS: Record<string, number> = { customers: 150, history: 200 };
const ROUTES: Record<string, string> = {
  customers: 'GET /api/customers',
  history: 'GET /api/runs (History)',
  floor: 'GET /api/me (floor: session only)',
};
const USERS = 10;
const PASSWORD = 'bench password, long enough';

/**
 * The request mix of the two pages, as the web app asks: the customers table (its searches, every sort both
 * ways, pages near the start and deep, the mapped/unmapped filter, page sizes) and History (all runs, by kind, by
 * status, by customer, first and deeper pages). Built in a fixed order: the runs compare.
 */
export function requestMix(seed: Pick<WebSeed, 'tenants'>): LoadInput['requests'] {
  const customers = (q: Record<string, string>) =>
    `/api/customers?${new URLSearchParams({ target: 'autotask', sort: 'customer', order: 'asc', limit: '50', offset: '0', ...q })}`;
  const runs = (q: Record<string, string>) =>
    `/api/runs?${new URLSearchParams({ target: 'autotask', limit: '50', offset: '0', ...q })}`;
  const list: { family: string; path: string }[] = [];
  const add = (family: string, path: string) => list.push({ family, path });
  for (const search of [
    'con',
    'contoso',
    'dental ltd',
    'wingtip legal',
    'gmbh',
    'corp',
    'zzz',
    seed.tenants[0]!,
  ])
    add('customers', customers({ search }));
  for (const sort of CUSTOMER_SORTS)
    for (const order of ['asc', 'desc']) add('customers', customers({ sort, order }));
  for (const offset of ['50', '500', '2500', '4950']) add('customers', customers({ offset }));
  add('customers', customers({ sort: 'lastRunAt', order: 'desc', offset: '1000' }));
  add('customers', customers({ mapped: 'false' }));
  add('customers', customers({ mapped: 'true', sort: 'company' }));
  add('customers', customers({ limit: '200', sort: 'lastSynced' }));
  add('customers', customers({ search: 'health', sort: 'lastRun', order: 'desc' }));
  add('history', runs({}));
  for (const offset of ['50', '100', '500', '2500', '20000']) add('history', runs({ offset }));
  for (const kind of ['customer', 'product']) add('history', runs({ kind }));
  for (const status of ['error', 'warning', 'success', 'awaiting_approval', 'preview'])
    add('history', runs({ status }));
  add('history', runs({ kind: 'customer', status: 'error', offset: '50' }));
  for (const tenant of seed.tenants.slice(0, 4)) add('history', runs({ customer: tenant }));
  add('history', runs({ customer: seed.tenants[4]!, status: 'success' }));
  // The floor: a signed-in request that reads nothing but its session (what every API request pays).
  for (let i = 0; i < 6; i++) list.splice(i * 9, 0, { family: 'floor', path: '/api/me' });
  return list;
}

/** Runs the load generator in its own process (web-load.ts) and reads its figures. */
function runLoad(input: LoadInput): Promise<LoadOutput> {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'web-load.ts');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the load generator exited with ${code}`));
      else resolve(JSON.parse(out) as LoadOutput);
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** Signs in `USERS` users (one session each, as 10 people would have): their cookies. */
async function signIn(app: Awaited<ReturnType<typeof buildApp>>, pool: pg.Pool): Promise<string[]> {
  const setup = await app.inject({
    method: 'POST',
    url: '/api/setup',
    payload: { workspaceName: 'Bench MSP', email: 'admin@msp.example', password: PASSWORD },
  });
  if (setup.statusCode !== 201) throw new Error(`setup failed: ${setup.statusCode} ${setup.body}`);
  const ws = (await pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
  const cookies: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const email = i === 0 ? 'admin@msp.example' : `user${i}@msp.example`;
    if (i > 0)
      await createUser(pool, {
        workspaceId: ws,
        email,
        password: PASSWORD,
        role: 'operator',
        actor: 'bench',
      });
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email, password: PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    const set = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('billsync_session='));
    cookies.push(String(set).split(';')[0]!);
  }
  return cookies;
}

export interface WebBenchResult {
  seed: WebSeed;
  load: LoadOutput;
  database: string;
}

/**
 * `npm run bench -- web`: 5,000 customers and 12 months of runs (60,000 customer runs with 3 items each, and a
 * daily product run), seeded in bulk; the real app on a free port of 127.0.0.1; 10 signed-in users (autocannon, 10
 * connections) asking the customers table and History for BENCH_WEB_SECONDS (default 20) after a 3 s warm-up.
 * Prints p50/p95/p99 per route family against the targets (customers p95 <= 150 ms, History p95 <= 200 ms).
 */
export async function benchWeb(): Promise<WebBenchResult> {
  const customers = Number(process.env.BENCH_WEB_CUSTOMERS ?? 5000);
  const months = Number(process.env.BENCH_WEB_MONTHS ?? 12);
  const seconds = Number(process.env.BENCH_WEB_SECONDS ?? 20);
  const db = await benchDatabase('billsync_bench_web');
  const dataDir = mkdtempSync(join(tmpdir(), 'billsync-bench-web-data-'));
  await migrate(db.url);
  // The server's pool, as `billsync serve` opens it (10 connections).
  const pool = createPool(db.url, 10);
  const app = await buildApp(
    {
      config: loadConfig({ BILLSYNC_DATA_DIR: dataDir }),
      pool,
      box: new SecretBox(randomBytes(32)),
      clock: systemClock,
    },
    { logger: false },
  );
  try {
    const cookies = await signIn(app, pool);
    const ws = (await pool.query<{ id: WorkspaceId }>('select id from workspaces')).rows[0]!.id;
    console.log(`\nWeb: seeding ${customers} customers and ${months} months of runs (${db.kind} Postgres)`);
    const seed = await seedWebData(pool, ws, { customers, months, lastMonth: '2025-09' });
    console.log(
      `seeded ${seed.customers} customers (${seed.mapped} mapped), ${seed.runs} runs, ${seed.runItems} run items in ${(seed.ms / 1000).toFixed(1)} s`,
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    const requests = requestMix(seed);
    console.log(
      `${USERS} users (autocannon, ${USERS} connections), ${requests.length} requests in the mix, ${seconds} s after a 3 s warm-up`,
    );
    const load = await runLoad({
      url: `http://127.0.0.1:${port}`,
      cookies,
      seconds,
      warmupSeconds: 3,
      requests,
    });
    console.table(
      Object.entries(load.families).map(([family, f]) => ({
        routes: ROUTES[family] ?? family,
        requests: f.count,
        failed: f.failed,
        'p50 (ms)': f.p50,
        'p95 (ms)': f.p95,
        'p99 (ms)': f.p99,
        'target p95 (ms)': TARGETS[family] ?? '',
        'p95 / target': TARGETS[family] ? Math.round((f.p95 / TARGETS[family]) * 100) / 100 : '',
        'p95 / floor': Math.round((f.p95 / (load.families.floor?.p95 || f.p95)) * 10) / 10,
        verdict: !TARGETS[family] ? '' : f.failed === 0 && f.p95 <= TARGETS[family] ? 'ok' : 'MISSED',
      })),
    );
    console.log(
      `${load.requests} requests in ${load.seconds} s (${load.perSecond}/s), ${load.errors} errors`,
    );
    return { seed, load, database: db.kind };
  } finally {
    await app.close();
    await pool.end();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
