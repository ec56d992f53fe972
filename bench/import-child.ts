/**
 * One file import in a process of its own, for the import benchmark (bench/import.ts): its peak RSS is the
 * import's alone, not that of the benchmark process that also generated files and ran other rounds.
 * Usage: import-child.ts <database url> <workspace id> <file>; prints one JSON line.
 */
import type { WorkspaceId } from '../src/core/ids';
import { createPool } from '../src/db/pool';
import { importInvoiceFile } from '../src/sources/partner-center/import';

const [url, ws, file] = process.argv.slice(2);
if (!url || !ws || !file) throw new Error('usage: import-child.ts <database url> <workspace id> <file>');
const pool = createPool(url, 2);
try {
  const t0 = performance.now();
  const result = await importInvoiceFile(pool, ws as WorkspaceId, file);
  const ms = performance.now() - t0;
  console.log(
    JSON.stringify({
      ms,
      rows: result.rows,
      created: result.created,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
} finally {
  await pool.end();
}
