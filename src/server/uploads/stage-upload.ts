import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile } from '@fastify/multipart';
import type { StagedUpload } from './upload-settings';

/** Temp dirs of uploads live here, inside the data dir (BILLSYNC_DATA_DIR), never elsewhere. */
export const uploadsRoot = (dataDir: string): string => join(resolve(dataDir), 'uploads');

/** A temp dir older than this is what a crash left behind: the next upload removes it. */
const STALE_MS = 24 * 60 * 60 * 1000;
const MAX_NAME = 150;
const FALLBACK_NAME = 'upload.csv';

/**
 * The uploaded file's name, safe as a file name and for display: its last path segment, no control characters,
 * at most 150 characters (the extension kept), never empty, `.` or `..`.
 */
export function safeFileName(raw: string | undefined): string {
  const last = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  let name = last.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (name.length > MAX_NAME) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = name.slice(0, MAX_NAME - ext.length) + ext;
  }
  return name === '' || name === '.' || name === '..' ? FALLBACK_NAME : name;
}

/** Counts the bytes that pass. */
function byteCounter(): Transform & { bytes: number } {
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counter.bytes += chunk.length;
      done(null, chunk);
    },
  }) as Transform & { bytes: number };
  counter.bytes = 0;
  return counter;
}

/**
 * Streams one multipart file to a temp file of its own (`<data dir>/uploads/upload-XXXXXX/<name>`, the dir mode
 * 0700): chunk by chunk with backpressure, so a file of any size takes the memory of a few chunks. A file over
 * the size limit is cut there by the multipart parser (`tooLarge`). Remove it with discardStaged.
 */
export async function stageUploadedFile(dataDir: string, part: MultipartFile): Promise<StagedUpload> {
  const root = uploadsRoot(dataDir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(root, 'upload-'));
  const fileName = safeFileName(part.filename);
  const path = join(dir, fileName);
  if (!resolve(path).startsWith(root + sep)) throw new Error(`upload path outside the data dir: ${path}`);
  const counter = byteCounter();
  try {
    await pipeline(part.file, counter, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { path, fileName, bytes: counter.bytes, tooLarge: part.file.truncated };
}

/** Removes a staged file and its temp dir. */
export async function discardStaged(staged: StagedUpload): Promise<void> {
  await rm(join(staged.path, '..'), { recursive: true, force: true });
}

/** Removes the temp dirs a crashed upload left behind (older than a day); never fails an upload. */
export async function sweepStaleUploads(dataDir: string, now = Date.now()): Promise<void> {
  const root = uploadsRoot(dataDir);
  const entries = await readdir(root).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith('upload-')) continue;
    const dir = join(root, entry);
    const info = await stat(dir).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_MS)
      await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
