import { benchCli } from './cli';
import { benchImport } from './import';
import { benchScale } from './scale';
import { benchSync } from './sync';
import { benchWeb } from './web';

/**
 * `npm run bench`: every benchmark in turn, each printing its figures with their floor, target, ratio and
 * ok/MISSED (docs/performance.md). `npm run bench -- <name>` runs one.
 */
const BENCHES: Record<string, () => Promise<unknown>> = {
  cli: () => benchCli(),
  import: () => benchImport(),
  // Autotask, then ConnectWise (issue 14: "the same figures for ConnectWise"); scale-at / scale-cw: one of them.
  scale: async () => {
    await benchScale('autotask');
    await benchScale('connectwise');
  },
  'scale-at': () => benchScale('autotask'),
  'scale-cw': () => benchScale('connectwise'),
  sync: () => benchSync(),
  web: () => benchWeb(),
};

// The benches run against loopback emulators, which the PSA URL policy allows only with this (docs/url-policy.md).
process.env.BILLSYNC_ALLOW_LOCAL_PSA = '1';
const name = process.argv[2];
if (name === undefined) {
  for (const [each, run] of Object.entries(BENCHES)) {
    console.log(`\n===== npm run bench -- ${each} =====`);
    await run();
  }
} else {
  const one = BENCHES[name];
  if (one) await one();
  else {
    console.error(`usage: npm run bench [-- <${Object.keys(BENCHES).join('|')}>]`);
    process.exitCode = 2;
  }
}
