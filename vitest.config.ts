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
    env: { BILLSYNC_ALLOW_LOCAL_PSA: '1' },
  },
});
