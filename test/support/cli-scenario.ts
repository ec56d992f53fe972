import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AutotaskEmulator,
  type AutotaskLimits,
  type AutotaskRules,
  createAutotaskEmulator,
  parseSeed,
} from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import { AutotaskReadback } from './autotask-readback';
import { CREDS, e2eSeed, IDS } from './autotask-world';
import { type CliResult, runCli, runCliInProcess } from './cli';
import { createTestDatabase, type TestDatabase } from './db';

/**
 * Drives a scenario the way an MSP does: the real `billsync` CLI (one process per call) on a fresh database,
 * against a fresh Autotask emulator seeded with `e2eSeed` (vendor IDS.vendor, billing code IDS.code, Contoso
 * Dental Ltd IDS.company with contract IDS.contract; plus a Material Cost Code), its clock frozen.
 * Depends only on the CLI's flags and `--json` output and on the emulator, never on billsync's internals.
 */

/** One run as `billsync --json sync ...` prints it. */
export interface CliRun {
  runId: string;
  kind: string;
  tenantId: string | null;
  customerName: string | null;
  status: string;
  operations: number;
  writes: number;
  items: Record<string, number>;
  message: string | null;
  [key: string]: unknown;
}

/** The runs of a sync command and its exit code (0 ok / no change, 2 warnings or approval, 1 errors). */
export interface SyncOutcome {
  code: number;
  runs: CliRun[];
  stderr: string;
}

export interface MapOptions {
  company?: number;
  contract?: number;
  strategy?: string;
  /** Required: the CLI's default (first day of the real current month) means nothing in a scenario. */
  syncStart: string;
  sync?: boolean;
}

export interface ScenarioOptions {
  /** Emulator clock start (frozen). Default 2026-02-08T09:00:00Z. */
  now?: string;
  /** Move the emulator clock to 09:00 of each sync's --as-of day (default true). */
  clockFollowsAsOf?: boolean;
  seed?: Parameters<typeof e2eSeed>[0];
  /** Changes the seed before it loads (e.g. more companies, a posted period, other contracts). */
  editSeed?: (seed: ScenarioSeed) => void;
  rules?: Partial<AutotaskRules>;
  limits?: Partial<AutotaskLimits>;
  /**
   * Run the CLI's `main` in this process instead of spawning `bin/billsync.js` (same code, much faster): for the
   * runs of a scenario under every Autotask variant. Default false: the real command, as an MSP runs it.
   */
  inProcess?: boolean;
}

export type ScenarioSeed = ReturnType<typeof e2eSeed>;

/** The Material Cost Code (useType 4) added when e2eSeed has none: contract charges need one. */
export const MATERIAL_CODE_ID = 210;

function scenarioSeed(options: ScenarioOptions): ScenarioSeed {
  const seed = e2eSeed(options.seed);
  if (!seed.BillingCodes.some((c) => c.useType === 4))
    seed.BillingCodes.push({
      id: MATERIAL_CODE_ID,
      name: 'Microsoft CSP corrections',
      useType: 4,
      isActive: true,
      unitCost: 0,
      unitPrice: 0,
    });
  options.editSeed?.(seed);
  return seed;
}

const isWrite = (key: string) => !key.startsWith('GET ') && !/\/query(\/|$)/i.test(key);

export class CliScenario {
  /** Where the scenario's CSV files go (removed by close()). */
  readonly dir = mkdtempSync(join(tmpdir(), 'billsync-scenario-'));
  readonly readback: AutotaskReadback;
  private readonly env: Record<string, string>;

  private constructor(
    readonly emulator: AutotaskEmulator,
    readonly base: string,
    readonly db: TestDatabase,
    private readonly options: ScenarioOptions,
  ) {
    this.env = {
      DATABASE_URL: db.url,
      BILLSYNC_DATA_DIR: join(this.dir, 'data'),
      BILLSYNC_SECRET_KEY: 'ab'.repeat(32),
      AUTOTASK_DISCOVERY_URL: `${base}/ATServicesRest/`,
      AUTOTASK_SECRET: '',
      LOG_LEVEL: 'warn',
    };
    this.readback = new AutotaskReadback(base);
  }

  static async create(options: ScenarioOptions = {}): Promise<CliScenario> {
    const db = await createTestDatabase('scenario');
    const emulator = createAutotaskEmulator({
      seed: parseSeed(scenarioSeed(options)),
      clock: createClock({ start: options.now ?? '2026-02-08T09:00:00Z' }),
      sleep: async () => {},
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.rules ? { rules: options.rules } : {}),
    });
    return new CliScenario(emulator, await emulator.listen(0), db, options);
  }

  /** Runs `billsync ARGS` as is. */
  run(...args: string[]): Promise<CliResult> {
    return this.options.inProcess ? runCliInProcess(args, this.env) : runCli(args, this.env);
  }

  /** Runs `billsync --json ARGS`; a non-zero exit throws with what the command said. */
  async json<T = unknown>(...args: string[]): Promise<T> {
    const res = await this.run('--json', ...args);
    if (res.code !== 0)
      throw new Error(`billsync ${args.join(' ')} exited ${res.code}:\n${res.stderr}${res.stdout}`);
    return JSON.parse(res.stdout) as T;
  }

  /**
   * Admin user (creates the workspace), the Autotask connection, the program: sync on, billing code, vendor,
   * plus any `program set` flags given (e.g. `['--mode', 'all', '--azure', 'on']`).
   */
  async setup(program: string[] = []): Promise<void> {
    const admin = ['--email', 'admin@msp.example', '--password', 'correct horse 1', '--role', 'admin'];
    await this.json('user', 'create', ...admin);
    await this.json(
      ...['connect', 'autotask', '--username', CREDS.userName, '--secret', CREDS.secret],
      ...['--integration-code', CREDS.integrationCode],
    );
    await this.json(
      ...['program', 'set', '--target', 'autotask', '--sync', 'on'],
      ...['--billing-code', String(IDS.code), '--vendor', String(IDS.vendor), ...program],
    );
  }

  importPriceList(path: string) {
    return this.json<Record<string, unknown>>('import', 'pricelist', path);
  }

  /** Imports a recon or usage file; without period/issued the CLI infers them (from the rows; 7th of M+1). */
  importInvoice(path: string, dates: { period?: string; issued?: string } = {}) {
    const flags = [
      ...(dates.period ? ['--period', dates.period] : []),
      ...(dates.issued ? ['--issued', dates.issued] : []),
    ];
    return this.json<Record<string, unknown>>('import', 'invoice', path, ...flags);
  }

  map(customer: string, m: MapOptions) {
    return this.json<Record<string, unknown>>(
      ...['map', customer, '--company', String(m.company ?? IDS.company)],
      ...['--contract', String(m.contract ?? IDS.contract), '--strategy', m.strategy ?? 'cost-and-retail'],
      ...['--start', m.syncStart, '--sync', m.sync === false ? 'off' : 'on'],
    );
  }

  syncProducts(o: { asOf: string; preview?: boolean }): Promise<SyncOutcome> {
    return this.sync(['sync', 'products'], o);
  }

  syncCustomers(o: { asOf: string; customer?: string; preview?: boolean }): Promise<SyncOutcome> {
    return this.sync(['sync', 'customers', ...(o.customer ? ['--customer', o.customer] : [])], o);
  }

  private async sync(args: string[], o: { asOf: string; preview?: boolean }): Promise<SyncOutcome> {
    if (this.options.clockFollowsAsOf !== false) this.setClock(`${o.asOf}T09:00:00Z`);
    const res = await this.run('--json', ...args, '--as-of', o.asOf, ...(o.preview ? ['--preview'] : []));
    if (!res.stdout.trim()) throw new Error(`billsync ${args.join(' ')} exited ${res.code}:\n${res.stderr}`);
    return { code: res.code, runs: JSON.parse(res.stdout) as CliRun[], stderr: res.stderr };
  }

  /** For assertion messages: '' after exit 0, else stderr and `billsync run show` of each run not ok. */
  async explain(o: SyncOutcome): Promise<string> {
    if (o.code === 0) return '';
    const bad = o.runs.filter((r) => !['success', 'no_change', 'preview'].includes(r.status));
    const shows = await Promise.all(bad.map((r) => this.run('run', 'show', r.runId)));
    return [o.stderr, ...shows.map((x) => x.stdout + x.stderr)].join('\n');
  }

  /** Moves the emulator clock (ISO instant, or a day = midnight UTC). */
  setClock(iso: string): void {
    this.emulator.clock.set(iso);
  }

  /** Approves and posts the contract's (or every contract's) unit rows ending on or before `through`. */
  async approveAndPost(through: string, contractId?: number): Promise<unknown> {
    const res = await fetch(`${this.base}/_emulator/approve-and-post`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ through, contractId }),
    });
    if (!res.ok) throw new Error(`approve-and-post ${through}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** Write requests the PSA received so far (anything but GET and queries). */
  writes(): number {
    return Object.entries(this.emulator.requests.counts())
      .filter(([key]) => isWrite(key))
      .reduce((n, [, c]) => n + c, 0);
  }

  async close(): Promise<void> {
    await this.emulator.close();
    await this.db.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A fresh scenario: database, emulator, temp dir. Call `setup()` next, `close()` at the end. */
export function createCliScenario(options: ScenarioOptions = {}): Promise<CliScenario> {
  return CliScenario.create(options);
}
