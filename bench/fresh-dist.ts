import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pickRuntime } from '../bin/pick-runtime.js';

const ROOT = join(import.meta.dirname, '..');

/**
 * The runtime `billsync` will run: what an install runs is dist/, so a stale dist/ (an edit since the last build) is
 * built first, unless BILLSYNC_RUNTIME asks for one (=src measures the sources through tsx). Benches that spawn
 * `billsync` call it so they never measure tsx by accident.
 */
export function freshRuntime(): ReturnType<typeof pickRuntime> {
  const runtime = pickRuntime(ROOT, process.env);
  if (runtime.kind === 'dist' || process.env.BILLSYNC_RUNTIME) return runtime;
  console.log(`\n${runtime.reason}: building it first`);
  const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-node.mjs')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stderr}`);
  return pickRuntime(ROOT, process.env);
}

/** How a runtime is named in a bench's output. */
export function runtimeText(runtime: ReturnType<typeof pickRuntime>): string {
  return runtime.kind === 'dist' ? 'dist/ (compiled)' : `src/ through tsx (${runtime.reason})`;
}
