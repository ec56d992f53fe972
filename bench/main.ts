import { benchImport } from './import';
import { benchSync } from './sync';

/** `npm run bench -- <name>`: runs one benchmark and prints its figures. */
const BENCHES: Record<string, () => Promise<unknown>> = {
  import: () => benchImport(),
  sync: () => benchSync(),
};

// The benches run against loopback emulators, which the PSA URL policy allows only with this (docs/url-policy.md).
process.env.BILLSYNC_ALLOW_LOCAL_PSA = '1';
const name = process.argv[2];
const bench = name ? BENCHES[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>`);
  process.exitCode = 2;
} else {
  await bench();
}
