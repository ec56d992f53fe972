#!/usr/bin/env node
// The billsync command. Runs the compiled CLI in dist/ (`npm run build`, also run at install) when it is up to date
// with the sources, else the TypeScript sources through tsx: docs/decisions/0011-compiled-cli.md.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { pickRuntime } from './pick-runtime.js';

let runtime;
try {
  runtime = pickRuntime(join(dirname(fileURLToPath(import.meta.url)), '..'), process.env);
} catch (error) {
  process.stderr.write(`billsync: ${error instanceof Error ? error.message : error}\n`);
  process.exit(2);
}
if (runtime.kind === 'src') {
  // Only here: loading tsx costs more than the whole compiled start-up.
  const { register } = await import('tsx/esm/api');
  register();
}
const { main } = await import(pathToFileURL(runtime.entry).href);
process.exitCode = await main(process.argv);
