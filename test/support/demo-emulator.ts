import { afterEach, beforeEach } from 'vitest';
import { DEMO_CREDENTIALS } from '../../emulators/autotask';
import { startTestEmulator, type TestEmulator } from '../../emulators/autotask/testing';
import {
  type AutotaskAdapterOptions,
  createAutotaskAdapter,
  forgetZone,
} from '../../src/targets/autotask/index';

/**
 * For the adapter's tests: a fresh demo emulator per test (today = 2026-03-15) and an adapter for its API user,
 * with no waiting and no threshold pacing. Call at the top of a test file.
 */
export function demoEmulatorPerTest(): {
  readonly emu: TestEmulator;
  adapter(extra?: Partial<AutotaskAdapterOptions>): ReturnType<typeof createAutotaskAdapter>;
} {
  let emu: TestEmulator | undefined;
  beforeEach(async () => {
    emu = await startTestEmulator();
    forgetZone();
  });
  afterEach(async () => {
    await emu?.close();
  });
  const current = () => {
    if (!emu) throw new Error('demoEmulatorPerTest: no emulator outside a test');
    return emu;
  };
  return {
    get emu() {
      return current();
    },
    adapter: (extra = {}) =>
      createAutotaskAdapter({
        username: DEMO_CREDENTIALS.userName,
        secret: DEMO_CREDENTIALS.secret,
        integrationCode: DEMO_CREDENTIALS.integrationCode,
        discoveryUrl: current().base,
        sleep: async () => {},
        threshold: { checkEvery: 0 },
        ...extra,
      }),
  };
}
