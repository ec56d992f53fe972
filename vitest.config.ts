import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'emulators/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/setup/global-db.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default (cores - 1) runs the files one at a time on this 2-core machine: about 15-17 minutes of CI
    // under load. Two forks: 9-10 minutes, green under load 9 (docs/performance.md, "Tests and CI"). Every file
    // has its own database and ports, and every test waits for conditions, never for a time.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // The suites run against loopback emulators, which the PSA and source URL policy allows only with this flag
    // (docs/url-policy.md). Spawned CLIs inherit it; the policy's own tests switch it off where they need to.
    // ConnectWise's pace (950 requests a minute, src/runtime/rate-pacer.ts) would make the emulator scenarios wait:
    // they run at 60,000 a minute, still taking every request from the database budget.
    env: { BILLSYNC_ALLOW_LOCAL_PSA: '1', BILLSYNC_CW_REQUESTS_PER_MINUTE: '60000' },
  },
});
