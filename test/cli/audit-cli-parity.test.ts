import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main';
import type { WorkspaceId } from '../../src/core/ids';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import type { Clock } from '../../src/core/time/clock';
import { addDays, addMonths, daysInMonth, parsePlainDate } from '../../src/core/time/plain-date';
import { createPool, type Pool } from '../../src/db/pool';
import { ALLOW_LOCAL_ENV } from '../../src/http';
import { notifyRun } from '../../src/notifications/notify-run';
import { loadConfig } from '../../src/runtime/config';
import { loadSecretBox } from '../../src/runtime/secret-box';
import { createTargetOpener } from '../../src/runtime/targets';
import { buildApp } from '../../src/server/app';
import { type Agent, login } from '../support/app';
import { CREDS, IDS } from '../support/autotask-world';
import { BIN, runCli } from '../support/cli';
import { type CliRun, type CliScenario, createCliScenario } from '../support/cli-scenario';
import {
  BUSINESS_PREMIUM,
  CONTOSO,
  type CustomerSpec,
  type OfferSpec,
  priceListFile,
  type ReconLineSpec,
  reconFile,
} from '../support/csp-files';
import { dayRuns, eachDay } from '../support/day-values';
import { waitFor } from '../support/jobs';
import { BASIC, FABRIKAM, subscription } from '../support/months-data';

/**
 * Audit of spec §9 "HTTP API with OpenAPI, and a CLI for everything the UI does, with progress on long work and
 * `--json` output", from the spec, the README's command-line section and what the web app calls (web/src), over a
 * three-month routine on the Autotask emulator (defaults), driven by the CLI only (in process), with the app
 * started in process on the same database to read the same things through the HTTP API the web uses.
 *
 * Routine (invoices issued on the 7th of M+1, each synced on the 8th):
 * - Contoso Dental (contract 400): Business Premium, 10 seats in December, 10 -> 12 on 15 Jan, 12 -> 11 on 10 Feb.
 * - Fabrikam (company 600 renamed "Fabrikam Inc", contract 500): Business Basic, 5 seats, 5 -> 7 on 20 Feb; the
 *   Basic list retail goes 7.20 -> 7.80 on 15 Feb (R-8: a warning; February keeps 7.20).
 * - January: the first adjustment write is rate limited (Retry-After 1 h) under the real (spawned) command, which
 *   must end (an Error run, spec §7) or say that it waits; it is stopped, and `billsync run resume` finishes the
 *   runs it left open. February: an approval threshold of 5 %: both plans wait (exit 2), Contoso's is approved,
 *   Fabrikam's rejected and synced again without the threshold (R-8 warning, exit 2).
 *
 * Every `--json` call must print exactly one JSON document on stdout (nothing else there), agree with the API for
 * the same thing, and every step's money is checked in the PSA: units per day = the invoice seat timeline, each
 * month billed = seats per day x the period's retail, and a re-run writes nothing.
 */

// ------------------------------------------------------------------------------------------ the data

const C_BP = subscription(CONTOSO, BUSINESS_PREMIUM, 'c1000000-0000-4000-8000-0000000000c1', '2025-12-01');
const F_BA = subscription(FABRIKAM, BASIC, 'f1000000-0000-4000-8000-0000000000f1', '2025-12-01');
const DEC = ['2025-12-01', '2025-12-31'] as const;
const JAN = ['2026-01-01', '2026-01-31'] as const;
const FEB = ['2026-02-01', '2026-02-28'] as const;

interface Invoice {
  number: string;
  period: string;
  issued: string;
  syncOn: string;
  lines: ReconLineSpec[];
}
const INVOICES: Invoice[] = [
  {
    number: 'G000001212',
    period: '2025-12',
    issued: '2026-01-07',
    syncOn: '2026-01-08',
    lines: [C_BP.cycle(...DEC, 10, '20.00'), F_BA.cycle(...DEC, 5, '6.00')],
  },
  {
    number: 'G000002601',
    period: '2026-01',
    issued: '2026-02-07',
    syncOn: '2026-02-08',
    lines: [
      C_BP.cycle(...JAN, 10, '20.00'),
      ...C_BP.change('2026-01-15', JAN[1], 10, 12, '20.00'),
      F_BA.cycle(...JAN, 5, '6.00'),
    ],
  },
  {
    number: 'G000002602',
    period: '2026-02',
    issued: '2026-03-07',
    syncOn: '2026-03-08',
    lines: [
      C_BP.cycle(...FEB, 12, '20.00'),
      ...C_BP.change('2026-02-10', FEB[1], 12, 11, '20.00', 'removeQuantity'),
      F_BA.cycle(...FEB, 5, '6.00'),
      ...F_BA.change('2026-02-20', FEB[1], 5, 7, '6.00'),
    ],
  },
];
const PRICES = [
  { offer: BUSINESS_PREMIUM, cost: '20.00', erp: '23.10' },
  { offer: BASIC, cost: '6.00', erp: '7.20', end: '2026-02-14' },
  { offer: BASIC, cost: '6.00', erp: '7.80', start: '2026-02-15' },
];
const SYNC_START = '2025-12-01';
const FABRIKAM_COMPANY = 600;
const FABRIKAM_CONTRACT = 500;

type Key = 'contoso' | 'fabrikam';
const KEYS: readonly Key[] = ['contoso', 'fabrikam'];
const CUSTOMER: Record<Key, CustomerSpec> = { contoso: CONTOSO, fabrikam: FABRIKAM };
const OFFER: Record<Key, OfferSpec> = { contoso: BUSINESS_PREMIUM, fabrikam: BASIC };
const CONTRACT: Record<Key, number> = { contoso: IDS.contract, fabrikam: FABRIKAM_CONTRACT };
const COMPANY: Record<Key, number> = { contoso: IDS.company, fabrikam: FABRIKAM_COMPANY };
const sku = (o: OfferSpec) => `${o.productId}:${o.skuId}`;
const dim = (period: string) => daysInMonth(Number(period.slice(0, 4)), Number(period.slice(5, 7)));
const halfUp = (d: Decimal) => d.round(2, 1);
const lastDayOf = (period: string) => addDays(addMonths(parsePlainDate(`${period}-01`), 1), -1);

/** The list retail of a contract period: the price on its first day (R-8: never prorated inside a period). */
function retailOf(offer: OfferSpec, period: string): Decimal {
  if (offer === BASIC) return dec(`${period}-01` < '2026-02-15' ? '7.20' : '7.80');
  return dec('23.10');
}

/** What the invoices synced so far say, computed here from the lines (spec §6: signed quantities per day). */
class Model {
  readonly synced: Invoice[] = [];
  seats(k: Key, day: string): number {
    return this.synced
      .flatMap((i) => i.lines)
      .filter((l) => l.customer === CUSTOMER[k] && l.chargeStart <= day && day <= l.chargeEnd)
      .reduce((n, l) => n + (l.reversal ? -l.quantity : l.quantity), 0);
  }
  /** Seats per day x the period's retail / days of the month, summed over the month. */
  billed(k: Key, period: string): Decimal {
    let sum = ZERO;
    for (const day of eachDay(`${period}-01`, lastDayOf(period)))
      sum = sum.plus(dec(this.seats(k, day)).times(retailOf(OFFER[k], period)));
    return sum.div(dec(dim(period)));
  }
}

// ------------------------------------------------------------------------------------------ the UI's actions

/**
 * What the web app does (web/src pages and features, the routes they call) and the CLI command that does the
 * same (README "Command line"), or null when none was found in `billsync --help`. `probe`: what the command path
 * of an equivalent would contain (checked against the whole command tree, so a command added later closes it).
 */
interface UiAction {
  ui: string;
  api: string;
  cli: string[] | null;
  probe?: RegExp;
}
const UI_ACTIONS: UiAction[] = [
  {
    ui: 'Connections page: the PSA cards with their state and reason',
    api: 'GET /api/connections',
    cli: null,
    probe: /^(connections?( list| show| status)?|connect (list|status|show))$/,
  },
  {
    ui: 'Connect Autotask (Save: store and test)',
    api: 'POST /api/connections/autotask/test',
    cli: ['connect', 'autotask'],
  },
  {
    ui: 'Test the credentials as entered, saving nothing',
    api: 'POST /api/connections/{kind}/check',
    cli: null,
    probe: /^(connect (check|test)|connections? (check|test))/,
  },
  {
    ui: 'Test the saved connection',
    api: 'POST /api/connections/{kind}/test (no body)',
    cli: null,
    probe: /^(connect test|connections? test)/,
  },
  {
    ui: 'Microsoft CSP source card: status',
    api: 'GET /api/connections/partner-center/status',
    cli: ['source', 'status'],
  },
  {
    ui: 'Microsoft CSP source card: Pull now',
    api: 'POST /api/connections/partner-center/pull',
    cli: ['source', 'pull'],
  },
  {
    ui: 'Microsoft CSP source card: save the Partner Center app credentials',
    api: 'PUT /api/connections/partner-center',
    cli: ['connect', 'partner-center'],
    probe: /^(connect partner-center|source (connect|set))/,
  },
  {
    ui: 'Program settings: options (billing codes, vendors)',
    api: 'GET /api/programs/{t}/options',
    cli: ['program', 'options'],
  },
  { ui: 'Program settings: show', api: 'GET /api/programs/{t}', cli: ['program', 'show'] },
  { ui: 'Program settings: save', api: 'PUT /api/programs/{t}', cli: ['program', 'set'] },
  { ui: 'Sources: upload a price list', api: 'POST /api/sources/uploads', cli: ['import', 'pricelist'] },
  {
    ui: 'Sources: upload an invoice / usage file',
    api: 'POST /api/sources/uploads',
    cli: ['import', 'invoice'],
  },
  {
    ui: 'Sources: the import history',
    api: 'GET /api/sources/imports',
    cli: null,
    probe: /^(imports|import (list|history)|sources? (imports|history))/,
  },
  {
    ui: 'Customers table (search, sort, paging, suggestions)',
    api: 'GET /api/customers',
    cli: ['customers'],
  },
  {
    ui: 'Mapping dialog: search PSA companies',
    api: 'GET /api/psa/{t}/companies',
    cli: null,
    probe: /^(companies|psa companies|psa)/,
  },
  {
    ui: "Mapping dialog: a company's contracts (ended ones hidden and counted)",
    api: 'GET /api/psa/{t}/companies/{id}/contracts',
    cli: null,
    probe: /^(contracts|psa contracts|psa)/,
  },
  {
    ui: 'Mapping dialog: the sync start hint (which invoices a date includes)',
    api: 'GET /api/customers/{id}/invoices',
    cli: null,
    probe: /^(customers? (invoices|show)|invoices)/,
  },
  {
    ui: 'Mapping dialog: does the contract already bill these products (shadow pre-selection)',
    api: 'GET /api/customers/{id}/contract-check',
    cli: ['contract-check'],
    probe: /^(customers? check|contract-check|map check)/,
  },
  { ui: 'Mapping dialog: SAVE', api: 'PUT /api/customers/{id}/mapping', cli: ['map'] },
  { ui: 'Clear mapping', api: 'DELETE /api/customers/{id}/mapping', cli: ['unmap'] },
  {
    ui: 'Confirm suggested matches (several at once)',
    api: 'POST /api/customers/suggestions/confirm',
    cli: ['suggestions'],
    probe: /^(customers? (confirm|suggestions)|suggestions|map --suggested)/,
  },
  { ui: 'Products tab: preview', api: 'POST /api/sync/{t}/products/preview', cli: ['sync', 'products'] },
  { ui: 'Products tab: Adopt on a collision', api: 'POST /api/sync/{t}/adopt', cli: ['adopt'] },
  { ui: 'Customer sync preview', api: 'POST /api/sync/{t}/customers/preview', cli: ['sync', 'customers'] },
  { ui: 'SAVE AND SYNC NOW / Sync now', api: 'POST /api/jobs/sync-customer', cli: ['jobs', 'enqueue'] },
  { ui: 'History: runs with filters', api: 'GET /api/runs', cli: ['runs'] },
  { ui: 'Run page: items, changes, money delta', api: 'GET /api/runs/{id}', cli: ['run', 'show'] },
  { ui: 'Run page: Apply', api: 'POST /api/runs/{id}/approve', cli: ['run', 'approve'] },
  { ui: 'Run page: Reject', api: 'POST /api/runs/{id}/reject', cli: ['run', 'reject'] },
  { ui: 'Run page: Resume', api: 'POST /api/runs/{id}/resume', cli: ['run', 'resume'] },
  {
    ui: 'Reconciliation: the month, Refresh, a customer, leakage, timeline, export',
    api: 'GET /api/reconciliation*',
    cli: ['recon'],
  },
  {
    ui: 'Dashboard / customer page: the 12-month chart (cost, expected, billed, margin)',
    api: 'GET /api/reconciliation/chart',
    cli: ['recon'] /* --chart */,
    probe: /^(recon chart|chart|report)/,
  },
  {
    ui: 'Dashboard: Customers and Products cards (last successful sync, latest run counts)',
    api: 'GET /api/reports/overview',
    cli: ['overview'],
    probe: /^(overview|dashboard|report|status)$/,
  },
  { ui: 'Notifications: the bell', api: 'GET /api/notifications', cli: ['notifications', 'list'] },
  {
    ui: 'Notifications: mark read / read all',
    api: 'POST /api/notifications/{id}/read',
    cli: ['notifications', 'read'],
  },
  { ui: 'Price rules: list', api: 'GET /api/price-rules', cli: ['rules', 'list'] },
  { ui: 'Price rules: add', api: 'POST /api/price-rules', cli: ['rules', 'add'] },
  { ui: 'Price rules: remove', api: 'DELETE /api/price-rules/{id}', cli: ['rules', 'remove'] },
  { ui: 'Price rules: live price preview', api: 'GET /api/price-rules/preview', cli: ['rules', 'preview'] },
  { ui: "Price rules: next month's effect", api: 'POST /api/price-rules/effect', cli: ['rules', 'effect'] },
  {
    ui: 'Price rules: find a SKU by name (the SKU picker)',
    api: 'GET /api/price-rules/skus',
    cli: null,
    probe: /^(rules skus|skus|offers|products)/,
  },
  { ui: 'Customer rows: Queued / Running (the job queue)', api: 'GET /api/jobs', cli: ['jobs', 'list'] },
  { ui: 'Schedule (daily check)', api: 'GET|PUT /api/schedule', cli: ['schedule'] },
  { ui: 'Setup / users: add a user', api: 'POST /api/users', cli: ['user', 'create'] },
  {
    ui: 'Users of the workspace (admin)',
    api: 'GET /api/users',
    cli: null,
    probe: /^(users|user list)/,
  },
  { ui: 'Settings: the workspace', api: 'GET /api/workspace', cli: ['workspace', 'list'] },
];

/** Every command of the CLI as its path, with the command itself. */
function commandTree(): { path: string[]; cmd: Command }[] {
  const out: { path: string[]; cmd: Command }[] = [];
  const walk = (cmd: Command, path: string[]) => {
    for (const sub of cmd.commands) {
      const p = [...path, sub.name()];
      out.push({ path: p, cmd: sub });
      walk(sub, p);
    }
  };
  walk(buildProgram(), []);
  return out;
}

// ------------------------------------------------------------------------------------------ helpers

/** A mutable clock for the HTTP app: "today" follows the routine's as-of day. */
function stepClock(): Clock & { set(day: string): void } {
  let day = '2026-01-08';
  return {
    now: () => `${day}T12:00:00.000Z`,
    today: () => parsePlainDate(day),
    set(d: string) {
      day = d;
    },
  };
}

/** Drops keys that differ by construction between two runs of the same thing (ids, instants, who, the cache). */
function stripVolatile(v: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(v)) return v.map((x) => stripVolatile(x, keys));
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !keys.has(k))
        .map(([k, x]) => [k, stripVolatile(x, keys)]),
    );
  return v;
}
const RUN_VOLATILE = new Set([
  'id',
  'runId',
  'createdAt',
  'startedAt',
  'finishedAt',
  'updatedAt',
  'createdBy',
  'trigger',
  'actor',
]);
const READ_VOLATILE = new Set(['computedAt', 'psaCalls']);

interface RunLine {
  label: string;
  action: string;
  status: string;
  messages: { level: string; text: string }[];
}
interface RunDetailDoc {
  id: string;
  status: string;
  lines: RunLine[];
  [k: string]: unknown;
}
interface ErrorDoc {
  error: { code: string; message: string };
}

// ------------------------------------------------------------------------------------------ the audit

describe('spec §9: a CLI for everything the UI does, with --json, over three months on Autotask', () => {
  const model = new Model();
  const clock = stepClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'billsync-audit-cli-parity-'));
  const allowLocal = process.env[ALLOW_LOCAL_ENV];
  /** Every `--json` output that was not exactly one JSON document: the command and what it printed. */
  const notJson: string[] = [];
  let s: CliScenario;
  let app: FastifyInstance;
  let pool: Pool;
  let agentOf: { day: string; agent: Agent } | undefined;
  let asOf = '2026-01-08';

  beforeAll(async () => {
    process.env[ALLOW_LOCAL_ENV] = '1';
    s = await createCliScenario({
      now: '2026-01-08T09:00:00Z',
      seed: { extraCustomers: 1 },
      editSeed: (seed) => {
        const fab = seed.Companies.find((c) => c.id === FABRIKAM_COMPANY);
        if (fab) fab.companyName = 'Fabrikam Inc';
      },
      inProcess: true,
    });
    pool = createPool(s.db.url, 3);
    const env = {
      ...process.env,
      DATABASE_URL: s.db.url,
      BILLSYNC_DATA_DIR: dataDir,
      BILLSYNC_SECRET_KEY: 'ab'.repeat(32),
      AUTOTASK_DISCOVERY_URL: `${s.base}/ATServicesRest/`,
      AUTOTASK_SECRET: '',
      [ALLOW_LOCAL_ENV]: '1',
    };
    const config = loadConfig(env);
    const box = loadSecretBox(config);
    app = await buildApp(
      { config, pool, box, clock, openTarget: createTargetOpener({ pool, box, env }) },
      { logger: false },
    );
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await pool?.end();
    await s?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (allowLocal === undefined) delete process.env[ALLOW_LOCAL_ENV];
    else process.env[ALLOW_LOCAL_ENV] = allowLocal;
  });

  /** `billsync --json ARGS`: exit code, the one JSON document on stdout (recorded when it is not), stderr. */
  async function cli<T = unknown>(...args: string[]): Promise<{ code: number; doc: T; stderr: string }> {
    const res = await s.run('--json', ...args);
    let doc: T;
    try {
      doc = JSON.parse(res.stdout) as T;
    } catch {
      notJson.push(
        `billsync --json ${args.join(' ')} (exit ${res.code}): stdout ${JSON.stringify(res.stdout)}`,
      );
      doc = undefined as T;
    }
    return { code: res.code, doc, stderr: res.stderr };
  }
  /** `billsync --json ARGS` that must succeed (exit 0). */
  async function ok<T = unknown>(...args: string[]): Promise<T> {
    const r = await cli<T>(...args);
    expect(r.code, `billsync --json ${args.join(' ')}: ${r.stderr} ${JSON.stringify(r.doc)}`).toBe(0);
    return r.doc;
  }

  /** A signed-in agent of the web's API (signed in again when the app's day moved: sessions last 12 hours). */
  async function agent(): Promise<Agent> {
    if (agentOf?.day !== asOf)
      agentOf = { day: asOf, agent: await login(app, 'admin@msp.example', 'correct horse 1') };
    return agentOf.agent;
  }
  async function api<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<T> {
    const res = await (await agent()).request(method, url, body);
    expect(res.status, `${method} ${url}: ${JSON.stringify(res.json)}`).toBeLessThan(300);
    return res.json as T;
  }
  const get = <T = unknown>(url: string) => api<T>('GET', url);

  /** The scenario's environment for a spawned `billsync` (the same database, key and PSA). */
  const scenarioEnv = () => ({
    DATABASE_URL: s.db.url,
    BILLSYNC_DATA_DIR: join(s.dir, 'data'),
    BILLSYNC_SECRET_KEY: 'ab'.repeat(32),
    AUTOTASK_DISCOVERY_URL: `${s.base}/ATServicesRest/`,
    AUTOTASK_SECRET: '',
    LOG_LEVEL: 'warn',
  });

  function setDay(day: string): void {
    asOf = day;
    clock.set(day);
    s.setClock(`${day}T09:00:00Z`);
  }

  /** The PSA, read back: units per day = the invoices' seats per day; each month billed = seats x retail. */
  async function expectPsaMatchesInvoices(label: string): Promise<void> {
    const through = lastDayOf(model.synced.at(-1)!.period);
    for (const k of KEYS) {
      const lines = await s.readback.contractServices(CONTRACT[k]);
      const line = lines.find((l) => l.serviceName === `PC_${sku(OFFER[k])}`);
      expect(line, `${label} ${k}: a contract line of PC_${sku(OFFER[k])}`).toBeDefined();
      const segments = await s.readback.unitSegments(line!.id);
      const days = eachDay(SYNC_START, through);
      const units = (day: string) =>
        Number((segments.find((x) => x.start <= day && day <= x.end)?.units ?? ZERO).toFixed());
      expect
        .soft(dayRuns(days.map((d) => [d, units(d)])), `${label} ${k}: units per day`)
        .toBe(dayRuns(days.map((d) => [d, model.seats(k, d)])));
      for (const inv of model.synced) {
        const bill = await s.readback.billedPerMonth(CONTRACT[k], inv.period);
        expect
          .soft(halfUp(bill.total).toFixed(2), `${label} ${k}: ${inv.period} billed`)
          .toBe(halfUp(model.billed(k, inv.period)).toFixed(2));
      }
    }
  }

  /** A re-run writes nothing: exit 0, every run No Change with 0 writes, no write request reached the PSA. */
  async function expectRerunWritesNothing(label: string): Promise<void> {
    const before = s.writes();
    const again = await cli<CliRun[]>('sync', 'customers', '--as-of', asOf);
    expect(again.code, `${label}: re-run exit ${again.stderr}`).toBe(0);
    expect(again.doc.map((r) => [r.customerName, r.status, r.writes]).sort(), `${label}: re-run`).toEqual(
      KEYS.map((k) => [CUSTOMER[k].name, 'no_change', 0]).sort(),
    );
    expect(s.writes(), `${label}: PSA writes on a re-run`).toBe(before);
  }

  /** `billsync --json run show ID` is what `GET /api/runs/ID` answers, field for field. */
  async function expectRunAgrees(runId: string): Promise<RunDetailDoc> {
    const shown = await ok<RunDetailDoc>('run', 'show', runId);
    expect(shown, `run show ${runId} vs GET /api/runs/${runId}`).toEqual(await get(`/api/runs/${runId}`));
    return shown;
  }

  /** `billsync --json runs` is `GET /api/runs` (same page, same order, same fields). */
  async function expectRunsAgree(filter: { cli: string[]; query: string }): Promise<unknown[]> {
    const runs = await ok<unknown[]>('runs', '--limit', '200', ...filter.cli);
    const page = await get<{ items: unknown[] }>(`/api/runs?limit=200${filter.query}`);
    expect(runs, `runs ${filter.cli.join(' ')} vs GET /api/runs?${filter.query}`).toEqual(page.items);
    return runs;
  }

  /** `billsync --json recon` views vs the API's (the PSA reading's time and request count aside). */
  async function expectReconAgrees(period: string): Promise<void> {
    const flags = ['--period', period, '--as-of', asOf];
    const month = await ok('recon', ...flags);
    expect(stripVolatile(month, READ_VOLATILE), `recon ${period}`).toEqual(
      stripVolatile(await get(`/api/reconciliation?target=autotask&period=${period}`), READ_VOLATILE),
    );
    const leakage = await ok('recon', '--leakage', ...flags);
    expect(stripVolatile(leakage, READ_VOLATILE), `recon --leakage ${period}`).toEqual(
      stripVolatile(await get(`/api/reconciliation/leakage?target=autotask&period=${period}`), READ_VOLATILE),
    );
    for (const k of KEYS) {
      const t = CUSTOMER[k].tenantId;
      const customer = await ok<{ offers: { offerKey: string; billed: string; cost: string }[] }>(
        'recon',
        '--customer',
        CUSTOMER[k].name,
        ...flags,
      );
      expect(stripVolatile(customer, READ_VOLATILE), `recon --customer ${k} ${period}`).toEqual(
        stripVolatile(
          await get(`/api/reconciliation/customer?target=autotask&tenantId=${t}&period=${period}`),
          READ_VOLATILE,
        ),
      );
      // The figures themselves: what the PSA bills for the offer's month is the invoices' seats x retail.
      const offer = customer.offers.find((o) => o.offerKey.startsWith(`${OFFER[k].productId}|`));
      expect(offer?.billed, `recon --customer ${k} ${period}: billed`).toBe(
        halfUp(model.billed(k, period)).toFixed(2),
      );
      const timeline = await ok('recon', '--customer', t, '--timeline', offer!.offerKey, '--as-of', asOf);
      expect(stripVolatile(timeline, READ_VOLATILE), `recon --timeline ${k}`).toEqual(
        stripVolatile(
          await get(
            `/api/reconciliation/timeline?target=autotask&tenantId=${t}&offerKey=${encodeURIComponent(offer!.offerKey)}`,
          ),
          READ_VOLATILE,
        ),
      );
    }
  }

  async function importInvoice(inv: Invoice): Promise<Record<string, unknown>> {
    const path = reconFile(s.dir, inv.number, inv.lines);
    return ok<Record<string, unknown>>('import', 'invoice', path);
  }

  const byCustomer = (runs: readonly CliRun[], k: Key) =>
    runs.find((r) => r.tenantId === CUSTOMER[k].tenantId);

  // ------------------------------------------------------------------------------------------ the tests

  it('every UI action with a CLI command: `--help` of each command lists all its options', async () => {
    const tree = commandTree();
    const paths = new Set(tree.map((t) => t.path.join(' ')));
    for (const a of UI_ACTIONS.filter((x) => x.cli))
      expect.soft(paths.has(a.cli!.join(' ')), `${a.ui}: billsync ${a.cli!.join(' ')}`).toBe(true);
    for (const { path, cmd } of tree) {
      const res = await s.run(...path, '--help');
      const label = `billsync ${path.join(' ')} --help`;
      expect.soft(res.code, `${label} exit`).toBe(0);
      expect.soft(res.stdout, `${label}: usage line`).toContain(`Usage: billsync ${path.join(' ')}`);
      for (const o of cmd.options) expect.soft(res.stdout, `${label} lists ${o.flags}`).toContain(o.flags);
      for (const sub of cmd.commands)
        expect.soft(res.stdout, `${label} lists the subcommand ${sub.name()}`).toContain(sub.name());
    }
    // The global --json is offered by the top level help.
    const top = await s.run('--help');
    expect(top.stdout).toContain('--json');
  }, 120_000);

  // Product gap (spec §9): fails while any UI action has no CLI command; the message lists them.
  it('finding: UI actions without a CLI equivalent (spec §9 "a CLI for everything the UI does")', () => {
    const paths = commandTree().map((t) => t.path.join(' '));
    const missing = UI_ACTIONS.filter((a) => a.cli === null && !paths.some((p) => a.probe!.test(p))).map(
      (a) => `${a.ui} (${a.api})`,
    );
    expect(missing, `UI actions with no CLI command:\n${missing.join('\n')}`).toEqual([]);
  });

  it('December (synced 8 Jan): set-up, import, map, preview and sync through the CLI; every --json is the API', async () => {
    setDay(INVOICES[0]!.syncOn);
    // The first user creates the workspace (the web's setup); the API lists the same user and workspace.
    const user = await ok<{ id: string; email: string; role: string; workspaceId: string }>(
      ...[
        'user',
        'create',
        '--email',
        'admin@msp.example',
        '--password',
        'correct horse 1',
        '--role',
        'admin',
      ],
    );
    const users = await get<{ items: { id: string; email: string; role: string }[] }>('/api/users');
    expect(users.items.map((u) => [u.id, u.email, u.role])).toEqual([[user.id, user.email, user.role]]);
    const workspaces = await ok<{ id: string; name: string }[]>('workspace', 'list');
    const ws = await get<{ id: string; name: string }>('/api/workspace');
    expect(workspaces).toEqual([{ id: ws.id, name: ws.name }]);
    expect(user.workspaceId).toBe(ws.id);

    // Connect Autotask: tested, secrets never printed, the same connection as the Connections page shows.
    const connected = await ok<{ ok: boolean; status: string; connection: { id: string; kind: string } }>(
      ...['connect', 'autotask', '--username', CREDS.userName, '--secret', CREDS.secret],
      ...['--integration-code', CREDS.integrationCode],
    );
    expect(connected).toMatchObject({ ok: true, status: 'needs_setup' });
    expect(JSON.stringify(connected)).not.toContain(CREDS.secret);
    const conns = await get<{ items: { kind: string }[] }>('/api/connections');
    expect(connected.connection).toEqual(conns.items.find((c) => c.kind === 'autotask'));

    // Program options and settings.
    const options = await ok('program', 'options');
    expect(options, 'program options vs GET /api/programs/autotask/options').toEqual(
      await get('/api/programs/autotask/options'),
    );
    const saved = await ok<Record<string, unknown>>(
      ...[
        'program',
        'set',
        '--sync',
        'on',
        '--billing-code',
        String(IDS.code),
        '--vendor',
        String(IDS.vendor),
      ],
      ...['--emails', 'billing@msp.example'],
    );
    const shown = await ok<Record<string, unknown>>('program', 'show');
    expect(shown, 'program show vs GET /api/programs/autotask').toEqual(await get('/api/programs/autotask'));
    expect({ ...saved, warnings: undefined }).toEqual({ ...shown, warnings: undefined });
    expect(shown).toMatchObject({ configured: true });

    // Imports: the counts; the import history (API) lists the CLI's imports with the same counts.
    const prices = await ok<{ created: number; rows: number }>(
      'import',
      'pricelist',
      priceListFile(s.dir, PRICES),
    );
    expect(prices).toMatchObject({ created: 3, rows: 3, errors: [] });
    const imported = await importInvoice(INVOICES[0]!);
    expect(imported).toMatchObject({
      invoiceId: INVOICES[0]!.number,
      billingPeriod: '2025-12',
      issueDate: INVOICES[0]!.issued,
      rows: 2,
      customers: { created: 2 },
      errors: [],
    });
    const history = await get<{ items: Record<string, unknown>[] }>('/api/sources/imports?limit=50&offset=0');
    expect(history.items.length, JSON.stringify(history.items)).toBe(2);

    // Customers: the table and its suggestions, as the API gives them; the suggestions name the right companies.
    const customers = await ok<{ tenantId: string; suggestion: { companyId: string } | null }[]>('customers');
    const page = await get<{ items: unknown[] }>('/api/customers?target=autotask&suggest=1&limit=500');
    expect(customers, 'customers vs GET /api/customers?suggest=1').toEqual(page.items);
    for (const k of KEYS)
      expect
        .soft(
          customers.find((c) => c.tenantId === CUSTOMER[k].tenantId)?.suggestion?.companyId,
          `${k} suggestion`,
        )
        .toBe(String(COMPANY[k]));
    const review = await get<{ items: { tenantId: string; companyId?: string }[] }>(
      '/api/customers/suggestions?target=autotask',
    );
    expect(review.items.length, JSON.stringify(review)).toBe(2);

    // Map both (sync start 1 Dec 2025: the December invoice, issued 7 Jan, is synced).
    for (const k of KEYS) {
      const mapped = await ok<{ tenantId: string; syncStart: string; syncOn: boolean }>(
        ...['map', CUSTOMER[k].name, '--company', String(COMPANY[k]), '--contract', String(CONTRACT[k])],
        ...['--start', SYNC_START, '--sync', 'on'],
      );
      expect(mapped).toMatchObject({ syncStart: SYNC_START, syncOn: true });
      expect(mapped, `map ${k} vs GET /api/customers/{id}`).toEqual(
        await get(`/api/customers/${CUSTOMER[k].tenantId}?target=autotask`),
      );
      // The mapping dialog's hint: the December invoice is included by the sync start.
      const invoices = await get<{ items: { id: string; issueDate: string; synced: boolean }[] }>(
        `/api/customers/${CUSTOMER[k].tenantId}/invoices?target=autotask`,
      );
      expect(invoices.items.map((i) => [i.id, i.issueDate, i.synced])).toEqual([
        [INVOICES[0]!.number, INVOICES[0]!.issued, false],
      ]);
    }

    // Product sync preview: the CLI's plan is the API's plan; R-6: nothing written.
    const writes0 = s.writes();
    const productPreview = await cli<CliRun[]>('sync', 'products', '--preview', '--as-of', asOf);
    expect(productPreview.code).toBe(0);
    expect(s.writes(), 'a product preview writes nothing').toBe(writes0);
    const apiProductPreview = await api<{ runId: string }>('POST', '/api/sync/autotask/products/preview', {
      asOf,
    });
    const cliPlan = await expectRunAgrees(productPreview.doc[0]!.runId);
    const apiPlan = await get<RunDetailDoc>(`/api/runs/${apiProductPreview.runId}`);
    expect(stripVolatile(cliPlan, RUN_VOLATILE), 'product preview: CLI plan vs API plan').toEqual(
      stripVolatile(apiPlan, RUN_VOLATILE),
    );
    expect(cliPlan.lines.map((l) => [l.label, l.action]).sort()).toEqual(
      [`PC_${sku(BUSINESS_PREMIUM)}`, `PC_${sku(BASIC)}`].map((n) => [n, 'create']),
    );

    // Product sync.
    const products = await cli<CliRun[]>('sync', 'products', '--as-of', asOf);
    expect(products.code, products.stderr).toBe(0);
    expect(products.doc.map((r) => [r.kind, r.status])).toEqual([['product', 'success']]);
    await expectRunAgrees(products.doc[0]!.runId);

    // Customer sync preview: the same plan from the CLI and the API; nothing written.
    const writes1 = s.writes();
    const preview = await cli<CliRun[]>('sync', 'customers', '--preview', '--as-of', asOf);
    expect(preview.code, preview.stderr).toBe(0);
    expect(s.writes(), 'a customer preview writes nothing').toBe(writes1);
    const apiPreview = await api<{ items: CliRun[] }>('POST', '/api/sync/autotask/customers/preview', {
      asOf,
    });
    for (const k of KEYS) {
      const mine = byCustomer(preview.doc, k)!;
      const theirs = byCustomer(apiPreview.items, k)!;
      expect(stripVolatile(mine, RUN_VOLATILE), `customer preview ${k}: summary`).toEqual(
        stripVolatile(theirs, RUN_VOLATILE),
      );
      const plan = await expectRunAgrees(mine.runId);
      expect(stripVolatile(plan, RUN_VOLATILE), `customer preview ${k}: plan`).toEqual(
        stripVolatile(await get(`/api/runs/${theirs.runId}`), RUN_VOLATILE),
      );
    }

    // The sync: both Success (exit 0), every run as the API shows it; the PSA carries the December seats.
    const run = await cli<CliRun[]>('sync', 'customers', '--as-of', asOf);
    expect(run.code, run.stderr).toBe(0);
    expect(run.doc.map((r) => [r.customerName, r.status]).sort()).toEqual([
      [CONTOSO.name, 'success'],
      [FABRIKAM.name, 'success'],
    ]);
    model.synced.push(INVOICES[0]!);
    for (const r of run.doc) await expectRunAgrees(r.runId);
    await expectRunsAgree({ cli: [], query: '' });
    await expectRunsAgree({
      cli: ['--kind', 'customer', '--status', 'success'],
      query: '&kind=customer&status=success',
    });
    await expectRunsAgree({ cli: ['--customer', CONTOSO.name], query: `&customer=${CONTOSO.tenantId}` });
    await expectPsaMatchesInvoices('December');
    await expectReconAgrees('2025-12');

    // A re-run in human form: the table on stdout, the progress on stderr, nothing written.
    const writes2 = s.writes();
    const human = await s.run('sync', 'customers', '--as-of', asOf);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('No Change');
    expect(human.stdout).not.toMatch(/Syncing|customer\(s\)\.\.\./);
    expect(human.stderr, 'progress on stderr').toContain(`Syncing every customer with sync on as of ${asOf}`);
    expect(human.stderr, 'progress per customer on stderr').toMatch(/2\/2 customer\(s\)/);
    expect(s.writes()).toBe(writes2);
    await expectRerunWritesNothing('December');
  }, 240_000);

  it('bad input: a clear message saying what to do, a non-zero exit (as the README says), nothing stored', async () => {
    const runsBefore = await get<{ items: unknown[] }>('/api/runs?limit=500');
    const customersBefore = await get('/api/customers?target=autotask&limit=500');
    const importsBefore = await get<{ items: unknown[] }>('/api/sources/imports?limit=50&offset=0');
    const writes = s.writes();

    const expectError = async (args: string[], exit: number, message: RegExp) => {
      const r = await cli<ErrorDoc>(...args);
      const label = `billsync --json ${args.join(' ')}`;
      expect.soft(r.code, `${label}: exit`).toBe(exit);
      expect.soft(r.doc?.error?.message, `${label}: message`).toMatch(message);
      return r;
    };
    // Unknown customer: exit 1 (an error), names it and says where to look.
    const unknown = /No customer matches "Nobody Ltd".*billsync customers/;
    await expectError(
      ['map', 'Nobody Ltd', '--company', '300', '--contract', '400', '--sync', 'on'],
      1,
      unknown,
    );
    await expectError(['sync', 'customers', '--customer', 'Nobody Ltd', '--as-of', asOf], 1, unknown);
    await expectError(
      ['sync', 'customers', '--customer', 'Nobody Ltd', '--preview', '--as-of', asOf],
      1,
      unknown,
    );
    await expectError(['recon', '--customer', 'Nobody Ltd', '--as-of', asOf], 1, unknown);
    await expectError(['unmap', 'Nobody Ltd'], 1, unknown);
    await expectError(
      ['rules', 'preview', '--sku', sku(BASIC), '--customer', 'Nobody Ltd', '--as-of', asOf],
      1,
      /Nobody Ltd/,
    );
    // Bad dates and periods: usage errors (exit 2) naming the flag and the format.
    const contosoMap = [
      'map',
      CONTOSO.name,
      '--company',
      String(IDS.company),
      '--contract',
      String(IDS.contract),
    ];
    await expectError([...contosoMap, '--start', '2026-13-01', '--sync', 'on'], 2, /--start.*YYYY-MM-DD/);
    await expectError(['sync', 'customers', '--as-of', '2026-02-30'], 2, /--as-of.*YYYY-MM-DD/);
    await expectError(['sync', 'products', '--as-of', 'yesterday'], 2, /--as-of.*YYYY-MM-DD/);
    await expectError(['recon', '--period', '2026-13'], 2, /--period.*YYYY-MM/);
    await expectError(
      ['import', 'invoice', join(s.dir, `${INVOICES[0]!.number}.csv`), '--issued', '7 Jan'],
      2,
      /--issued.*YYYY-MM-DD/,
    );
    // A contract that is not the company's, an ended one: refused with the reason, the mapping kept.
    await expectError(
      [...contosoMap.slice(0, 4), '--contract', String(IDS.endedContract), '--sync', 'on'],
      1,
      /end/i,
    );
    // A missing file and a malformed one: exit 1, the row and column named, nothing from it stored.
    await expectError(['import', 'invoice', join(s.dir, 'no-such-file.csv')], 1, /No such file/);
    const good = readFileSync(reconFile(s.dir, 'G000009999', INVOICES[1]!.lines, 'malformed.csv'), 'utf8');
    const rows = good.split('\n');
    rows[2] = rows[2]!.replace(/\b1\/15\/2026\b/, '2026-01-32').replace(/\b1\/1\/2026\b/, 'not a date');
    writeFileSync(join(s.dir, 'malformed.csv'), rows.join('\n'));
    const bad = await cli<{ created: number; errors: { row?: number; column?: string; message?: string }[] }>(
      'import',
      'invoice',
      join(s.dir, 'malformed.csv'),
    );
    expect.soft(bad.code, 'malformed file: exit 1').toBe(1);
    expect.soft(bad.doc?.created).toBe(0);
    expect.soft(bad.doc?.errors?.[0], JSON.stringify(bad.doc)).toMatchObject({ row: expect.any(Number) });
    expect.soft(bad.stderr, 'malformed file: what happened').toMatch(/row \d+/i);
    expect
      .soft(bad.stderr, 'malformed file: nothing stored')
      .toMatch(/Nothing from .*malformed\.csv was stored/);
    // Wrong credentials: exit 1, the reason and what to do (README: the connection is saved, red, with it).
    const wrong = await cli<{ ok: boolean; status: string; message: string }>(
      ...['connect', 'autotask', '--username', CREDS.userName, '--secret', 'not-the-secret'],
      ...['--integration-code', CREDS.integrationCode],
    );
    expect.soft(wrong.code, 'wrong credentials: exit').toBe(1);
    expect
      .soft(wrong.doc, 'wrong credentials: the test result')
      .toMatchObject({ ok: false, status: 'error' });
    expect
      .soft(wrong.doc?.message, 'wrong credentials: the reason')
      .toMatch(/credential|secret|user|401|rejected/i);
    expect
      .soft(wrong.stderr, 'wrong credentials: what to do')
      .toMatch(/fix the credentials and connect again/);
    const red = await get<{ items: { kind: string; status: string }[] }>('/api/connections');
    expect.soft(red.items.find((c) => c.kind === 'autotask')?.status).toBe('error');
    await ok(
      ...['connect', 'autotask', '--username', CREDS.userName, '--secret', CREDS.secret],
      ...['--integration-code', CREDS.integrationCode],
    );

    // Nothing stored by any of it: no run, no mapping change, no import, no PSA write.
    expect(s.writes(), 'PSA writes').toBe(writes);
    expect((await get<{ items: unknown[] }>('/api/runs?limit=500')).items).toEqual(runsBefore.items);
    expect(await get('/api/customers?target=autotask&limit=500')).toEqual(customersBefore);
    const importsAfter = await get<{ items: { status?: string; outcome?: string }[] }>(
      '/api/sources/imports?limit=50&offset=0',
    );
    const stored = importsAfter.items.slice(0, importsAfter.items.length - importsBefore.items.length);
    expect(JSON.stringify(stored), 'a failed import stores no invoice').not.toMatch(
      /"(imported|replaced|created)"/,
    );
    const invoices = await get<{ items: { id: string }[] }>(
      `/api/customers/${CONTOSO.tenantId}/invoices?target=autotask`,
    );
    expect(invoices.items.map((i) => i.id)).toEqual([INVOICES[0]!.number]);
    await expectRerunWritesNothing('after bad input');
  }, 240_000);

  // Found by this audit: `rules add --from/--to` passed malformed dates to the service (validation_failed, exit 1);
  // they are now checked as every command's date flags (exit 2).
  it('exit codes: a malformed date is a usage error (exit 2) in every command, as `--start` and `--as-of` are', async () => {
    const before = await get<{ items: unknown[] }>('/api/price-rules');
    for (const args of [
      ['rules', 'add', '--markup', '10', '--from', '01/03/2026'],
      ['rules', 'add', '--markup', '10', '--to', '2026-02-30'],
      ['rules', 'effect', '--markup', '10', '--from', '01/03/2026'],
    ]) {
      const r = await cli<ErrorDoc>(...args, '--as-of', asOf);
      expect.soft(r.code, `billsync --json ${args.join(' ')}: ${JSON.stringify(r.doc)}`).toBe(2);
      expect.soft(r.doc?.error?.message, args.join(' ')).toMatch(/--from|--to|validFrom|validTo|date/i);
    }
    expect(await get('/api/price-rules'), 'nothing stored').toEqual(before);
  });

  it('a name that matches no customer in `billsync runs --customer` says so (exit non-zero), not an empty list', async () => {
    const r = await cli<ErrorDoc | unknown[]>('runs', '--customer', 'Nobody Ltd');
    expect.soft(r.code, `runs --customer "Nobody Ltd": ${JSON.stringify(r.doc)}`).not.toBe(0);
    expect((r.doc as ErrorDoc)?.error?.message).toMatch(/No customer matches "Nobody Ltd"/);
  });

  it('January (synced 8 Feb): a write rate limited for 1 h: the CLI must not sit silent; `run resume` finishes the run', async () => {
    setDay(INVOICES[1]!.syncOn);
    await importInvoice(INVOICES[1]!);
    const products = await cli<CliRun[]>('sync', 'products', '--as-of', asOf);
    expect(products.code, products.stderr).toBe(0);
    // Autotask answers the first adjustment with 429 and Retry-After: 1 hour (longer than billsync waits itself).
    const fault = await fetch(`${s.base}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: '429', method: 'POST', path: '**/ServiceAdjustments', retryAfter: 3600 }),
    });
    const faultBody = await fault.text();
    expect(fault.status, faultBody).toBeLessThan(300);
    const { id: faultId } = (JSON.parse(faultBody) as { faults: { id: string }[] }).faults[0]!;
    const faultHit = async () => {
      const res = await fetch(`${s.base}/_emulator/faults`);
      const body = (await res.json()) as { faults: { id: string; hits: number }[] };
      return (body.faults.find((f) => f.id === faultId)?.hits ?? 0) > 0;
    };

    // The real command (spawned): once the 429 came it does not wait out the hour, it ends with an Error run to
    // resume (spec §7). The test waits for it to exit (a condition, bounded only by the test's own timeout).
    const child = spawn(process.execPath, [BIN, 'sync', 'customers', '--as-of', asOf], {
      env: { ...process.env, ...scenarioEnv() },
      stdio: 'pipe',
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(await faultHit(), 'the 429 reached billsync').toBe(true);
    expect(code, `after the 429 (Retry-After 1 h): stderr ${JSON.stringify(stderr)}`).toBe(1);
    // Its database session (and the customer's advisory lock) went with it.
    await waitFor('the process to release its locks', async () => {
      const { rows } = await pool.query<{ n: number }>(
        "select count(*)::int as n from pg_locks l join pg_database d on d.oid = l.database where l.locktype = 'advisory' and d.datname = current_database()",
      );
      return rows[0]!.n === 0;
    });
    const open = await get<{ items: { id: string; tenantId: string | null; status: string }[] }>(
      '/api/runs?limit=50&kind=customer',
    );
    const left = open.items.filter((r) => ['running', 'interrupted', 'error'].includes(r.status));
    expect(
      left.map((r) => r.tenantId),
      `runs left open ${stdout}`,
    ).toContain(CONTOSO.tenantId);
    for (const r of left) await expectRunAgrees(r.id);
    await expectRunsAgree({ cli: ['--status', 'running'], query: '&status=running' });

    // `billsync run resume`: the write in flight is checked in the PSA first, then sent once; exit 0.
    for (const r of left) {
      const resumed = await cli<CliRun[]>('run', 'resume', r.id);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.doc.map((x) => [x.runId, x.status])).toEqual([
        [r.id, r.tenantId === CONTOSO.tenantId ? 'success' : 'no_change'],
      ]);
      await expectRunAgrees(r.id);
    }
    const contosoRun = left.find((r) => r.tenantId === CONTOSO.tenantId)!;
    model.synced.push(INVOICES[1]!);
    // Fabrikam was not reached (or was No Change): a sync brings every customer up to date.
    const rest = await cli<CliRun[]>('sync', 'customers', '--as-of', asOf);
    expect(rest.code, rest.stderr).toBe(0);
    await expectPsaMatchesInvoices('January');
    await expectReconAgrees('2026-01');
    await expectRerunWritesNothing('January');
    // Resuming a finished run again: refused with the reason, nothing written.
    const writes = s.writes();
    const again = await cli<ErrorDoc | CliRun[]>('run', 'resume', contosoRun.id);
    expect.soft(again.code, `resume a finished run: ${JSON.stringify(again.doc)}`).not.toBe(0);
    expect(s.writes()).toBe(writes);
  }, 240_000);

  it('February (synced 8 Mar): plans over the approval threshold wait (exit 2); approve / reject; R-8 warning exit 2', async () => {
    setDay(INVOICES[2]!.syncOn);
    const program = await ok<Record<string, unknown>>('program', 'set', '--approval-threshold', '5');
    expect(program).toMatchObject({ settings: { approvalThresholdPercent: 5 } });
    expect(await ok('program', 'show')).toEqual(await get('/api/programs/autotask'));
    await importInvoice(INVOICES[2]!);
    expect((await cli('sync', 'products', '--as-of', asOf)).code).toBe(0);

    const writes = s.writes();
    const held = await cli<CliRun[]>('sync', 'customers', '--as-of', asOf);
    expect(held.code, `waiting for approval: exit 2 ${held.stderr}`).toBe(2);
    expect(held.doc.map((r) => [r.customerName, r.status]).sort()).toEqual([
      [CONTOSO.name, 'awaiting_approval'],
      [FABRIKAM.name, 'awaiting_approval'],
    ]);
    expect(s.writes(), 'a plan waiting for approval writes nothing').toBe(writes);
    for (const r of held.doc) await expectRunAgrees(r.runId);
    await expectRunsAgree({ cli: ['--status', 'awaiting approval'], query: '&status=awaiting_approval' });

    // Apply Contoso's (exit 0, Success), reject Fabrikam's (Rejected, nothing written for it).
    const approved = await cli<CliRun[]>('run', 'approve', byCustomer(held.doc, 'contoso')!.runId);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.doc.map((r) => r.status)).toEqual(['success']);
    const rejected = await cli<CliRun[]>('run', 'reject', byCustomer(held.doc, 'fabrikam')!.runId);
    expect(rejected.code, rejected.stderr).toBe(0);
    expect(rejected.doc.map((r) => r.status)).toEqual(['rejected']);
    for (const r of held.doc) await expectRunAgrees(r.runId);

    // Without the threshold, Fabrikam syncs: R-8's warning (the Basic retail changed on 15 Feb), exit 2.
    await ok('program', 'set', '--approval-threshold', 'none');
    const run = await cli<CliRun[]>('sync', 'customers', '--as-of', asOf);
    expect(run.code, `finished with warnings: exit 2 ${run.stderr}`).toBe(2);
    expect(run.doc.map((r) => [r.customerName, r.status]).sort()).toEqual([
      [CONTOSO.name, 'no_change'],
      [FABRIKAM.name, 'warning'],
    ]);
    const fab = await expectRunAgrees(byCustomer(run.doc, 'fabrikam')!.runId);
    expect(
      fab.lines.flatMap((l) => l.messages.filter((m) => m.level === 'warning').map((m) => m.text)),
    ).toEqual(['Subscription retail unit price changed from 7.20 to 7.80 on 15 Feb 2026']);
    model.synced.push(INVOICES[2]!);
    await expectPsaMatchesInvoices('February');
    for (const p of ['2025-12', '2026-01', '2026-02']) await expectReconAgrees(p);
    await expectRerunWritesNothing('February');

    // The 12-month chart: each month the figures `billsync recon` gives for it; `recon --chart` is the same.
    const chart = await get<{ months: { period: string; cost: string; billed: string; expected: string }[] }>(
      '/api/reconciliation/chart?target=autotask',
    );
    expect(chart.months.length).toBe(12);
    expect(await ok('recon', '--chart')).toEqual(chart);
    // The dashboard's cards: `billsync overview` is GET /api/reports/overview.
    expect(await ok('overview')).toEqual(await get('/api/reports/overview?target=autotask'));
    for (const p of ['2025-12', '2026-01', '2026-02']) {
      const month = await ok<{ totals: { cost: string; billed: string; expected: string } }>(
        ...['recon', '--period', p, '--as-of', asOf],
      );
      expect(
        chart.months.find((m) => m.period === p),
        `chart ${p}`,
      ).toMatchObject({
        cost: month.totals.cost,
        billed: month.totals.billed,
        expected: month.totals.expected,
      });
      expect(month.totals.billed, `${p}: billed`).toBe(
        KEYS.reduce((t, k) => t.plus(halfUp(model.billed(k, p))), ZERO).toFixed(2),
      );
    }
  }, 240_000);

  // Found by this audit: the mapping's warnings went to notes that --json silences; warnings now go to stderr always.
  it('`map --json` carries what the mapping save warns about, as PUT /api/customers/{id}/mapping does', async () => {
    // A strategy change after synced invoices applies from the month after the last one (decision 0006): said.
    const said = /The new pricing strategy applies from 01 Mar 2026/;
    const fab = [
      'map',
      FABRIKAM.name,
      '--company',
      String(FABRIKAM_COMPANY),
      '--contract',
      String(FABRIKAM_CONTRACT),
    ];
    const cliSave = await cli<Record<string, unknown>>(...fab, '--strategy', 'cost-only', '--sync', 'on');
    expect(cliSave.code, cliSave.stderr).toBe(0);
    const apiSave = await api<{ customer: unknown; warnings: string[] }>(
      'PUT',
      `/api/customers/${FABRIKAM.tenantId}/mapping?target=autotask`,
      {
        companyId: String(FABRIKAM_COMPANY),
        contractId: String(FABRIKAM_CONTRACT),
        strategy: 'cost-and-retail',
        syncOn: true,
      },
    );
    expect(apiSave.warnings.join(' | '), 'the API says it').toMatch(said);
    expect
      .soft(`${JSON.stringify(cliSave.doc)} ${cliSave.stderr}`, 'billsync --json map: the warning is nowhere')
      .toMatch(said);
    await expectRerunWritesNothing('after the strategy changes');
  }, 120_000);

  it('notifications and the outbox (after the worker noticed the runs with warnings or errors): CLI = API', async () => {
    // What a worker's tick does for every run with warnings or errors that has no notice yet.
    const runs = await get<{ items: { id: string; status: string }[] }>('/api/runs?limit=500');
    const ws = (await get<{ id: string }>('/api/workspace')).id as WorkspaceId;
    const mailer = { configured: false, describe: 'none', send: async () => {}, close: () => {} };
    for (const r of runs.items.filter((x) => x.status === 'warning' || x.status === 'error'))
      await notifyRun({ pool, mailer, publicUrl: 'http://billsync.example' }, ws, r.id);

    const list = await ok<{ unread: number; items: { id: string }[] }>('notifications');
    const apiList = await get<{ unread: number; items: unknown[] }>('/api/notifications?limit=50');
    expect(list, 'notifications vs GET /api/notifications').toEqual(apiList);
    expect(list.unread).toBeGreaterThan(0);
    const outbox = await ok<unknown[]>('notifications', 'outbox');
    const apiOutbox = await get<{ items: unknown[] } | unknown[]>('/api/outbox?limit=50');
    expect(outbox, 'notifications outbox vs GET /api/outbox').toEqual(
      Array.isArray(apiOutbox) ? apiOutbox : apiOutbox.items,
    );
    const one = await ok<{ unread: number }>('notifications', 'read', list.items[0]!.id);
    expect(one.unread).toBe(list.unread - 1);
    const all = await ok<{ unread: number }>('notifications', 'read', 'all');
    expect(all.unread).toBe(0);
    expect((await get<{ unread: number }>('/api/notifications')).unread).toBe(0);
    const unknown = await cli<ErrorDoc>('notifications', 'read', '00000000-0000-4000-8000-000000000000');
    expect.soft(unknown.code, 'reading an unknown notification').not.toBe(0);
  }, 120_000);

  it('price rules: add, list, preview, effect and remove through the CLI agree with the API', async () => {
    const add = [
      'rules',
      'add',
      '--sku',
      sku(BASIC),
      '--markup',
      '50',
      '--from',
      '2026-04-01',
      '--as-of',
      asOf,
    ];
    const effect = await ok<Record<string, unknown>>('rules', 'effect', ...add.slice(2));
    const apiEffect = await api('POST', '/api/price-rules/effect', {
      add: {
        offers: { kind: 'sku', sku: sku(BASIC) },
        basis: 'cost',
        method: 'markup',
        value: '50',
        rounding: 'cent',
        validFrom: '2026-04-01',
        position: 0,
      },
    });
    expect(effect, 'rules effect vs POST /api/price-rules/effect').toEqual(apiEffect);
    const rule = await ok<{ id: string }>(...add);
    const list = await ok<unknown[]>('rules', 'list');
    expect(list, 'rules list vs GET /api/price-rules').toEqual(
      (await get<{ items: unknown[] }>('/api/price-rules')).items,
    );
    const preview = await ok<{ offers: { price: string }[] }>(
      ...['rules', 'preview', '--sku', sku(BASIC), '--customer', FABRIKAM.name, '--date', '2026-04-01'],
      ...['--as-of', asOf],
    );
    expect(preview, 'rules preview vs GET /api/price-rules/preview').toEqual(
      await get(`/api/price-rules/preview?sku=${sku(BASIC)}&customer=${FABRIKAM.tenantId}&date=2026-04-01`),
    );
    // 6.00 x 1.5 = 9.00 from April (Fabrikam's Basic).
    expect(preview.offers.map((o) => o.price)).toEqual(['9.00']);
    const removed = await ok<{ id: string; outcome: string }>('rules', 'remove', rule.id, '--as-of', asOf);
    expect(removed).toMatchObject({ id: rule.id, outcome: 'deleted' });
    expect((await get<{ items: unknown[] }>('/api/price-rules')).items).toEqual([]);
    const gone = await cli<ErrorDoc>('rules', 'remove', rule.id, '--as-of', asOf);
    expect.soft(gone.code).toBe(1);
    expect.soft(gone.doc?.error?.message).toMatch(/rule/i);
    await expectRerunWritesNothing('after price rules');
  }, 120_000);

  it('schedule, jobs, users and the workspace: CLI = API; bad values refused, nothing stored', async () => {
    expect(await ok('schedule'), 'schedule vs GET /api/schedule').toEqual(await get('/api/schedule'));
    const set = await ok<{ hour: number; timeZone: string; enabled: boolean }>(
      ...['schedule', '--hour', '7', '--time-zone', 'Europe/Berlin', '--enabled', 'on'],
    );
    expect(set).toMatchObject({ hour: 7, timeZone: 'Europe/Berlin', enabled: true });
    expect(await get('/api/schedule')).toEqual(set);
    const badZone = await cli<ErrorDoc>('schedule', '--time-zone', 'Mars/Olympus_Mons');
    expect.soft(badZone.code, 'a bad time zone').not.toBe(0);
    expect.soft(badZone.doc?.error?.message).toMatch(/time zone|Mars/i);
    const badHour = await cli<ErrorDoc>('schedule', '--hour', '24');
    expect.soft(badHour.code).toBe(2);
    expect.soft(badHour.doc?.error?.message).toMatch(/--hour/);
    expect(await get('/api/schedule'), 'a refused schedule change stores nothing').toEqual(set);

    // A second user (operator); a bad role and a duplicate are refused; the API lists the same users.
    const op = await ok<{ id: string; email: string; role: string }>(
      ...[
        'user',
        'create',
        '--email',
        'ops@msp.example',
        '--password',
        'another long pass 7',
        '--role',
        'operator',
      ],
    );
    expect(op).toMatchObject({ email: 'ops@msp.example', role: 'operator' });
    const badRole = await cli<ErrorDoc>(
      ...[
        'user',
        'create',
        '--email',
        'x@msp.example',
        '--password',
        'another long pass 8',
        '--role',
        'boss',
      ],
    );
    expect.soft(badRole.code).toBe(2);
    expect.soft(badRole.doc?.error?.message).toMatch(/--role must be one of/);
    const dup = await cli<ErrorDoc>(
      ...['user', 'create', '--email', 'ops@msp.example', '--password', 'another long pass 9'],
    );
    expect.soft(dup.code, 'a duplicate user').not.toBe(0);
    expect.soft(dup.doc?.error?.message).toMatch(/already|exists|taken/i);
    const users = await get<{ items: { email: string }[] }>('/api/users');
    expect(users.items.map((u) => u.email).sort()).toEqual(['admin@msp.example', 'ops@msp.example']);

    // SAVE AND SYNC NOW from the CLI: a queued sync-customer job, as the API lists it.
    const queued = await ok<{ tenantId: string; jobId: string }[]>(
      ...['jobs', 'enqueue', 'sync-customer', '--customer', CONTOSO.name, '--as-of', asOf],
    );
    expect(queued).toEqual([{ tenantId: CONTOSO.tenantId, jobId: expect.any(String), alreadyQueued: false }]);
    const jobs = await ok<unknown[] | { items: unknown[] }>('jobs', 'list');
    const apiJobs = await get<{ items: unknown[] }>('/api/jobs?limit=100');
    expect(Array.isArray(jobs) ? jobs : jobs.items, 'jobs vs GET /api/jobs').toEqual(apiJobs.items);
    expect(JSON.stringify(apiJobs.items), 'the queued job in GET /api/jobs').toContain(queued[0]!.jobId);
  }, 120_000);

  it('the real `billsync --json` command (spawned) prints one JSON document and nothing else on stdout', async () => {
    const writes = s.writes();
    const res = await runCli(['--json', 'sync', 'customers', '--as-of', asOf], {
      ...scenarioEnv(),
      LOG_LEVEL: 'info',
    });
    expect(res.code, res.stderr).toBe(0);
    let doc: CliRun[] | undefined;
    expect(() => {
      doc = JSON.parse(res.stdout) as CliRun[];
    }, `stdout: ${res.stdout}`).not.toThrow();
    expect(doc?.map((r) => r.status)).toEqual(['no_change', 'no_change']);
    expect(s.writes()).toBe(writes);
  }, 120_000);

  it('every --json output of the routine was exactly one JSON document', () => {
    expect(notJson).toEqual([]);
  });
});
