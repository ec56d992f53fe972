import { createDirectoryCache, type DirectoryCache } from '../../services/sync/directory-cache';
import type { AppContext } from '../context';

// Keyed by the app's database pool: route plugins may get copies of the context, never of the pool.
const caches = new WeakMap<AppContext['pool'], DirectoryCache>();

/**
 * The app's PSA directory cache (one per app, shared by the mapping dialog's, the customers table's and the
 * suggestions' routes), fresh for BILLSYNC_DIRECTORY_TTL_SECONDS by the app's clock.
 */
export function directoryCacheOf(ctx: AppContext): DirectoryCache {
  let cache = caches.get(ctx.pool);
  if (!cache) {
    cache = createDirectoryCache({
      ttlSeconds: ctx.config.directoryTtlSeconds,
      now: () => Date.parse(ctx.clock.now()),
    });
    caches.set(ctx.pool, cache);
  }
  return cache;
}
