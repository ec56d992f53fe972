import { afterEach, describe, expect, it } from 'vitest';
import { ALL, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('hourly threshold', () => {
  it('counts requests (ThresholdInformation too) in a rolling hour of the emulator clock', async () => {
    emu = await startTestEmulator({ limits: { hourlyThreshold: 100 } });
    await emu.api('POST', '/Companies/query', ALL);
    await emu.api('POST', '/Services/query/count', ALL);
    await emu.raw('GET', '/atservicesrest/v1.0/zoneInformation?user=api%40demo.example'); // not counted
    await emu.raw('GET', '/atservicesrest/versioninformation'); // not counted
    const t = await emu.api('GET', '/ThresholdInformation');
    expect(t.body).toEqual({
      externalRequestThreshold: 100,
      requestThresholdTimeframe: 60,
      currentTimeframeRequestCount: 3,
    });
    emu.clock.advance(60 * 60_000 + 1);
    expect((await emu.api('GET', '/ThresholdInformation')).body.currentTimeframeRequestCount).toBe(1);
  });

  it('adds the documented latency at 50 % and 75 %, then refuses until usage falls back', async () => {
    emu = await startTestEmulator({ limits: { hourlyThreshold: 4, latencyAt50Ms: 5, latencyAt75Ms: 10 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await emu.api('POST', '/Companies/query/count', ALL)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect(emu.slept).toEqual([5, 10, 10]);
    const refused = await emu.api('POST', '/Services/query/count', ALL);
    expect(refused.body.errors[0]).toMatch(/threshold exceeded/i);
    // ThresholdInformation still answers (uncounted), truthfully over the threshold.
    expect((await emu.api('GET', '/ThresholdInformation')).body.currentTimeframeRequestCount).toBe(4);
    emu.clock.advance(61 * 60_000);
    expect((await emu.api('POST', '/Companies/query/count', ALL)).status).toBe(200);
  });

  it('waits the base latency on every counted request, the tiers on top, and it can change at run time', async () => {
    emu = await startTestEmulator({
      limits: { hourlyThreshold: 4, baseLatencyMs: 150, latencyAt50Ms: 5, latencyAt75Ms: 10 },
    });
    await emu.raw('GET', '/atservicesrest/v1.0/zoneInformation?user=api%40demo.example'); // not counted
    for (let i = 0; i < 3; i++) await emu.api('POST', '/Companies/query/count', ALL);
    expect(emu.slept).toEqual([150, 155, 160]);
    const put = await emu.raw('PUT', '/_emulator/limits', { baseLatencyMs: 0 });
    expect(put.body.limits.baseLatencyMs).toBe(0);
    await emu.api('GET', '/ThresholdInformation');
    expect(emu.slept).toEqual([150, 155, 160, 10]);
    expect((await emu.raw('PUT', '/_emulator/limits', { baseLatencyMs: -1 })).status).toBe(400);
  });

  it('the over-threshold status is configurable', async () => {
    emu = await startTestEmulator({
      limits: { hourlyThreshold: 1, overThresholdDialect: 'status-500-text' },
    });
    await emu.api('GET', '/ThresholdInformation');
    expect((await emu.api('POST', '/Companies/query/count', ALL)).status).toBe(500);
  });
});

describe('thread limit', () => {
  /** An emulator whose added latency waits on a gate, so requests stay in flight until the test opens it. */
  async function gated(limits: Record<string, number | string>) {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const e = await startTestEmulator({
      limits: { hourlyThreshold: 100, latencyAt50Ms: 1, ...limits },
      sleep: () => gate,
    });
    // Fill half the hourly budget so every further request gets (gated) latency.
    for (let i = 0; i < 50; i++) e.limits.admit(e.clock.nowMs());
    return { e, open };
  }

  it('allows 3 concurrent requests per endpoint and refuses the 4th with the thread-threshold error', async () => {
    const { e, open } = await gated({});
    emu = e;
    const inFlight = [0, 1, 2].map(() => e.api('POST', '/Companies/query/count', ALL));
    await expect.poll(() => e.limits.inFlightCount()).toBe(3);
    const fourth = await e.api('POST', '/Companies/query/count', ALL);
    expect(fourth.status).toBe(429);
    expect(fourth.body.errors[0]).toMatch(/Thread Threshold Exceeded.*Itgenatr005/);
    // Another endpoint has its own threads.
    const other = e.api('POST', '/Services/query/count', ALL);
    await expect.poll(() => e.limits.inFlightCount()).toBe(4);
    open();
    expect((await Promise.all([...inFlight, other])).map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect((await e.api('POST', '/Companies/query/count', ALL)).status).toBe(200);
  });

  it.each([
    ['entity', 200],
    ['url-root', 429],
  ])(
    'a child URL counts against its entity or the URL root (threadEndpoint %s)',
    async (threadEndpoint, status) => {
      const { e, open } = await gated({ maxConcurrent: 1, threadEndpoint });
      emu = e;
      // A child route's request holds its thread (whatever the handler then answers).
      const child = e.api('POST', '/Contracts/1/ServiceAdjustments', {});
      await expect.poll(() => e.limits.inFlightCount()).toBe(1);
      const parent = e.api('POST', '/Contracts/query/count', ALL);
      if (status === 200) await expect.poll(() => e.limits.inFlightCount()).toBe(2);
      else expect((await parent).status).toBe(status);
      open();
      await child;
      if (status === 200) expect((await parent).status).toBe(200);
    },
  );

  it('the thread-limit status can be 500 and the cap is configurable', async () => {
    const { e, open } = await gated({ maxConcurrent: 1, threadLimitStatus: 500 });
    emu = e;
    const first = e.api('GET', '/ThresholdInformation');
    await expect.poll(() => e.limits.inFlightCount()).toBe(1);
    expect((await e.api('GET', '/ThresholdInformation')).status).toBe(500);
    open();
    expect((await first).status).toBe(200);
  });
});
