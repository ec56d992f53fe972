import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'emulators/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/setup/global-db.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The suites run against loopback emulators, which the PSA and source URL policy allows only with this flag
    // (docs/url-policy.md). Spawned CLIs inherit it; the policy's own tests switch it off where they need to.
    // ConnectWise's pace (950 requests a minute, src/runtime/rate-pacer.ts) would make the emulator scenarios wait:
    // they run at 60,000 a minute, still taking every request from the database budget.
    env: { BILLSYNC_ALLOW_LOCAL_PSA: '1', BILLSYNC_CW_REQUESTS_PER_MINUTE: '60000' },
  },
});
