import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectWiseEmulator,
  createConnectWiseEmulator,
  DEMO_CREDENTIALS,
} from '../../emulators/connectwise';
import { createClock } from '../../emulators/kit';
import { createCredentialsOpener } from '../../src/runtime/targets';
import { forgetCodebases } from '../../src/targets/connectwise';

let emu: ConnectWiseEmulator;
let base: string;

beforeAll(async () => {
  emu = createConnectWiseEmulator({
    clock: createClock({ start: '2026-03-15T09:00:00Z' }),
    sleep: async () => {},
  });
  base = await emu.listen();
});
afterAll(() => emu.close());

describe('runtime: ConnectWise connections', () => {
  it('the runtime opens a ConnectWise connection from its settings and secrets', async () => {
    forgetCodebases();
    const open = createCredentialsOpener({ BILLSYNC_CW_CLIENT_ID: 'billsync-test' });
    const cw = await open(
      'connectwise',
      { site: base, companyId: DEMO_CREDENTIALS.companyId, publicKey: DEMO_CREDENTIALS.publicKey },
      { privateKey: DEMO_CREDENTIALS.privateKey },
    );
    expect(cw.kind).toBe('connectwise');
    expect((await cw.check({})).ok).toBe(true);
    await expect(open('connectwise', { site: base }, {})).rejects.toThrow(/incomplete/);
  });
});
