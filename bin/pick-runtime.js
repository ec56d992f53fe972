// Which code `billsync` runs: the compiled dist/ or the TypeScript sources through tsx
// (docs/decisions/0011-compiled-cli.md). Plain JavaScript with Node built-ins only: it runs before anything else,
// on every start, so it stays a file read and a few hundred stat calls.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The build stamp `npm run build` writes last into dist/ (scripts/build-node.mjs). */
export const STAMP = 'build.json';

/**
 * Why dist/ cannot be run, or null when it is up to date: the stamp lists every file the build read (sources,
 * migrations, tsconfig, the build script) with its mtime taken before the build; any file changed, moved or deleted
 * since then (an edit, a `git pull`, a checkout) makes the whole dist/ stale. mtimes are compared for equality,
 * never with the clock, so clock skew (a bind mount, a network disk) cannot make stale code look fresh.
 * @param {string} root the package root
 * @param {string} dist the dist directory
 * @returns {string | null}
 */
export function staleness(root, dist) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(dist, STAMP), 'utf8'));
  } catch {
    return 'dist/ is not built (npm run build)';
  }
  for (const [path, mtimeMs] of Object.entries(stamp.files ?? {})) {
    const stat = statSync(join(root, path), { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs !== mtimeMs) return `${path} changed since dist/ was built (npm run build)`;
  }
  return null;
}

/**
 * BILLSYNC_RUNTIME=auto (default) runs dist/ when it is up to date, else src/ through tsx, so an edit is never
 * run stale; =src always runs the sources; =dist always runs dist/ (an error when it is not built).
 * @param {string} root the package root
 * @param {Record<string, string | undefined>} env
 * @returns {{ kind: 'dist', entry: string } | { kind: 'src', entry: string, reason: string }}
 */
export function pickRuntime(root, env) {
  const mode = env.BILLSYNC_RUNTIME || 'auto';
  const dist = join(root, 'dist');
  const src = join(root, 'src', 'cli', 'main.ts');
  if (mode === 'src') return { kind: 'src', entry: src, reason: 'BILLSYNC_RUNTIME=src' };
  if (mode !== 'auto' && mode !== 'dist')
    throw new Error(`BILLSYNC_RUNTIME must be auto, dist or src, not "${mode}"`);
  const entry = join(dist, 'cli.js');
  if (mode === 'dist') {
    if (!existsSync(entry)) throw new Error('BILLSYNC_RUNTIME=dist but dist/ is not built (npm run build)');
    return { kind: 'dist', entry };
  }
  const stale = staleness(root, dist);
  return stale ? { kind: 'src', entry: src, reason: stale } : { kind: 'dist', entry };
}
