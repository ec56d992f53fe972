import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_IDS } from '../../../emulators/autotask';
import { startTestEmulator, type TestEmulator } from '../../../emulators/autotask/testing';
import type { TargetContext } from '../../core/ports/target';
import type { PlainDate } from '../../core/time/plain-date';
import { createAutotaskAdapter, forgetZone } from './index';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
  forgetZone();
});
afterEach(async () => {
  await emu.close();
});

const adapter = () =>
  createAutotaskAdapter({
    username: DEMO_CREDENTIALS.userName,
    secret: DEMO_CREDENTIALS.secret,
    integrationCode: DEMO_CREDENTIALS.integrationCode,
    discoveryUrl: `${emu.base}/ATServicesRest/`,
    sleep: async () => {},
    now: () => Date.parse('2026-03-15T10:00:00Z'),
  });

const recurringContractIds = () =>
  [...emu.state.tables.Contracts.values()].filter((c) => c.contractType === 7).map((c) => String(c.id));

describe('readState', () => {
  it('reads everything in a fixed number of batched requests, whatever the number of contracts', async () => {
    const all = recurringContractIds();
    expect(all.length).toBeGreaterThan(20);
    const counts: number[] = [];
    for (const ids of [all.slice(0, 2), all]) {
      emu.requests.reset();
      forgetZone();
      const seen: string[] = [];
      const ctx: TargetContext = { onRequest: (method, path) => seen.push(`${method} ${path}`) };
      const snap = await adapter().readState(ctx, { directory: true, products: true, contractIds: ids });
      expect(snap.contracts.length).toBeGreaterThanOrEqual(ids.length);
      counts.push(emu.requests.count());
      // The context hears of every request the emulator saw.
      expect(seen).toHaveLength(emu.requests.count());
    }
    expect(counts[0]).toBe(counts[1]);
    // zone, threshold, 2 picklists, companies, contracts (directory), billing codes, services,
    // contracts (by id), contract services, contract service units, contract charges.
    expect(counts[1]).toBeLessThanOrEqual(13);
    expect(emu.requests.count('*', '/V1.0/Contracts/{id}/**')).toBe(0);
    expect(emu.requests.count('GET', '/V1.0/*/{id}')).toBe(0);
  });

  it('maps companies, contracts, billing codes and products to the port types', async () => {
    const snap = await adapter().readState({}, { directory: true, products: true });
    expect(snap.takenAt).toBe('2026-03-15T10:00:00.000Z');
    const microsoft = snap.companies.find((c) => c.id === String(DEMO_IDS.microsoft));
    expect(microsoft).toEqual({
      id: String(DEMO_IDS.microsoft),
      name: 'Microsoft',
      kind: 'vendor',
      active: true,
    });
    expect(snap.companies.filter((c) => c.kind === 'customer')).toHaveLength(25);
    // Prospects and leads are not in the directory.
    expect(snap.companies.some((c) => c.name === 'Granite Peak Dental')).toBe(false);
    expect(snap.contracts.every((c) => c.recurring)).toBe(true);
    const first = snap.contracts.find((c) => c.id === String(DEMO_IDS.firstContract));
    expect(first).toMatchObject({
      companyId: String(DEMO_IDS.firstCompany),
      startDate: '2026-02-01',
      active: true,
    });
    expect(first?.endDate).toBe('2029-01-31');
    const codes = snap.billingCodes.filter((b) => b.recurringContractService).map((b) => [b.name, b.active]);
    expect(codes).toEqual([
      ['Managed Services', true],
      ['Cloud and SaaS', true],
      ['Legacy Hosting', false],
    ]);
    expect(snap.billingCodes.length).toBeGreaterThan(codes.length);
    const backup = snap.products.find((p) => p.name === 'Backup - Microsoft 365');
    expect(backup).toMatchObject({
      period: 'monthly',
      active: true,
      billingCodeId: String(DEMO_IDS.codeCloud),
      vendorId: String(DEMO_IDS.microsoft + 1),
    });
    expect([backup?.unitPrice.toString(), backup?.unitCost.toString()]).toEqual(['4.5', '2.1']);
    expect(snap.products.find((p) => p.name === 'Legacy Email Hosting')?.active).toBe(false);
    expect(snap.contractLines).toEqual([]);
    expect(snap.unitSegments).toEqual([]);
  });

  it('maps contract lines and unit rows: half-open segments, posted periods, exact decimals', async () => {
    const contractId = String(DEMO_IDS.firstContract);
    const lineId = [...emu.state.tables.ContractServices.values()].find(
      (l) => String(l.contractID) === contractId,
    )?.id as number;
    await emu.raw('POST', '/_emulator/approve-and-post', {
      through: '2026-02-28',
      contractId: Number(contractId),
    });
    // A price change from 10 March: the March row splits.
    const api = await emu.api('POST', `/Contracts/${contractId}/ServiceAdjustments`, {
      contractServiceID: lineId,
      effectiveDate: '2026-03-10',
      unitChange: 2,
      adjustedUnitPrice: 47.255,
      adjustedUnitCost: 30.1,
    });
    expect(api.status).toBe(200);
    const snap = await adapter().readState({}, { contractIds: [contractId] });
    expect(snap.contractLines).toEqual([
      expect.objectContaining({
        id: String(lineId),
        contractId,
        productId: String(DEMO_IDS.serviceWorkstation),
      }),
    ]);
    const [feb, marchA, marchB, april] = snap.unitSegments;
    expect(feb).toMatchObject({ start: '2026-02-01', end: '2026-03-01', posted: true });
    expect(marchA).toMatchObject({ start: '2026-03-01', end: '2026-03-10', posted: false });
    expect(marchB).toMatchObject({ start: '2026-03-10', end: '2026-04-01', contractLineId: String(lineId) });
    expect([marchA?.units.toString(), marchB?.units.toString()]).toEqual(['5', '7']);
    expect([marchB?.price?.toString(), marchB?.cost?.toString()]).toEqual(['47.26', '30.1']);
    expect(april?.start).toBe('2026-04-01');
    expect(snap.unitSegments.at(-1)?.end).toBe('2029-02-01');

    // Only the segments still running on a given day, when the caller says so.
    const recent = await adapter().readState(
      {},
      { contractIds: [contractId], unitsFrom: '2029-01-01' as PlainDate },
    );
    expect(recent.unitSegments.map((s) => s.start)).toEqual(['2029-01-01']);

    // A window of days (issue 14): only the rows that overlap it are sent; inside it every day is as in the full
    // reading, after it the line carries its last state to the contract's end, as when rows stop early.
    const windowed = await adapter().readState(
      {},
      {
        contractIds: [contractId],
        unitDays: { start: '2026-03-05' as PlainDate, end: '2026-05-01' as PlainDate },
      },
    );
    // March (split by the change) and April are read; no row from May on: April's state is carried from 1 May.
    expect(
      windowed.unitSegments.filter((x) => x.contractLineId === String(lineId)).map((x) => [x.start, x.end]),
    ).toEqual([
      ['2026-03-01', '2026-03-10'],
      ['2026-03-10', '2026-04-01'],
      ['2026-04-01', '2026-05-01'],
      ['2026-05-01', '2029-02-01'],
    ]);
    const billed = (list: typeof snap.unitSegments, day: string) =>
      list.find((x) => x.contractLineId === String(lineId) && x.start <= day && day < x.end);
    for (const day of ['2026-03-05', '2026-03-09', '2026-03-10', '2026-04-30']) {
      const [a, b] = [billed(windowed.unitSegments, day), billed(snap.unitSegments, day)];
      expect([a?.units.toString(), a?.price?.toString(), a?.posted]).toEqual([
        b?.units.toString(),
        b?.price?.toString(),
        b?.posted,
      ]);
    }
    expect(windowed.unitSegments.some((x) => x.start < '2026-03-01')).toBe(false);
    expect(windowed.unitSegments.at(-1)).toMatchObject({ end: '2029-02-01' });
    expect(billed(windowed.unitSegments, '2028-06-15')?.units.toString()).toBe(
      billed(snap.unitSegments, '2028-06-15')?.units.toString(),
    );
    // Change days inside the window are the same (1 Feb, the line's first row, is outside it).
    const inside = (days: readonly string[] | undefined) => (days ?? []).filter((x) => x >= '2026-03-05');
    expect(inside(windowed.contractLines.find((l) => l.id === String(lineId))?.changeDays)).toEqual(
      inside(snap.contractLines.find((l) => l.id === String(lineId))?.changeDays),
    );
    expect(inside(snap.contractLines.find((l) => l.id === String(lineId))?.changeDays)).toEqual([
      '2026-03-10',
    ]);
  });

  it('retries a 503 on a read and stops at once when the context is aborted', async () => {
    emu.faults.inject({ kind: '503', path: '**/Services/query' });
    const snap = await adapter().readState({}, { products: true });
    expect(snap.products).toHaveLength(5);
    expect(emu.requests.count('POST', '/V1.0/Services/query')).toBe(2);
    const controller = new AbortController();
    controller.abort();
    await expect(adapter().readState({ signal: controller.signal }, { products: true })).rejects.toThrow();
  });
});
