import { execFile } from 'node:child_process';
import {
  closeSync,
  createReadStream,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { WorkspaceId } from '../src/core/ids';
import type { BillingPeriod } from '../src/core/time';
import { encodeLine } from '../src/db/repos/source-data/line-rows';
import { insertWorkspace } from '../src/db/repos/workspaces';
import { type Database, openDatabase } from '../src/runtime/database';
import { writeLines } from '../src/sources/partner-center/demo/csv-text';
import { generateDemoData } from '../src/sources/partner-center/demo/generate';
import { parseReconBatches } from '../src/sources/partner-center/files/recon-file';
import { importInvoiceFile } from '../src/sources/partner-center/import';

/** Targets of issue 14: parse + store at >= 0.8 x a plain COPY of the same file, peak RSS <= 300 MB. */
export const IMPORT_TARGET_RATIO = 0.8;
export const IMPORT_TARGET_RSS_MB = 300;

export interface ImportBenchResult {
  rows: number;
  fileMegabytes: number;
  rounds: number;
  parseRowsPerSecond: number;
  /** The floor: a plain COPY of the raw CSV into an unindexed table of as many text columns. */
  copyRowsPerSecond: number;
  /** Informational: the stored rows, parsed and encoded up front, COPYed into a twin of invoice_lines. */
  tableRowsPerSecond: number;
  /** billsync's import of the file as a new invoice (parse, check, store lines and customers, record). */
  storeRowsPerSecond: number;
  /** The same file again: nothing changes. */
  reimportRowsPerSecond: number;
  /** storeRowsPerSecond / copyRowsPerSecond. */
  ratio: number;
  /** Peak RSS of one import of the file in a process of its own. */
  peakRssMegabytes: number;
  big:
    | { rows: number; fileMegabytes: number; storeRowsPerSecond: number; peakRssMegabytes: number }
    | undefined;
  database: 'embedded' | 'external';
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * A recon file of `rows` lines: the lines of one demo month (25 customers), repeated block after block with
 * other tenant and subscription ids, streamed to disk. Every block brings new customers, so the 100k-line file
 * names about 27,000 tenants (a stress case for the customer merge; an MSP's real file names fewer).
 */
export async function writeBigReconFile(path: string, rows: number): Promise<void> {
  const demo = generateDemoData({ months: 1, customers: 25, seed: 7, endPeriod: '2025-07' as BillingPeriod });
  const recon = demo.files.find((f) => f.name.startsWith('invoice-'))!;
  const [header, ...template] = recon.lines;
  const partnerId = demo.partner.id;
  // Each template line split around the ids that change per block: [text, id, text, id, ..., text].
  const pieces = template.map((line) => {
    const out: string[] = [];
    let last = 0;
    for (const m of line.matchAll(GUID)) {
      if (m[0] === partnerId) continue;
      out.push(line.slice(last, m.index), m[0].slice(0, 30));
      last = m.index + m[0].length;
    }
    out.push(line.slice(last));
    return out;
  });
  async function* lines(): AsyncGenerator<string> {
    yield header!;
    for (let n = 0, block = 0; n < rows; block++) {
      const suffix = block.toString(16).padStart(6, '0');
      let chunk = '';
      for (const parts of pieces) {
        if (n >= rows) break;
        for (let i = 0; i < parts.length; i++) chunk += i % 2 === 1 ? `${parts[i]}${suffix}` : parts[i];
        n++;
      }
      yield chunk;
    }
  }
  await writeLines(path, lines());
}

/** A database for the benchmark: a fresh one on TEST_DATABASE_URL / DATABASE_URL when set, else embedded. */
async function benchDatabase(
  dir: string,
): Promise<{ db: Database; external: boolean; dispose(): Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!url) {
    const db = await openDatabase({ dataDir: join(dir, 'pg'), databaseUrl: undefined });
    return { db, external: false, dispose: () => db.close() };
  }
  const name = `billsync_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  const db = await openDatabase({ dataDir: dir, databaseUrl: target.toString() });
  return {
    db,
    external: true,
    async dispose() {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Columns of the file's header row (the demo's header has no quoted commas). */
function headerColumns(file: string): number {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(1 << 14);
    const n = readSync(fd, head, 0, head.length, 0);
    return head.toString('utf8', 0, n).split(/\r?\n/)[0]!.split(',').length;
  } finally {
    closeSync(fd);
  }
}

const perSecond = (rows: number, ms: number) => Math.round((rows / ms) * 1000);
const grouped = (n: number) => n.toLocaleString('en-US');
const run = promisify(execFile);

/** Writes what is dirty now, so a checkpoint does not land inside one measurement and not the other. */
async function checkpoint(db: Database): Promise<void> {
  await db.pool.query('checkpoint').catch(() => {});
}

/**
 * The floor: the file's raw CSV streamed by COPY (csv, header) into a plain table with one text column per CSV
 * column and no index, on a connection of the same pool. Nothing is parsed, typed, checked or indexed: the
 * database's own pace for this file.
 */
async function copyFloor(db: Database, file: string, table: string): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query(`truncate ${table}`);
    await pipeline(
      createReadStream(file, { highWaterMark: 1 << 16 }),
      client.query(copyFrom(`copy ${table} from stdin with (format csv, header true)`)),
    );
  } finally {
    client.release();
  }
}

/**
 * The stored rows of the file as COPY text (what the import sends for `invoice_lines`, for one workspace), written
 * once before the rounds: the input of the table floor.
 */
async function writeStoredRows(file: string, out: string, ws: string): Promise<void> {
  async function* rows(): AsyncGenerator<string> {
    const input = createReadStream(file, { highWaterMark: 1 << 16 });
    for await (const batch of parseReconBatches(input, 'bench.csv')) {
      yield batch.map((l) => `${ws}\t${l.invoiceId}\t${encodeLine(l)}\n`).join('');
    }
  }
  await writeLines(out, rows());
}

/**
 * The table floor (informational, not the target's floor): the rows billsync stores, already parsed and encoded,
 * streamed by COPY into an empty twin of `invoice_lines` (same typed columns, primary key and customer index).
 * What Postgres alone needs to store these lines; parse + store can at best approach it.
 */
async function copyTableFloor(db: Database, rowsFile: string, table: string): Promise<void> {
  const client = await db.pool.connect();
  try {
    await client.query(`truncate ${table}`);
    await client.query('begin');
    await client.query('set local synchronous_commit = off');
    await pipeline(
      createReadStream(rowsFile, { highWaterMark: 1 << 16 }),
      client.query(copyFrom(`copy ${table} from stdin`)),
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The parser alone, in the batches the import reads (a few hundred lines per chunk of the file). */
async function parseOnly(file: string, rows: number): Promise<void> {
  let parsed = 0;
  const input = createReadStream(file, { highWaterMark: 1 << 16 });
  for await (const batch of parseReconBatches(input, 'bench.csv')) parsed += batch.length;
  if (parsed !== rows) throw new Error(`parsed ${parsed} rows, expected ${rows}`);
}

/** What one measured operation cost: wall time, and CPU in this process and in the database's backends. */
interface Cost {
  ms: number;
  nodeCpuMs: number;
  /** undefined when the database's processes cannot be read (Postgres on another machine). */
  pgCpuMs: number | undefined;
}

/**
 * CPU time of the database's backends (this database's connections), per pid, read from /proc: the wall-clock
 * ratio depends on what else the machine runs, the CPU each side spends does not. undefined when Postgres runs
 * elsewhere or /proc cannot be read.
 */
async function backendCpu(db: Database): Promise<Map<number, number> | undefined> {
  const res = await db.pool.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database()',
  );
  const out = new Map<number, number>();
  for (const { pid } of res.rows) {
    try {
      // Fields after the command name: state is the 1st, utime the 12th and stime the 13th (clock ticks).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS);
    } catch {
      return undefined;
    }
  }
  return out;
}

/** USER_HZ of Linux on every architecture Node supports. */
const CLOCK_TICKS = 100;

async function measure(db: Database, fn: () => Promise<unknown>): Promise<Cost> {
  await checkpoint(db);
  const pg0 = await backendCpu(db);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pg1 = await backendCpu(db);
  let pgCpuMs: number | undefined;
  if (pg0 && pg1) {
    // Per backend: one that started during the operation counts from zero, one that ended is not known.
    pgCpuMs = 0;
    for (const [pid, after] of pg1) pgCpuMs += after - (pg0.get(pid) ?? 0);
  }
  return { ms, nodeCpuMs: (cpu.user + cpu.system) / 1000, pgCpuMs };
}

/** The cheapest of several runs: what the machine can do when the other processes leave it alone. */
function cheapest(costs: Cost[]): Cost {
  const pg = costs.map((c) => c.pgCpuMs);
  return {
    ms: Math.min(...costs.map((c) => c.ms)),
    nodeCpuMs: Math.min(...costs.map((c) => c.nodeCpuMs)),
    pgCpuMs: pg.every((v) => v !== undefined) ? Math.min(...(pg as number[])) : undefined,
  };
}

/** Imports `file` in a child process (same tsx loader), returning its time and peak RSS. */
async function importInChild(
  url: string,
  ws: WorkspaceId,
  file: string,
): Promise<{ ms: number; maxRssMb: number }> {
  const script = fileURLToPath(new URL('./import-child.ts', import.meta.url));
  const { stdout } = await run(process.execPath, [...process.execArgv, script, url, ws, file], {
    maxBuffer: 1 << 20,
  });
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number; maxRssMb: number };
  return result;
}

/**
 * Import benchmark (issue 14): for one generated recon file, parse only, a plain COPY of the raw CSV (the floor)
 * and billsync's import (parse + store, as a new invoice, then again unchanged), in the same database,
 * interleaved over `rounds` rounds, best of each. Prints rows/s, the ratio store/COPY against its 0.8 target,
 * the CPU each side spent (node and postgres, independent of the machine's load) and the peak RSS of an import
 * in a process of its own; then imports a big file (BENCH_IMPORT_BIG_ROWS lines, default 1,000,000; 0 skips it)
 * the same way, to show that memory does not grow with the file.
 */
export async function benchImport(
  options: { rows?: number; bigRows?: number; rounds?: number; log?: (line: string) => void } = {},
): Promise<ImportBenchResult> {
  const rows = options.rows ?? 100_000;
  const bigRows = options.bigRows ?? Number(process.env.BENCH_IMPORT_BIG_ROWS ?? 1_000_000);
  const rounds = options.rounds ?? Number(process.env.BENCH_IMPORT_ROUNDS ?? 3);
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = mkdtempSync(join(tmpdir(), 'billsync-bench-'));
  try {
    const file = join(dir, 'invoice-2025-07.csv');
    await writeBigReconFile(file, rows);
    const fileMegabytes = statSync(file).size / 1024 / 1024;
    const columns = headerColumns(file);

    const { db, external, dispose } = await benchDatabase(dir);
    try {
      const floorTable = 'bench_copy_floor';
      await db.pool.query(
        `create table ${floorTable} (${Array.from({ length: columns }, (_, i) => `c${i + 1} text`).join(', ')})`,
      );
      const tableFloor = 'bench_table_floor';
      await db.pool.query(`create table ${tableFloor} (like invoice_lines including all)`);
      const rowsFile = join(dir, 'stored-rows.copy');
      await writeStoredRows(file, rowsFile, '00000000-0000-4000-8000-000000000000');
      log(
        `import: recon file of ${grouped(rows)} lines, ${fileMegabytes.toFixed(1)} MB, ${columns} columns; ` +
          `${rounds} rounds, best of each (${external ? 'external' : 'embedded'} Postgres)`,
      );
      const costs: Record<'parse' | 'copy' | 'table' | 'store' | 'reimport', Cost[]> = {
        parse: [],
        copy: [],
        table: [],
        store: [],
        reimport: [],
      };
      for (let round = 0; round < rounds; round++) {
        costs.parse.push(await measure(db, () => parseOnly(file, rows)));
        costs.copy.push(await measure(db, () => copyFloor(db, file, floorTable)));
        costs.table.push(await measure(db, () => copyTableFloor(db, rowsFile, tableFloor)));
        // A new workspace each round: the file is a new invoice there (every line created).
        const ws = (await insertWorkspace(db.pool, `bench ${round}`)).id as WorkspaceId;
        let created = 0;
        costs.store.push(
          await measure(db, async () => {
            created = (await importInvoiceFile(db.pool, ws, file)).created;
          }),
        );
        if (created !== rows) throw new Error(`the import created ${created} lines, expected ${rows}`);
        let unchanged = 0;
        costs.reimport.push(
          await measure(db, async () => {
            unchanged = (await importInvoiceFile(db.pool, ws, file)).unchanged;
          }),
        );
        if (unchanged !== rows)
          throw new Error(`the re-import found ${unchanged} lines unchanged, expected ${rows}`);
      }
      const best = {
        parse: cheapest(costs.parse),
        copy: cheapest(costs.copy),
        table: cheapest(costs.table),
        store: cheapest(costs.store),
        reimport: cheapest(costs.reimport),
      };
      const parseRowsPerSecond = perSecond(rows, best.parse.ms);
      const copyRowsPerSecond = perSecond(rows, best.copy.ms);
      const tableRowsPerSecond = perSecond(rows, best.table.ms);
      const storeRowsPerSecond = perSecond(rows, best.store.ms);
      const reimportRowsPerSecond = perSecond(rows, best.reimport.ms);
      const ratio = storeRowsPerSecond / copyRowsPerSecond;
      const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');
      const line = (label: string, value: string, note = '') =>
        log(`  ${label.padEnd(24)}${value.padStart(16)}${note}`);
      const cpu = (c: Cost) =>
        `  cpu: node ${c.nodeCpuMs.toFixed(0)} ms` +
        (c.pgCpuMs === undefined ? '' : ` + postgres ${c.pgCpuMs.toFixed(0)} ms`);
      line(
        'parse only',
        `${grouped(parseRowsPerSecond)} rows/s`,
        cpu(best.parse).replace(/ \+ postgres.*/, ''),
      );
      line(
        'COPY (floor)',
        `${grouped(copyRowsPerSecond)} rows/s`,
        `${cpu(best.copy)} (raw CSV, text, no index)`,
      );
      line(
        'parse + store',
        `${grouped(storeRowsPerSecond)} rows/s`,
        `  = ${ratio.toFixed(2)} x COPY (target >= ${IMPORT_TARGET_RATIO}) ${verdict(ratio >= IMPORT_TARGET_RATIO)}` +
          cpu(best.store),
      );
      line(
        'COPY into the table',
        `${grouped(tableRowsPerSecond)} rows/s`,
        `${cpu(best.table)} (rows as stored, typed, keys; parse + store = ` +
          `${(storeRowsPerSecond / tableRowsPerSecond).toFixed(2)} x; informational)`,
      );
      line('re-import, unchanged', `${grouped(reimportRowsPerSecond)} rows/s`, cpu(best.reimport));
      if (best.copy.pgCpuMs !== undefined && best.store.pgCpuMs !== undefined) {
        const floorCpu = best.copy.nodeCpuMs + best.copy.pgCpuMs;
        const storeCpu = best.store.nodeCpuMs + best.store.pgCpuMs;
        line(
          'CPU ratio COPY / store',
          `${(floorCpu / storeCpu).toFixed(2)}`,
          '  (node + postgres; load-independent)',
        );
      }

      // Peak RSS of an import alone (a child process; tsx included), for this file and a big one.
      const wsRss = (await insertWorkspace(db.pool, 'bench rss')).id as WorkspaceId;
      const alone = await importInChild(db.url, wsRss, file);
      const peakRssMegabytes = alone.maxRssMb;
      line(
        'peak RSS of an import',
        `${peakRssMegabytes.toFixed(0)} MB`,
        `  (target <= ${IMPORT_TARGET_RSS_MB} MB) ${verdict(peakRssMegabytes <= IMPORT_TARGET_RSS_MB)}`,
      );

      let big: ImportBenchResult['big'];
      if (bigRows > 0) {
        const bigFile = join(dir, 'invoice-2025-07-big.csv');
        await writeBigReconFile(bigFile, bigRows);
        const bigMegabytes = statSync(bigFile).size / 1024 / 1024;
        const ws = (await insertWorkspace(db.pool, 'bench big')).id as WorkspaceId;
        await checkpoint(db);
        const child = await importInChild(db.url, ws, bigFile);
        rmSync(bigFile, { force: true });
        big = {
          rows: bigRows,
          fileMegabytes: bigMegabytes,
          storeRowsPerSecond: perSecond(bigRows, child.ms),
          peakRssMegabytes: child.maxRssMb,
        };
        line(
          `${grouped(bigRows)} lines (${bigMegabytes.toFixed(0)} MB)`,
          `${grouped(big.storeRowsPerSecond)} rows/s`,
          `  parse + store; peak RSS ${big.peakRssMegabytes.toFixed(0)} MB ` +
            `(target <= ${IMPORT_TARGET_RSS_MB} MB) ${verdict(big.peakRssMegabytes <= IMPORT_TARGET_RSS_MB)}`,
        );
      }
      return {
        rows,
        fileMegabytes,
        rounds,
        parseRowsPerSecond,
        copyRowsPerSecond,
        tableRowsPerSecond,
        storeRowsPerSecond,
        reimportRowsPerSecond,
        ratio,
        peakRssMegabytes,
        big,
        database: external ? 'external' : 'embedded',
      };
    } finally {
      await dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
