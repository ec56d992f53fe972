#!/usr/bin/env node
// `npm run build` (and `prepare`, after the web build): compiles the Node code into dist/ with esbuild, so
// `billsync` starts without a TypeScript transform (docs/decisions/0011-compiled-cli.md). One entry, the CLI
// (src/cli/main.ts): the server, the workers and the emulators of `sandbox`/`demo` are reached through the commands'
// dynamic imports and become chunks loaded only by the command that needs them. npm packages stay external, loaded
// from node_modules as under tsx: with the commands lazy, a command loads only the packages it uses anyway, and
// several read their own files at run time (the embedded Postgres binaries, swagger-ui's assets, pino's workers).
//
//   node scripts/build-node.mjs [--out DIR]    (default: dist/ in the package root)
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { STAMP } from '../bin/pick-runtime.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Files the bundle reads at run time next to itself (`join(dirname(import.meta.url), 'migrations')`). */
const MIGRATIONS = 'src/db/migrations';
/** Packages `billsync --version` and `--help` must not load: the point of the lazy commands. */
export const HEAVY_AT_START = [
  'pg',
  'pg-boss',
  'fastify',
  'zod',
  'pino',
  'undici',
  'node-pg-migrate',
  'nodemailer',
];

const posix = (path) => path.split(sep).join('/');

/** mtime of every file under `dir` (relative to the root), taken before the build reads them. */
function mtimes(dir, into = new Map()) {
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) mtimes(path, into);
    else if (entry.isFile()) into.set(path, statSync(join(ROOT, path)).mtimeMs);
  }
  return into;
}

/**
 * The npm packages a chunk loads before its code runs: its static imports, transitively (dynamic imports are
 * left out: they load when a command runs).
 * @param {import('esbuild').Metafile} metafile
 * @param {string} output the chunk's key in metafile.outputs
 */
export function packagesAtStart(metafile, output) {
  const seen = new Set();
  const packages = new Set();
  const visit = (out) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const imp of metafile.outputs[out]?.imports ?? []) {
      if (imp.kind !== 'import-statement') continue;
      if (imp.external) {
        if (!imp.path.startsWith('node:'))
          packages.add(
            imp.path
              .split('/')
              .slice(0, imp.path.startsWith('@') ? 2 : 1)
              .join('/'),
          );
      } else visit(imp.path);
    }
  };
  visit(output);
  return { packages: [...packages].sort(), chunks: seen.size };
}

/** The metafile with output paths relative to the output directory ('cli.js', 'chunk-XXXX.js'). */
function relocate(metafile, prefix) {
  const strip = (path) => (path.startsWith(prefix) ? path.slice(prefix.length) : path);
  const outputs = {};
  for (const [path, output] of Object.entries(metafile.outputs)) {
    outputs[strip(path)] = {
      ...output,
      imports: output.imports.map((imp) => (imp.external ? imp : { ...imp, path: strip(imp.path) })),
    };
  }
  return { ...metafile, outputs };
}

/** Builds into `outDir` (swapped in whole at the end: a CLI starting meanwhile sees the old dist/ or none). */
export async function buildNode(outDir = join(ROOT, 'dist')) {
  // Before the build reads them: a file edited during the build then no longer matches its stamp.
  const before = mtimes('src', mtimes('emulators'));
  for (const file of ['tsconfig.json', 'scripts/build-node.mjs', 'bin/pick-runtime.js'])
    before.set(file, statSync(join(ROOT, file)).mtimeMs);
  const tmp = `${outDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    packages: 'external',
    tsconfig: 'tsconfig.json',
    // Flat: every chunk sits in dist/ itself, so `dirname(import.meta.url)` is dist/ in all of them.
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((path) => !path.includes('node_modules/'));
  cpSync(join(ROOT, MIGRATIONS), join(tmp, 'migrations'), { recursive: true });
  const watched = [
    ...inputs,
    ...[...before.keys()].filter((p) => p.startsWith(`${MIGRATIONS}/`) || !/^(src|emulators)\//.test(p)),
  ];
  // An input the walk did not see (none expected) gets -1, which never matches: dist/ then counts as stale.
  const files = Object.fromEntries(watched.map((path) => [path, before.get(path) ?? -1]));
  // A migration added later must make dist/ stale too: the directory's mtime changes when a file is added.
  files[MIGRATIONS] = statSync(join(ROOT, MIGRATIONS)).mtimeMs;
  const metafile = relocate(result.metafile, `${posix(relative(ROOT, tmp))}/`);
  writeFileSync(join(tmp, 'meta.json'), JSON.stringify(metafile));
  // Last: without a stamp dist/ is never run (bin/pick-runtime.js).
  writeFileSync(
    join(tmp, STAMP),
    `${JSON.stringify({ builtAt: new Date().toISOString(), files }, null, 1)}\n`,
  );
  const old = `${outDir}.old-${process.pid}`;
  mkdirSync(dirname(outDir), { recursive: true });
  try {
    renameSync(outDir, old);
  } catch {
    // no previous build
  }
  renameSync(tmp, outDir);
  rmSync(old, { recursive: true, force: true });
  return { outDir, inputs: inputs.length, start: packagesAtStart(metafile, 'cli.js') };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const started = performance.now();
  const built = await buildNode(at > 0 ? resolve(process.argv[at + 1]) : undefined);
  const heavy = built.start.packages.filter((p) => HEAVY_AT_START.includes(p));
  console.log(
    `billsync: compiled ${built.inputs} source files into ${posix(relative(ROOT, built.outDir)) || '.'}/ in ${Math.round(performance.now() - started)} ms; ` +
      `start-up loads ${built.start.chunks} chunk(s) and ${built.start.packages.join(', ') || 'no packages'}`,
  );
  // A warning, not a failed install: test/cli/compiled-cli.test.ts fails on it.
  if (heavy.length)
    console.warn(
      `billsync: warning: --help loads ${heavy.join(', ')}: a command definition imports an implementation`,
    );
}
