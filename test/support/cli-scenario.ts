import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  type AutotaskEmulator,
  type AutotaskLimits,
  type AutotaskRules,
  createAutotaskEmulator,
  parseSeed,
} from '../../emulators/autotask';
import {
  type ConnectWiseEmulator,
  type ConnectWiseLimits,
  type ConnectWiseRules,
  createConnectWiseEmulator,
  parseSeed as parseConnectWiseSeed,
} from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import type { Decimal } from '../../src/core/money/decimal';
import type { RunDetail } from '../../src/services/sync/run-views';
import { AutotaskReadback, decOf } from './autotask-readback';
import { CREDS, e2eSeed, IDS } from './autotask-world';
import { type CliResult, runCli, runCliInProcess } from './cli';
import { CW_CREDS, CW_IDS, cwSeed } from './connectwise-world';
import { createTestDatabase, type TestDatabase } from './db';

/**
 * Drives a scenario the way an MSP does: the real `billsync` CLI (one process per call) on a fresh database,
 * against a fresh PSA emulator, its clock frozen. Autotask (the default): seeded with `e2eSeed` (vendor
 * IDS.vendor, billing code IDS.code, Contoso Dental Ltd IDS.company with contract IDS.contract; plus a Material
 * Cost Code). ConnectWise (`target: 'connectwise'`): seeded with `cwSeed` (Microsoft CW_IDS.microsoft as vendor,
 * Contoso Dental Ltd CW_IDS.company with agreement CW_IDS.agreement; with `extraCustomers` companies 600.. with
 * agreements 500..). Depends only on the CLI's flags and `--json` output and on the emulator, never on
 * billsync's internals.
 */

/** The PSA a scenario runs against. */
export type ScenarioTarget = 'autotask' | 'connectwise';

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

export type ScenarioSeed = ReturnType<typeof e2eSeed>;
export type ConnectWiseScenarioSeed = ReturnType<typeof cwSeed>;

/** What differs per PSA: the emulator, its readback, its seed and switches. */
interface PerTarget {
  autotask: {
    emulator: AutotaskEmulator;
    readback: AutotaskReadback;
    seed: ScenarioSeed;
    seedOptions: Parameters<typeof e2eSeed>[0];
    rules: AutotaskRules;
    limits: AutotaskLimits;
  };
  connectwise: {
    emulator: ConnectWiseEmulator;
    readback: ConnectWiseReadback;
    seed: ConnectWiseScenarioSeed;
    /** `prorate`: the agreement type's prorateFlag (default false). */
    seedOptions: { prorate?: boolean; extraCustomers?: number };
    rules: ConnectWiseRules;
    limits: ConnectWiseLimits;
  };
}

export interface ScenarioOptions<T extends ScenarioTarget = 'autotask'> {
  /** The PSA (default autotask). */
  target?: T;
  /** Emulator clock start (frozen). Default 2026-02-08T09:00:00Z. */
  now?: string;
  /** Move the emulator clock to 09:00 of each sync's --as-of day (default true). */
  clockFollowsAsOf?: boolean;
  seed?: PerTarget[T]['seedOptions'];
  /** Changes the seed before it loads (e.g. more companies, a posted period, other contracts). */
  editSeed?: (seed: PerTarget[T]['seed']) => void;
  rules?: Partial<PerTarget[T]['rules']>;
  limits?: Partial<PerTarget[T]['limits']>;
  /**
   * Run the CLI's `main` in this process instead of spawning `bin/billsync.js` (same code, much faster): for the
   * runs of a scenario under every emulator variant. Default false: the real command, as an MSP runs it.
   */
  inProcess?: boolean;
}

/** The Material Cost Code (useType 4) added when e2eSeed has none: contract charges need one. */
export const MATERIAL_CODE_ID = 210;

function scenarioSeed(options: ScenarioOptions<'autotask'>): ScenarioSeed {
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

function connectWiseScenarioSeed(options: ScenarioOptions<'connectwise'>): ConnectWiseScenarioSeed {
  const seed = cwSeed({
    prorate: options.seed?.prorate ?? false,
    extraCustomers: options.seed?.extraCustomers ?? 0,
  });
  options.editSeed?.(seed);
  return seed;
}

/** Autotask: anything but GET and queries. ConnectWise: POST, PUT, PATCH and DELETE. */
const isWrite = (target: ScenarioTarget, key: string) =>
  target === 'connectwise'
    ? /^(POST|PUT|PATCH|DELETE) /i.test(key)
    : !key.startsWith('GET ') && !/\/query(\/|$)/i.test(key);

/** One agreement addition as the ConnectWise emulator holds it, dates as days. */
export interface AdditionView {
  id: number;
  agreementId: number;
  /** The catalog item's identifier (billsync: the SKU code). */
  product: string;
  /** The catalog item's vendor SKU (billsync: the SKU code, also on a linked item). */
  vendorSku: string;
  effectiveDate: string;
  /** The last billed day (inclusive); null: open-ended. */
  cancelledDate: string | null;
  quantity: Decimal;
  lessIncluded: Decimal;
  unitPrice: Decimal;
  unitCost: Decimal;
  serialNumber: string | null;
  billCustomer: string | null;
}

/** One line of the emulator's billing report. */
export interface BilledLine {
  periodStart: string;
  periodEnd: string;
  additionId: number;
  product: string | null;
  amount: Decimal;
  invoiced: boolean;
}

export interface AgreementMonthBill {
  month: string;
  lines: BilledLine[];
  total: Decimal;
}

const dayOf = (iso: unknown) => (typeof iso === 'string' ? iso.slice(0, 10) : null);

/** Reads the ConnectWise emulator's agreements back: additions, and what it bills per month. */
export class ConnectWiseReadback {
  constructor(readonly base: string) {}

  private async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.base}${path}`);
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** The agreement's additions (cancelled ones too), by id. */
  async additions(agreementId: number): Promise<AdditionView[]> {
    interface Row {
      id: number;
      agreementId: number;
      product?: { id: number };
      effectiveDate?: string;
      cancelledDate?: string;
      quantity?: number;
      lessIncluded?: number;
      unitPrice?: number;
      unitCost?: number;
      serialNumber?: string;
      billCustomer?: string;
    }
    const state = await this.get<{
      additions: Row[];
      catalog: { id: number; identifier: string; vendorSku?: string }[];
    }>('/_emulator/state');
    const items = new Map(state.catalog.map((c) => [c.id, c]));
    return state.additions
      .filter((a) => a.agreementId === agreementId)
      .map((a) => ({
        id: a.id,
        agreementId: a.agreementId,
        product: (a.product && items.get(a.product.id)?.identifier) ?? '',
        vendorSku: (a.product && items.get(a.product.id)?.vendorSku) ?? '',
        effectiveDate: dayOf(a.effectiveDate) ?? '',
        cancelledDate: dayOf(a.cancelledDate),
        quantity: decOf(a.quantity ?? 0),
        lessIncluded: decOf(a.lessIncluded ?? 0),
        unitPrice: decOf(a.unitPrice ?? 0),
        unitCost: decOf(a.unitCost ?? 0),
        serialNumber: a.serialNumber ?? null,
        billCustomer: a.billCustomer ?? null,
      }))
      .sort((x, y) => x.id - y.id);
  }

  /** What the emulator bills the agreement per month from `from` to `to` (YYYY-MM; `GET /_emulator/billing`). */
  async billing(agreementId: number, from: string, to: string): Promise<AgreementMonthBill[]> {
    const body = await this.get<{
      months: {
        month: string;
        lines: (Omit<BilledLine, 'amount'> & { amount: string })[];
        total: { amount: string };
      }[];
    }>(`/_emulator/billing?agreementId=${agreementId}&from=${from}&to=${to}`);
    return body.months.map((m) => ({
      month: m.month,
      lines: m.lines.map((l) => ({
        periodStart: l.periodStart,
        periodEnd: l.periodEnd,
        additionId: l.additionId,
        product: l.product,
        amount: decOf(l.amount),
        invoiced: l.invoiced,
      })),
      total: decOf(m.total.amount),
    }));
  }

  /** What the emulator bills the agreement in a calendar month (YYYY-MM). */
  async billedPerMonth(agreementId: number, month: string): Promise<AgreementMonthBill> {
    const [bill] = await this.billing(agreementId, month, month);
    if (!bill) throw new Error(`no billing report for agreement ${agreementId} in ${month}`);
    return bill;
  }
}

export class CliScenario<T extends ScenarioTarget = 'autotask'> {
  /** Where the scenario's CSV files go (removed by close()). */
  readonly dir = mkdtempSync(join(tmpdir(), 'billsync-scenario-'));
  readonly target: T;
  readonly readback: PerTarget[T]['readback'];
  private readonly env: Record<string, string>;

  private constructor(
    readonly emulator: PerTarget[T]['emulator'],
    readonly base: string,
    readonly db: TestDatabase,
    private readonly options: ScenarioOptions<T>,
  ) {
    this.target = (options.target ?? 'autotask') as T;
    const common = {
      DATABASE_URL: db.url,
      BILLSYNC_DATA_DIR: join(this.dir, 'data'),
      BILLSYNC_SECRET_KEY: 'ab'.repeat(32),
    };
    if (this.target === 'connectwise') {
      this.env = {
        ...common,
        // The emulator listens on loopback: allowed by the PSA URL policy only with this (docs/url-policy.md).
        BILLSYNC_ALLOW_LOCAL_PSA: '1',
        CONNECTWISE_PRIVATE_KEY: '',
        LOG_LEVEL: 'warn',
      };
      this.readback = new ConnectWiseReadback(base) as PerTarget[T]['readback'];
    } else {
      this.env = {
        ...common,
        AUTOTASK_DISCOVERY_URL: `${base}/ATServicesRest/`,
        AUTOTASK_SECRET: '',
        LOG_LEVEL: 'warn',
      };
      this.readback = new AutotaskReadback(base) as PerTarget[T]['readback'];
    }
  }

  static async create<T extends ScenarioTarget = 'autotask'>(
    options: ScenarioOptions<T> = {},
  ): Promise<CliScenario<T>> {
    const db = await createTestDatabase('scenario');
    const clock = createClock({ start: options.now ?? '2026-02-08T09:00:00Z' });
    if (options.target === 'connectwise') {
      const o = options as unknown as ScenarioOptions<'connectwise'>;
      const emulator = createConnectWiseEmulator({
        seed: parseConnectWiseSeed(connectWiseScenarioSeed(o)),
        clock,
        sleep: async () => {},
        ...(o.limits ? { limits: o.limits } : {}),
        ...(o.rules ? { rules: o.rules } : {}),
      });
      const base = await emulator.listen(0);
      return new CliScenario<T>(emulator as PerTarget[T]['emulator'], base, db, options);
    }
    const o = options as unknown as ScenarioOptions<'autotask'>;
    const emulator = createAutotaskEmulator({
      seed: parseSeed(scenarioSeed(o)),
      clock,
      sleep: async () => {},
      ...(o.limits ? { limits: o.limits } : {}),
      ...(o.rules ? { rules: o.rules } : {}),
    });
    return new CliScenario<T>(emulator as PerTarget[T]['emulator'], await emulator.listen(0), db, options);
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
   * Admin user (creates the workspace), the PSA connection, the program: sync on, billing code (Autotask),
   * vendor, plus any `program set` flags given (e.g. `['--mode', 'all', '--azure', 'on']`).
   */
  async setup(program: string[] = []): Promise<void> {
    const admin = ['--email', 'admin@msp.example', '--password', 'correct horse 1', '--role', 'admin'];
    await this.json('user', 'create', ...admin);
    if (this.target === 'connectwise') {
      await this.json(
        ...['connect', 'connectwise', '--site', this.base, '--company', CW_CREDS.companyId],
        ...['--public-key', CW_CREDS.publicKey, '--private-key', CW_CREDS.privateKey],
      );
      await this.json(
        ...['program', 'set', '--target', 'connectwise', '--sync', 'on'],
        ...['--vendor', String(CW_IDS.microsoft), ...program],
      );
      return;
    }
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

  /** `--target connectwise` for ConnectWise; nothing for Autotask (the CLI's default). */
  private targetFlag(): string[] {
    return this.target === 'connectwise' ? ['--target', 'connectwise'] : [];
  }

  /** Maps a customer; company and contract default to Contoso's (IDS or CW_IDS). */
  map(customer: string, m: MapOptions) {
    const cw = this.target === 'connectwise';
    const company = m.company ?? (cw ? CW_IDS.company : IDS.company);
    const contract = m.contract ?? (cw ? CW_IDS.agreement : IDS.contract);
    return this.json<Record<string, unknown>>(
      ...['map', customer, '--company', String(company)],
      ...['--contract', String(contract), '--strategy', m.strategy ?? 'cost-and-retail'],
      ...['--start', m.syncStart, '--sync', m.sync === false ? 'off' : 'on', ...this.targetFlag()],
    );
  }

  syncProducts(o: { asOf: string; preview?: boolean }): Promise<SyncOutcome> {
    return this.sync(['sync', 'products', ...this.targetFlag()], o);
  }

  syncCustomers(o: { asOf: string; customer?: string; preview?: boolean }): Promise<SyncOutcome> {
    return this.sync(
      ['sync', 'customers', ...(o.customer ? ['--customer', o.customer] : []), ...this.targetFlag()],
      o,
    );
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

  /** Autotask: approves and posts the contract's (or every contract's) unit rows ending on or before `through`. */
  async approveAndPost(through: string, contractId?: number): Promise<unknown> {
    if (this.target !== 'autotask') throw new Error('approveAndPost is Autotask only');
    const res = await fetch(`${this.base}/_emulator/approve-and-post`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ through, contractId }),
    });
    if (!res.ok) throw new Error(`approve-and-post ${through}: ${res.status} ${await res.text()}`);
    return res.json();
  }

  /** Write requests the PSA received so far (Autotask: anything but GET and queries; ConnectWise: POST, PUT, PATCH, DELETE). */
  writes(): number {
    return Object.entries(this.emulator.requests.counts())
      .filter(([key]) => isWrite(this.target, key))
      .reduce((n, [, c]) => n + c, 0);
  }

  async close(): Promise<void> {
    await this.emulator.close();
    await this.db.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A customer sync re-run at `asOf` writes nothing: exit 0, every run No Change with 0 writes (else the failing
 * runs' `billsync run show` is the message), and the PSA received no write request.
 */
export async function expectRerunWritesNothing<T extends ScenarioTarget>(
  s: CliScenario<T>,
  asOf: string,
): Promise<void> {
  const before = s.writes();
  const again = await s.syncCustomers({ asOf });
  expect(again.code, await s.explain(again)).toBe(0);
  const wrote = again.runs.filter((r) => r.status !== 'no_change' || r.writes !== 0);
  const shows = await Promise.all(wrote.map((r) => s.run('run', 'show', r.runId)));
  expect(wrote, shows.map((x) => x.stdout).join('\n')).toEqual([]);
  expect(s.writes()).toBe(before);
}

/** A fresh scenario: database, emulator, temp dir. Call `setup()` next, `close()` at the end. */
export function createCliScenario<T extends ScenarioTarget = 'autotask'>(
  options: ScenarioOptions<T> = {},
): Promise<CliScenario<T>> {
  return CliScenario.create<T>(options);
}

/** A run as `billsync --json run show RUN_ID` prints it: the API's run detail. */
export function showRun(s: { json<T>(...args: string[]): Promise<T> }, runId: string): Promise<RunDetail> {
  return s.json<RunDetail>('run', 'show', runId);
}

/** A run's item messages as `level: text`, in item order. */
export function runMessages(d: Pick<RunDetail, 'lines'>): string[] {
  return d.lines.flatMap((l) => l.messages.map((m) => `${m.level}: ${m.text}`));
}
