import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo/demo-seed';
import { DEMO_HEADERS, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

describe('rate limit (§3.7)', () => {
  it('answers 429 with Retry-After and the documented body once the minute is used up, then recovers', async () => {
    emu = await startTestEmulator({ limits: { requestsPerMinute: 3 } });
    const e = emu;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await e.api('GET', '/company/companies/count')).status);
      e.clock.advance(10_000);
    }
    const refused = await e.api('GET', '/company/companies/count');
    expect([...statuses, refused.status]).toEqual([200, 200, 200, 429]);
    // The oldest counted request leaves the window 60 s after it came: 30 s from now.
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.body).toEqual({
      error: 'ConnectWiseAPI',
      message: 'Too many requests. Please try again in 30 seconds.',
    });
    // Discovery and refused credentials are not counted.
    expect((await e.raw('GET', '/login/companyinfo/demo')).status).toBe(200);
    e.clock.advance(30_000);
    expect((await e.api('GET', '/company/companies/count')).status).toBe(200);
    expect((await e.raw('GET', '/_emulator/limits')).body).toMatchObject({ currentMinuteRequestCount: 3 });
  });

  it('limits are changeable at run time and checked', async () => {
    emu = await startTestEmulator();
    expect(
      (await emu.raw('PUT', '/_emulator/limits', { requestsPerMinute: 1 })).body.limits.requestsPerMinute,
    ).toBe(1);
    await emu.api('GET', '/company/companies/count');
    expect((await emu.api('GET', '/company/companies/count')).status).toBe(429);
    await emu.raw('DELETE', '/_emulator/limits/usage');
    expect((await emu.api('GET', '/company/companies/count')).status).toBe(200);
    expect((await emu.raw('PUT', '/_emulator/limits', { requestsPerMinute: -1 })).status).toBe(400);
    expect((await emu.raw('PUT', '/_emulator/limits', { nope: 1 })).body.error).toMatch(/unknown switch/);
  });
});

describe('concurrency limit', () => {
  it('refuses a request over maxConcurrent per API member with 429 Retry-After 1', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    emu = await startTestEmulator({ limits: { maxConcurrent: 2, baseLatencyMs: 1 }, sleep: () => gate });
    const e = emu;
    const inFlight = [0, 1].map(() => e.api('GET', '/company/companies/count'));
    await expect.poll(() => e.limits.inFlightCount()).toBe(2);
    const third = await e.api('GET', '/company/companies/count');
    expect([third.status, third.headers.get('retry-after')]).toEqual([429, '1']);
    open();
    expect((await Promise.all(inFlight)).map((r) => r.status)).toEqual([200, 200]);
    expect((await e.api('GET', '/company/companies/count')).status).toBe(200);
  });
});

describe('faults, request log and clock (emulators/kit)', () => {
  it('injects 429 and 500 in ConnectWise bodies; nothing is written', async () => {
    emu = await startTestEmulator();
    await emu.raw('POST', '/_emulator/faults', [
      { kind: '429', method: 'POST', path: '**/additions', retryAfter: 30 },
      { kind: '500', method: 'POST', path: '**/additions' },
    ]);
    const body = { product: { id: DEMO_IDS.itemLinkable }, billCustomer: 'Billable' };
    const first = await emu.api('POST', '/finance/agreements/1040/additions', body);
    expect([first.status, first.headers.get('retry-after'), first.body.error]).toEqual([
      429,
      '30',
      'ConnectWiseAPI',
    ]);
    const second = await emu.api('POST', '/finance/agreements/1040/additions', body);
    expect([second.status, second.body.code]).toEqual([500, 'ServerError']);
    expect((await emu.api('GET', '/finance/agreements/1040/additions/count')).body).toEqual({ count: 1 });
    expect((await emu.api('POST', '/finance/agreements/1040/additions', body)).status).toBe(201);
  });

  it('lost-response: the addition is written, the client gets no answer', async () => {
    emu = await startTestEmulator();
    await emu.raw('POST', '/_emulator/faults', {
      kind: 'lost-response',
      method: 'POST',
      path: '**/additions',
    });
    const body = {
      product: { id: DEMO_IDS.itemLinkable },
      billCustomer: 'Billable',
      serialNumber: 'csp:marker-1',
    };
    await expect(emu.api('POST', '/finance/agreements/1040/additions', body, DEMO_HEADERS)).rejects.toThrow();
    const found = await emu.api(
      'GET',
      `/finance/agreements/1040/additions?conditions=${encodeURIComponent('serialNumber="csp:marker-1"')}`,
    );
    expect(found.body).toHaveLength(1);
  });

  it('logs requests by normalised route, without the admin API', async () => {
    emu = await startTestEmulator();
    await emu.raw('GET', '/login/companyinfo/demo');
    await emu.api('GET', '/finance/agreements/1040/additions');
    await emu.api('GET', '/finance/agreements/1041/additions/count');
    await emu.api('PATCH', '/procurement/catalog/812', [{ op: 'replace', path: 'cost', value: 5 }]);
    await emu.raw('GET', '/_emulator/state');
    expect((await emu.raw('GET', '/_emulator/requests')).body).toEqual({
      total: 4,
      counts: {
        'GET /finance/agreements/{id}/additions': 1,
        'GET /finance/agreements/{id}/additions/count': 1,
        'GET /login/companyinfo/{companyId}': 1,
        'PATCH /procurement/catalog/{id}': 1,
      },
    });
    expect(emu.requests.count('PATCH', '**')).toBe(1);
  });

  it('the clock drives agreement status: Brightline becomes Active next month', async () => {
    emu = await startTestEmulator();
    const brightline = 1049;
    expect((await emu.api('GET', `/finance/agreements/${brightline}`)).body.agreementStatus).toBe('Inactive');
    await emu.raw('PUT', '/_emulator/clock', { now: '2026-04-01T08:00:00Z' });
    expect((await emu.api('GET', `/finance/agreements/${brightline}`)).body.agreementStatus).toBe('Active');
  });
});

describe('query string length (IIS request filtering)', () => {
  it('answers a query over maxQueryLength with the 404.15 page, so batched id lists must be chunked', async () => {
    emu = await startTestEmulator({ limits: { maxQueryLength: 100 } });
    const ids = (n: number) => Array.from({ length: n }, (_, i) => 250 + i).join(',');
    const short = await emu.api(
      'GET',
      `/company/companies?conditions=${encodeURIComponent(`id in (${ids(10)})`)}`,
    );
    expect(short.body).toHaveLength(10);
    const long = await emu.api(
      'GET',
      `/company/companies?conditions=${encodeURIComponent(`id in (${ids(25)})`)}`,
    );
    expect(long.status).toBe(404);
    expect(long.body).toMatch(/HTTP Error 404\.15.*query string is too long/);
    expect(emu.limits.limits.maxQueryLength).toBe(100);
  });
});
