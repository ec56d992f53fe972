import { afterEach, describe, expect, it } from 'vitest';
import { OVER_THRESHOLD_TEXTS, type OverThresholdText } from '../options';
import { ALL, DEMO_HEADERS, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const TEXTS = Object.keys(OVER_THRESHOLD_TEXTS) as OverThresholdText[];
const DIALECTS = (['status-429', 'status-500-text'] as const).flatMap((d) =>
  TEXTS.map((t) => [d, t] as const),
);

describe.each(DIALECTS)('over the threshold: %s, %s', (overThresholdDialect, overThresholdText) => {
  it('refuses with that status and text; ThresholdInformation still tells the usage truthfully', async () => {
    emu = await startTestEmulator({
      limits: { hourlyThreshold: 2, overThresholdDialect, overThresholdText },
    });
    expect((await emu.api('POST', '/Companies/query/count', ALL)).status).toBe(200);
    expect((await emu.api('GET', '/ThresholdInformation')).body.currentTimeframeRequestCount).toBe(2);
    const refused = await emu.api('POST', '/Companies/query/count', ALL);
    expect(refused.status).toBe(overThresholdDialect === 'status-429' ? 429 : 500);
    expect(refused.body).toEqual({ errors: [OVER_THRESHOLD_TEXTS[overThresholdText](2)] });
    for (let i = 0; i < 3; i++) {
      const info = await emu.api('GET', '/ThresholdInformation');
      expect(info).toMatchObject({
        status: 200,
        body: { externalRequestThreshold: 2, requestThresholdTimeframe: 60, currentTimeframeRequestCount: 2 },
      });
    }
    emu.clock.advance(61 * 60_000);
    expect((await emu.api('POST', '/Companies/query/count', ALL)).status).toBe(200);
  });
});

describe('error dialects at run time', () => {
  it('PUT /_emulator/limits switches the over-threshold dialect and text', async () => {
    emu = await startTestEmulator({ limits: { hourlyThreshold: 1 } });
    await emu.api('GET', '/ThresholdInformation');
    expect((await emu.api('POST', '/Companies/query/count', ALL)).status).toBe(429);
    const put = await emu.raw('PUT', '/_emulator/limits', {
      overThresholdDialect: 'status-500-text',
      overThresholdText: 'limit-reached',
    });
    expect(put.body.limits).toMatchObject({
      overThresholdDialect: 'status-500-text',
      overThresholdText: 'limit-reached',
    });
    const refused = await emu.api('POST', '/Companies/query/count', ALL);
    expect(refused).toMatchObject({
      status: 500,
      body: { errors: ['API request limit reached for this integration. Try again later.'] },
    });
    for (const bad of [
      { overThresholdDialect: 'status-503' },
      { threadLimitStatus: 503 },
      { maxConcurrent: -1 },
    ]) {
      expect((await emu.raw('PUT', '/_emulator/limits', bad)).status).toBe(400);
    }
  });
});

describe.each([401, 500] as const)('rules.unknownUserStatus %s', (unknownUserStatus) => {
  it('governs authenticated calls; the zone lookup of that user is always the 500 zone error', async () => {
    emu = await startTestEmulator({ rules: { unknownUserStatus } });
    const res = await emu.api('POST', '/Companies/query', ALL, {
      ...DEMO_HEADERS,
      UserName: 'nobody@x.example',
    });
    expect(res.status).toBe(unknownUserStatus);
    const zone = await emu.raw('GET', '/atservicesrest/v1.0/zoneInformation?user=nobody%40x.example');
    expect(zone).toMatchObject({
      status: 500,
      body: { errors: ['Zone information could not be determined'] },
    });
  });
});
