import { afterEach, describe, expect, it } from 'vitest';
import { type AutotaskSeed, DEMO_CREDENTIALS, DEMO_IDS, loadDemoSeed } from '../../../emulators/autotask';
import { startTestEmulator, TEST_NOW, type TestEmulator } from '../../../emulators/autotask/testing';
import { createClock } from '../../../emulators/kit';
import { type AutotaskConnectionOptions, createAutotaskClient } from './index';
import { and, eq, everything, inList, or } from './query';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function connect(e: TestEmulator, extra: Partial<AutotaskConnectionOptions> = {}) {
  const slept: number[] = [];
  const client = createAutotaskClient({
    username: DEMO_CREDENTIALS.userName,
    secret: DEMO_CREDENTIALS.secret,
    integrationCode: DEMO_CREDENTIALS.integrationCode,
    zoneUrl: `${e.base}/ATServicesRest/`,
    sleep: async (ms) => {
      slept.push(ms);
    },
    random: () => 0,
    ...extra,
  });
  return { client, slept };
}

/** The demo tenant plus `n` more services, for paging. */
function bigSeed(n: number): AutotaskSeed {
  const seed = loadDemoSeed();
  // A copy: the demo seed's arrays are shared module constants.
  seed.Services = [...(seed.Services ?? [])];
  for (let i = 0; i < n; i++) {
    seed.Services.push({
      id: 29_700_000 + i,
      name: `Bulk service ${i}`,
      unitPrice: 1,
      periodType: 2,
      billingCodeID: DEMO_IDS.codeCloud,
      isActive: true,
    });
  }
  return seed;
}

describe('queries', () => {
  it('pages through more than 500 rows by POSTing nextPageUrl with the same body', async () => {
    emu = await startTestEmulator({ seed: bigSeed(1_100) });
    const { client } = connect(emu, { threshold: { checkEvery: 0 } });
    const rows = await client.query({}, 'Services', { filter: [everything()], includeFields: ['name'] });
    expect(rows).toHaveLength(1_105);
    expect(new Set(rows.map((r) => r.id)).size).toBe(1_105);
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(['id', 'name', 'userDefinedFields']);
    expect(emu.requests.counts()).toEqual({
      'POST /V1.0/Services/query': 1,
      'POST /V1.0/Services/query/next': 2,
    });
    expect(await client.count({}, 'Services', [eq('isActive', true)])).toBe(1_104);
  });

  it('builds in-lists and and/or groups', async () => {
    emu = await startTestEmulator();
    const { client } = connect(emu, { threshold: { checkEvery: 0 } });
    const ids = [DEMO_IDS.serviceWorkstation, DEMO_IDS.serviceCollision, 1];
    expect((await client.queryIn({}, 'Services', 'id', ids)).map((s) => s.id)).toEqual([
      DEMO_IDS.serviceWorkstation,
      DEMO_IDS.serviceCollision,
    ]);
    const grouped = await client.query({}, 'Services', {
      filter: [or(eq('name', 'Managed Server'), and(eq('isActive', false), inList('periodType', [2])))],
    });
    expect(grouped.map((s) => s.name)).toEqual(['Managed Server', 'Legacy Email Hosting']);
    expect(await client.get({}, 'Services', 12345)).toBeUndefined();
  });
});

describe('limits and retries', () => {
  it('never has more than 3 requests in flight (the emulator refuses a 4th per endpoint)', async () => {
    let peak = 0;
    let started = 0;
    let waiting: (() => void)[] = [];
    const holder: { emu?: TestEmulator } = {};
    // The emulator's added latency runs inside its thread slot: each request is held there until a third one is
    // in flight (or too few are left to make three), so the client must keep 3 in flight, whatever the machine's
    // speed, and a 4th would be refused.
    emu = await startTestEmulator({
      clock: createClock({ start: TEST_NOW }),
      limits: { hourlyThreshold: 1_000 },
      sleep: async () => {
        started += 1;
        const inFlight = holder.emu?.limits.inFlightCount() ?? 0;
        peak = Math.max(peak, inFlight);
        if (inFlight >= 3 || started > 9) {
          for (const go of waiting) go();
          waiting = [];
          return;
        }
        await new Promise<void>((resolve) => waiting.push(resolve));
      },
    });
    holder.emu = emu;
    for (let i = 0; i < 600; i++) emu.limits.admit(emu.clock.nowMs()); // 60 %: latency on every request
    const { client } = connect(emu, { threshold: { checkEvery: 0 } });
    await Promise.all(
      Array.from({ length: 12 }, () =>
        client.query({}, 'Companies', { filter: [everything()], maxRecords: 500 }),
      ),
    );
    // One page each: 12 requests.
    expect(started).toBe(12);
    expect(peak).toBe(3);
    expect(emu.requests.entries().every((e) => e.status === 200)).toBe(true);
  });

  it('honours Retry-After on 429, for reads and writes', async () => {
    emu = await startTestEmulator();
    emu.faults.inject({ kind: '429', path: '**/Services/query', retryAfter: 7 });
    emu.faults.inject({ kind: '429', path: '**/V1.0/Services', method: 'POST', retryAfter: 3 });
    const { client, slept } = connect(emu, { threshold: { checkEvery: 0 } });
    expect(await client.query({}, 'Services', { filter: [everything()] })).toHaveLength(5);
    const id = await client.create({}, 'Services', {
      name: 'Retry me',
      unitPrice: 1,
      periodType: 2,
      billingCodeID: DEMO_IDS.codeCloud,
    });
    expect(typeof id).toBe('number');
    expect(slept).toEqual([7_000, 3_000]);
    expect(emu.requests.count('POST', '/V1.0/Services')).toBe(2);
  });

  it('retries a 503 and a 500 server fault on reads', async () => {
    emu = await startTestEmulator();
    emu.faults.inject({ kind: '503', path: '**/Services/query' });
    emu.faults.inject({ kind: '500', path: '**/Services/query' });
    const { client } = connect(emu, { threshold: { checkEvery: 0 } });
    expect(await client.query({}, 'Services', { filter: [everything()] })).toHaveLength(5);
    expect(emu.requests.count('POST', '/V1.0/Services/query')).toBe(3);
  });

  it('retries a write refused by the thread limit (500 "Itgenatr005"): it did not land', async () => {
    emu = await startTestEmulator();
    emu.faults.inject({
      kind: '500',
      path: '**/V1.0/Services',
      method: 'POST',
      body: { errors: ['Thread Threshold Exceeded. (Itgenatr005)'] },
    });
    const { client } = connect(emu, { threshold: { checkEvery: 0 } });
    const body = { name: 'Threaded', unitPrice: 1, periodType: 2, billingCodeID: DEMO_IDS.codeCloud };
    expect(typeof (await client.create({}, 'Services', body))).toBe('number');
    expect(emu.requests.count('POST', '/V1.0/Services')).toBe(2);
  });

  it('never re-sends a write after a server fault: outcome unknown', async () => {
    emu = await startTestEmulator();
    emu.faults.inject({ kind: '500', path: '**/V1.0/Services', method: 'POST' });
    const { client } = connect(emu, { threshold: { checkEvery: 0 } });
    const body = { name: 'Faulty', unitPrice: 1, periodType: 2, billingCodeID: DEMO_IDS.codeCloud };
    await expect(client.create({}, 'Services', body)).rejects.toMatchObject({
      kind: 'unavailable',
      outcomeUnknown: true,
    });
    expect(emu.requests.count('POST', '/V1.0/Services')).toBe(1);
  });

  it('slows down above 50 % and 75 % of the hourly threshold', async () => {
    emu = await startTestEmulator({ limits: { hourlyThreshold: 100 } });
    const { client, slept } = connect(emu, {
      threshold: { checkEvery: 5, delayAt50Ms: 111, delayAt75Ms: 222 },
    });
    const read = () => client.count({}, 'Services', [everything()]);
    for (let i = 0; i < 4; i++) await read();
    expect(slept).toEqual([]);
    for (let i = 0; i < 50; i++) emu.limits.admit(emu.clock.nowMs());
    for (let i = 0; i < 5; i++) await read();
    expect(slept).toContain(111);
    expect(slept).not.toContain(222);
    for (let i = 0; i < 20; i++) emu.limits.admit(emu.clock.nowMs());
    for (let i = 0; i < 6; i++) await read();
    expect(slept).toContain(222);
    // Before the 1st request, then every 5: before the 6th and the 11th.
    expect(emu.requests.count('GET', '/V1.0/ThresholdInformation')).toBe(3);
  });
});
