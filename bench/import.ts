import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { WorkspaceId } from '../src/core/ids';
import type { BillingPeriod } from '../src/core/time';
import { insertWorkspace } from '../src/db/repos/workspaces';
import { type Database, openDatabase } from '../src/runtime/database';
import { writeLines } from '../src/sources/partner-center/demo/csv-text';
import { generateDemoData } from '../src/sources/partner-center/demo/generate';
import { parseReconFile } from '../src/sources/partner-center/files/recon-file';
import { importInvoiceFile } from '../src/sources/partner-center/import';

export interface ImportBenchResult {
  rows: number;
  fileMegabytes: number;
  parseRowsPerSecond: number;
  storeRowsPerSecond: number;
  reimportRowsPerSecond: number;
  peakRssMegabytes: number;
  database: 'embedded' | 'external';
}

/**
 * A recon file of `rows` lines: the license and Azure lines of one demo month, repeated with other tenant and
 * subscription ids (so the file looks like an MSP with ~1,600 customers), streamed to disk.
 */
async function writeBigReconFile(path: string, rows: number): Promise<void> {
  const demo = generateDemoData({ months: 1, customers: 25, seed: 7, endPeriod: '2025-07' as BillingPeriod });
  const recon = demo.files.find((f) => f.name.startsWith('invoice-'))!;
  const [header, ...template] = recon.lines;
  const ids = [
    ...new Set(
      template.flatMap((l) => l.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []),
    ),
  ];
  const partnerId = demo.partner.id;
  const variable = ids.filter((id) => id !== partnerId);
  async function* lines(): AsyncGenerator<string> {
    yield header!;
    for (let n = 0, block = 0; n < rows; block++) {
      const suffix = block.toString(16).padStart(6, '0');
      for (const line of template) {
        if (n >= rows) return;
        let out = line;
        for (const id of variable) out = out.replaceAll(id, `${id.slice(0, 30)}${suffix}`);
        yield out;
        n++;
      }
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

const perSecond = (rows: number, ms: number) => Math.round((rows / ms) * 1000);

/** Generates a 100k-line recon file, parses it, imports it (and again), and prints rows/s and peak RSS. */
export async function benchImport(
  options: { rows?: number; log?: (line: string) => void } = {},
): Promise<ImportBenchResult> {
  const rows = options.rows ?? 100_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const dir = mkdtempSync(join(tmpdir(), 'billsync-bench-'));
  try {
    const file = join(dir, 'invoice-2025-07.csv');
    await writeBigReconFile(file, rows);
    const fileMegabytes = statSync(file).size / 1024 / 1024;
    log(`recon file: ${rows} lines, ${fileMegabytes.toFixed(1)} MB`);

    let parsed = 0;
    const t0 = performance.now();
    for await (const _line of parseReconFile(createReadStream(file, { highWaterMark: 1 << 16 }), 'bench.csv'))
      parsed++;
    const parseMs = performance.now() - t0;
    if (parsed !== rows) throw new Error(`parsed ${parsed} rows, expected ${rows}`);
    log(`parse only:      ${perSecond(rows, parseMs)} rows/s (${(parseMs / 1000).toFixed(2)} s)`);

    const { db, external, dispose } = await benchDatabase(dir);
    try {
      const ws = (await insertWorkspace(db.pool, 'bench')).id as WorkspaceId;
      const t1 = performance.now();
      const first = await importInvoiceFile(db.pool, ws, file);
      const storeMs = performance.now() - t1;
      log(
        `parse + store:   ${perSecond(rows, storeMs)} rows/s (${(storeMs / 1000).toFixed(2)} s, ${first.created} created)`,
      );
      const t2 = performance.now();
      const again = await importInvoiceFile(db.pool, ws, file);
      const reimportMs = performance.now() - t2;
      log(
        `re-import:       ${perSecond(rows, reimportMs)} rows/s (${(reimportMs / 1000).toFixed(2)} s, ${again.unchanged} unchanged)`,
      );
      const peakRssMegabytes = process.resourceUsage().maxRSS / 1024;
      log(
        `peak RSS:        ${peakRssMegabytes.toFixed(0)} MB (${external ? 'external' : 'embedded'} Postgres)`,
      );
      return {
        rows,
        fileMegabytes,
        parseRowsPerSecond: perSecond(rows, parseMs),
        storeRowsPerSecond: perSecond(rows, storeMs),
        reimportRowsPerSecond: perSecond(rows, reimportMs),
        peakRssMegabytes,
        database: external ? 'external' : 'embedded',
      };
    } finally {
      await dispose();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
