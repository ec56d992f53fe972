import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo-seed';
import { ALL, DEMO_HEADERS, type Json, startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

const FABRIKAM = DEMO_IDS.firstContract + 1;
const adjustment = { serviceID: DEMO_IDS.serviceCollision, effectiveDate: '2026-03-10', unitChange: 10 };

describe('admin API: faults, clock and request counts', () => {
  it('lost-response: the adjustment is applied, the client gets no answer, a blind retry is refused', async () => {
    const path = `/ATServicesRest/V1.0/Contracts/${FABRIKAM}/ServiceAdjustments`;
    await emu.raw('POST', '/_emulator/faults', {
      kind: 'lost-response',
      method: 'POST',
      path: '**/ServiceAdjustments',
    });
    await expect(emu.raw('POST', path, adjustment, DEMO_HEADERS)).rejects.toThrow();
    const line = (await emu.api('GET', `/Contracts/${FABRIKAM}/Services`)).body.items[0];
    expect(
      (await emu.raw('GET', `/_emulator/units?contractServiceId=${line.id}&date=2026-03-10`)).body.units,
    ).toBe(10);
    const retry = await emu.raw('POST', path, adjustment, DEMO_HEADERS);
    expect(retry.body.errors).toEqual(['Attempt to insert duplicate data into contract_service_period.']);
    expect((await emu.raw('GET', '/_emulator/requests')).body.counts).toMatchObject({
      'POST /V1.0/Contracts/{id}/ServiceAdjustments': 2,
    });
    expect((await emu.raw('GET', '/_emulator/faults')).body.faults[0]).toMatchObject({
      hits: 1,
      remaining: 0,
    });
  });

  it('429 with Retry-After, then 500 and 503, each for N occurrences, nothing written', async () => {
    await emu.raw('POST', '/_emulator/faults', [
      { kind: '429', method: 'POST', path: '/atservicesrest/v1.0/services', retryAfter: 30 },
      { kind: '500', method: 'POST', path: '/atservicesrest/v1.0/services', count: 2 },
      { kind: '503', method: 'POST', path: '/atservicesrest/v1.0/services' },
    ]);
    const body = { name: 'New', billingCodeID: DEMO_IDS.codeCloud, periodType: 2, unitPrice: 1 };
    const results: Json[] = [];
    for (let i = 0; i < 5; i++) results.push(await emu.api('POST', '/Services', body));
    expect(results.map((r) => r.status)).toEqual([429, 500, 500, 503, 200]);
    expect(results[0].headers.get('retry-after')).toBe('30');
    expect(results[1].body).toEqual({ errors: ['An unexpected error has occurred.'] });
    const count = await emu.api('POST', '/Services/query/count', {
      filter: [{ op: 'eq', field: 'name', value: 'New' }],
    });
    expect(count.body.queryCount).toBe(1);
  });

  it('hang: the client times out and nothing is written', async () => {
    await emu.raw('POST', '/_emulator/faults', {
      kind: 'hang',
      method: 'POST',
      path: '**/ServiceAdjustments',
    });
    const controller = new AbortController();
    const pending = fetch(`${emu.base}/ATServicesRest/V1.0/Contracts/${FABRIKAM}/ServiceAdjustments`, {
      method: 'POST',
      headers: { ...DEMO_HEADERS, 'Content-Type': 'application/json' },
      body: JSON.stringify(adjustment),
      signal: controller.signal,
    });
    await expect.poll(() => emu.requests.count('POST', '**/ServiceAdjustments')).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect((await emu.api('GET', `/Contracts/${FABRIKAM}/Services`)).body.items).toEqual([]);
  });

  it('slow: delays through the injected sleep and then answers', async () => {
    await emu.raw('POST', '/_emulator/faults', { kind: 'slow', path: '**/Companies/query', delayMs: 1500 });
    expect((await emu.api('POST', '/Companies/query', ALL)).status).toBe(200);
    expect(emu.slept).toEqual([1500]);
  });

  it('the clock can be set and advanced; it decides "today" for new contract lines', async () => {
    await emu.raw('PUT', '/_emulator/clock', { now: '2026-06-10T12:00:00Z' });
    await emu.raw('POST', '/_emulator/clock/advance', { days: 5 });
    const line = { serviceID: DEMO_IDS.serviceWorkstation };
    const id = (await emu.api('POST', `/Contracts/${FABRIKAM}/Services`, line)).body.itemId;
    const filter = [{ op: 'eq', field: 'contractServiceID', value: id }];
    const rows = (await emu.api('POST', '/ContractServiceUnits/query', { filter })).body.items;
    expect(rows[0]).toMatchObject({ startDate: '2026-06-15T00:00:00Z', units: 0 });
  });

  it('counts requests by route and resets', async () => {
    await emu.api('POST', '/Companies/query', ALL);
    await emu.api('POST', '/companies/QUERY', ALL);
    await emu.api('GET', `/Companies/${DEMO_IDS.microsoft}`);
    const counts = (await emu.raw('GET', '/_emulator/requests')).body;
    expect(counts).toEqual({
      total: 3,
      counts: { 'GET /V1.0/Companies/{id}': 1, 'POST /V1.0/Companies/query': 2 },
    });
    await emu.raw('DELETE', '/_emulator/requests');
    expect((await emu.raw('GET', '/_emulator/requests')).body.total).toBe(0);
  });
});
