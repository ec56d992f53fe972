import { createHash } from 'node:crypto';
import type { WorkspaceId } from '../../core/ids';
import type { TargetSnapshot } from '../../core/ports/target';
import { getConnectionByKind } from '../../db/repos/connections';
import type { TargetKind } from '../../db/repos/sync';
import { AppError } from '../errors';
import { type Maybe, readDirectory, type SyncDeps, tryReadDirectory } from './psa';

/** How a use case reads the PSA's directory: live (the CLI, writes) or through a DirectoryCache (the web's lists). */
export interface DirectoryReader {
  read(deps: SyncDeps, ws: WorkspaceId, target: TargetKind): Promise<TargetSnapshot>;
  /** As read(), with a PSA failure as a message (for lists that show what they can without the PSA). */
  tryRead(deps: SyncDeps, ws: WorkspaceId, target: TargetKind): Promise<Maybe<TargetSnapshot>>;
}

/** Every read asks the PSA. */
export const LIVE_DIRECTORY: DirectoryReader = { read: readDirectory, tryRead: tryReadDirectory };

/**
 * The PSA's companies and contracts as the mapping dialog and the suggestions read them, kept for a short time per
 * workspace and PSA connection (issue 14). Every keystroke of the company search, every contracts dropdown and
 * every page of suggestions would otherwise read the whole directory from the PSA again, from the MSP's shared
 * Autotask budget of 10,000 calls an hour. Only these reads use it: saving a mapping, confirming suggestions and
 * the sync itself always read the PSA as it is now.
 */
export interface DirectoryCache extends DirectoryReader {
  /**
   * The directory: the cached one while fresh and read from the same connection, else read once (concurrent
   * callers share that read).
   */
  read(deps: SyncDeps, ws: WorkspaceId, target: TargetKind): Promise<TargetSnapshot>;
  /** Forgets the workspace's directory of this PSA (the "Refresh from Autotask" button): the next read asks the PSA. */
  clear(ws: WorkspaceId, target: TargetKind): void;
}

interface Entry {
  /** Which connection it was read from: credentials or settings saved since make it stale. */
  connection: string;
  expiresAt: number;
  value: Promise<TargetSnapshot>;
}

/** At most this many directories are kept (one per workspace and PSA); the oldest goes first. */
const MAX_ENTRIES = 200;

/** What identifies the connection the directory was read from: its id, settings and sealed credentials. */
async function connectionOf(deps: SyncDeps, ws: WorkspaceId, target: TargetKind): Promise<string> {
  const row = await getConnectionByKind(deps.pool, ws, target);
  if (!row) return 'none';
  return createHash('sha256')
    .update(row.id)
    .update(JSON.stringify(row.settings))
    .update(row.credentials ?? Buffer.alloc(0))
    .digest('base64url');
}

/**
 * A directory cache with entries fresh for `ttlSeconds` (0: no caching, every read asks the PSA). `now` is the
 * time in milliseconds (the server passes its clock, so tests can move it).
 */
export function createDirectoryCache(options: { ttlSeconds: number; now: () => number }): DirectoryCache {
  const entries = new Map<string, Entry>();
  const keyOf = (ws: WorkspaceId, target: TargetKind) => `${ws}|${target}`;

  const read: DirectoryCache['read'] = async (deps, ws, target) => {
    if (options.ttlSeconds <= 0) return readDirectory(deps, ws, target);
    const key = keyOf(ws, target);
    const connection = await connectionOf(deps, ws, target);
    const now = options.now();
    const found = entries.get(key);
    if (found && found.connection === connection && found.expiresAt > now) return found.value;
    const value = readDirectory(deps, ws, target);
    const entry: Entry = { connection, expiresAt: now + options.ttlSeconds * 1000, value };
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    // A failed read is not kept: the next one asks the PSA again.
    value.catch(() => {
      if (entries.get(key) === entry) entries.delete(key);
    });
    return value;
  };

  return {
    read,
    async tryRead(deps, ws, target) {
      try {
        return { ok: true, value: await read(deps, ws, target) };
      } catch (error) {
        if (error instanceof AppError) return { ok: false, message: error.message };
        throw error;
      }
    },
    clear(ws, target) {
      entries.delete(keyOf(ws, target));
    },
  };
}
