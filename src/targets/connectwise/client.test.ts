import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectWiseEmulator,
  createConnectWiseEmulator,
  DEMO_CREDENTIALS,
  loadDemoSeed,
} from '../../../emulators/connectwise';
import { createClock } from '../../../emulators/kit';
import { createConnectWiseAdapter, forgetCodebases } from '.';

let emu: ConnectWiseEmulator;
let base: string;
const slept: number[] = [];

beforeAll(async () => {
  emu = createConnectWiseEmulator({
    clock: createClock({ start: '2026-03-15T09:00:00Z' }),
    sleep: async () => {},
  });
  base = await emu.listen();
});
afterAll(() => emu.close());

const adapter = (over: Partial<Parameters<typeof createConnectWiseAdapter>[0]> = {}) => {
  forgetCodebases();
  return createConnectWiseAdapter({
    site: base,
    ...DEMO_CREDENTIALS,
    clientId: 'billsync-test',
    sleep: async (ms) => {
      slept.push(ms);
    },
    ...over,
  });
};

describe('ConnectWise client against the emulator', () => {
  it('discovers the codebase, and the connection test needs the credentials', async () => {
    const ok = await adapter().check({});
    expect(ok.ok && ok.value.detail).toMatch(/companies visible/);
    expect(emu.requests.count('GET', '/login/companyinfo/{companyId}')).toBeGreaterThan(0);
    const bad = await adapter({ privateKey: 'wrong' }).check({});
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ kind: 'auth' });
  });

  it('discovers the codebase once for reads that start together (a batch reads its agreements at once)', async () => {
    const a = adapter();
    const before = emu.requests.count('GET', '/login/companyinfo/{companyId}');
    const directory = await a.readState({}, { directory: true });
    const ids = directory.contracts.slice(0, 8).map((c) => c.id);
    forgetCodebases();
    await a.readState({}, { contractIds: ids });
    // Once for the directory, once for the 8 agreements' additions read at once after forgetting.
    expect(emu.requests.count('GET', '/login/companyinfo/{companyId}') - before).toBe(2);
  });

  it('reads the directory in batches, and many agreements in chunks under the query-length limit', async () => {
    const a = adapter();
    const directory = await a.readState({}, { directory: true, products: true });
    expect(directory.companies.find((c) => c.name === 'Microsoft Corporation')?.kind).toBe('vendor');
    expect(directory.contracts.length).toBeGreaterThan(20);
    expect(directory.products.length).toBeGreaterThan(3);
    // 1,500 agreement ids (most unknown) would be a URL far over 2,048 characters in one call.
    const ids = [
      ...directory.contracts.map((c) => c.id),
      ...Array.from({ length: 1500 }, (_, i) => String(20000 + i)),
    ];
    const scoped = await a.client.listIn({}, 'finance/agreements', 'id', ids.map(Number), { fields: ['id'] });
    expect(scoped.length).toBe(directory.contracts.length);
  });

  it('honours 429 Retry-After', async () => {
    slept.length = 0;
    emu.faults.inject({ kind: '429', path: '**/company/companies/count', count: 1, retryAfter: 2 });
    const ok = await adapter().check({});
    expect(ok.ok).toBe(true);
    expect(slept).toContain(2000);
  });

  it('pages forward by id through more than 1,000 rows', async () => {
    const seed = loadDemoSeed();
    const first = seed.catalog?.[0] as Record<string, unknown>;
    const many = Array.from({ length: 1234 }, (_, i) => ({
      ...first,
      id: 50_000 + i,
      identifier: `BULK-${i}`,
      vendorSku: undefined,
    }));
    const big = createConnectWiseEmulator({
      seed: { ...seed, catalog: [...(seed.catalog ?? []), ...many] },
      clock: createClock({ start: '2026-03-15T09:00:00Z' }),
      sleep: async () => {},
    });
    const site = await big.listen();
    try {
      const rows = await adapter({ site }).client.list({}, 'procurement/catalog', { fields: ['identifier'] });
      expect(rows.length).toBe((seed.catalog?.length ?? 0) + 1234);
      expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
      expect(big.requests.count('GET', '/procurement/catalog')).toBe(2);
    } finally {
      await big.close();
    }
  });
});
