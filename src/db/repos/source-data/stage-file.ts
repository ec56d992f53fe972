import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** Rows written to a temporary file, to be read back once (or thrown away). */
export interface StagedRows {
  read(): Readable;
  dispose(): void;
}

/**
 * Writes COPY text to a temporary file. Used when an invoice is imported again: its rows must be read to the end before
 * the content hash says whether anything changed, and writing them to disk is several times cheaper than loading
 * them into a Postgres staging table only to find (the usual case) that nothing did.
 */
export async function stageRows(chunks: AsyncIterable<string | Uint8Array>): Promise<StagedRows> {
  const dir = mkdtempSync(join(tmpdir(), 'billsync-stage-'));
  const path = join(dir, 'rows.copy');
  const readers: Readable[] = [];
  const dispose = () => {
    // A reader may still be opening the file (the COPY failed or returned early): close it quietly before the
    // file goes, or it would fail later with an unhandled ENOENT.
    for (const r of readers) {
      r.on('error', () => {});
      r.destroy();
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // The file opens in the background: a failure there (or a write's) is kept for the loop below, never left to
  // surface as an uncaught exception, which would end the process (a bad row often fails before the file is open,
  // and the directory is gone by the time the open runs).
  const out = createWriteStream(path);
  let failure: unknown;
  out.on('error', (error) => {
    failure ??= error;
  });
  try {
    for await (const chunk of chunks) {
      if (failure !== undefined) throw failure;
      if (!out.write(chunk)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'close');
    if (failure !== undefined) throw failure;
  } catch (error) {
    out.destroy();
    dispose();
    throw error;
  }
  return {
    read: () => {
      const r = createReadStream(path, { highWaterMark: 1 << 16 });
      readers.push(r);
      return r;
    },
    dispose,
  };
}
