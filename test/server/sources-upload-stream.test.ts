import { once } from 'node:events';
import { createReadStream, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { BillingPeriod } from '../../src/core/time';
import type { StagedUpload } from '../../src/server/uploads/upload-settings';
import { generateDemoData, writeDemoData } from '../../src/sources/partner-center/demo/generate';
import { setupAdmin } from '../support/app';
import { closing, newBoundary, partHead } from '../support/multipart';
import { createUploadTestApp, type UploadTestApp } from '../support/upload-app';

// Issue 13: a big upload is streamed to a temp file inside the data dir and imported from there, never held in
// memory. The proof is structural (no timing, no memory figures): the temp file grows while the request body is
// still being sent, it holds the whole file when the import starts, and it is gone after the answer.

const dir = mkdtempSync(join(tmpdir(), 'billsync-big-upload-'));
const demo = generateDemoData({ months: 1, customers: 1000, seed: 5, endPeriod: '2025-07' as BillingPeriod });
const NAME = 'azure-usage-2025-07.csv';
const path = join(dir, NAME);
let t: UploadTestApp;
let baseUrl: string;
const staged: { file: StagedUpload; size: number }[] = [];

beforeAll(async () => {
  await writeDemoData(dir, demo);
  t = await createUploadTestApp({
    onStaged: (file) => {
      staged.push({ file, size: statSync(file.path).size });
    },
  });
  baseUrl = await t.listen();
});
afterAll(async () => {
  await t?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The temp files of uploads under way: `<data dir>/uploads/upload-*\/<name>` with their sizes. */
function tempFiles(): { path: string; size: number }[] {
  const root = join(t.dataDir, 'uploads');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((d) =>
    readdirSync(join(root, d)).map((f) => ({
      path: join(root, d, f),
      size: statSync(join(root, d, f)).size,
    })),
  );
}

async function pipeRange(to: NodeJS.WritableStream, start: number, end: number): Promise<void> {
  const from = createReadStream(path, { start, end, highWaterMark: 1 << 16 });
  from.pipe(to, { end: false });
  await once(from, 'end');
}

it('streams a file of tens of MB to a temp file in the data dir and imports it from there', async () => {
  const size = statSync(path).size;
  expect(size).toBeGreaterThan(20 * 1024 * 1024);
  const admin = await setupAdmin(t.app);
  const boundary = newBoundary();
  const head = partHead(boundary, NAME);
  const tail = `\r\n${closing(boundary)}`;
  const req = httpRequest(`${baseUrl}/api/sources/uploads`, {
    method: 'POST',
    headers: {
      cookie: admin.cookie,
      'x-csrf-token': admin.csrf,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(Buffer.byteLength(head) + size + Buffer.byteLength(tail)),
    },
  });
  const answered = once(req, 'response');
  req.write(head);
  const half = Math.floor(size / 2);
  await pipeRange(req, 0, half - 1);

  // Half of the file is sent and the rest held back: the server is already writing it to disk.
  await expect.poll(() => tempFiles()[0]?.size ?? 0, { timeout: 20_000 }).toBeGreaterThan(0);
  const partial = tempFiles();
  expect(partial).toHaveLength(1);
  expect(partial[0]!.size).toBeLessThanOrEqual(half);
  expect(relative(t.dataDir, partial[0]!.path)).toMatch(/^uploads\/upload-\w+\/azure-usage-2025-07\.csv$/);

  await pipeRange(req, half, size - 1);
  req.end(tail);
  const [res] = (await answered) as [NodeJS.ReadableStream & { statusCode: number }];
  let text = '';
  for await (const chunk of res) text += chunk.toString();
  expect(res.statusCode, text).toBe(200);

  // When the import started, the whole file was on disk, inside the data dir; the import read it from there.
  expect(staged).toHaveLength(1);
  expect(staged[0]!.size).toBe(size);
  expect(staged[0]!.file).toMatchObject({ bytes: size, tooLarge: false, fileName: NAME });
  expect(staged[0]!.file.path.startsWith(join(t.dataDir, 'uploads'))).toBe(true);
  const body = JSON.parse(text);
  expect(body.files[0]).toMatchObject({ outcome: 'stored', kind: 'azure_usage', bytes: size, file: NAME });
  expect(body.files[0].rows).toBe(demo.invoices[0]!.usageRowCount);
  // The temp file and its dir are removed once the file is imported.
  expect(tempFiles()).toEqual([]);
  expect(readdirSync(join(t.dataDir, 'uploads'))).toEqual([]);
}, 120_000);
