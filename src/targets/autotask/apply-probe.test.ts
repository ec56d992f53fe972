import { describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_IDS } from '../../../emulators/autotask';
import { demoEmulatorPerTest } from '../../../test/support/demo-emulator';
import { dec } from '../../core/money/decimal';
import type { PlannedOperation } from '../../core/ports/target';
import type { PlainDate } from '../../core/time/plain-date';

const demo = demoEmulatorPerTest();
const adapter = demo.adapter;

type Op<K extends PlannedOperation['kind']> = Extract<PlannedOperation, { kind: K }>;

const newProduct = (over: Partial<Op<'create-product'>> = {}): Op<'create-product'> => ({
  kind: 'create-product',
  key: 'p1',
  offerKey: 'CFQ7TTC0LCHC:0002',
  name: 'PC_CFQ7TTC0LCHC:0002',
  description: 'Microsoft 365 Business Premium',
  unitPrice: dec('22.5'),
  unitCost: dec('19.8'),
  period: 'yearly',
  billingCodeId: String(DEMO_IDS.codeCloud),
  vendorId: String(DEMO_IDS.microsoft),
  ...over,
});

/** The first demo contract (from 2026-02-01) has Managed Workstation x 5 on line `LINE`. */
const CONTRACT = String(DEMO_IDS.firstContract);
const WORKSTATION = String(DEMO_IDS.serviceWorkstation);
const line = () =>
  String(
    [...demo.emu.state.tables.ContractServices.values()].find((l) => String(l.contractID) === CONTRACT)?.id,
  );

const adjust = (over: Partial<Op<'adjust-contract-line'>> = {}): Op<'adjust-contract-line'> => ({
  kind: 'adjust-contract-line',
  key: 'a1',
  customerTenantId: 't1',
  offerKey: 'o1',
  contractId: CONTRACT,
  productId: WORKSTATION,
  contractLineId: line(),
  effectiveDate: '2026-03-20' as PlainDate,
  unitChange: dec(3),
  unitPrice: undefined,
  unitCost: undefined,
  unitsBefore: dec(5),
  unitsAfter: dec(8),
  ...over,
});

const unitsOn = async (lineId: string, date: string) =>
  (await demo.emu.raw('GET', `/_emulator/units?contractServiceId=${lineId}&date=${date}`)).body;

describe('apply', () => {
  it('create-product: a Service with name, description, prices, billing code, vendor, period, active', async () => {
    const r = await adapter().apply({}, newProduct());
    expect(r.ok).toBe(true);
    const id = r.ok ? Number(r.value.targetId) : 0;
    expect(demo.emu.state.tables.Services.get(id)).toMatchObject({
      name: 'PC_CFQ7TTC0LCHC:0002',
      description: 'Microsoft 365 Business Premium',
      unitPrice: 22.5,
      unitCost: 19.8,
      periodType: 5,
      billingCodeID: DEMO_IDS.codeCloud,
      vendorCompanyID: DEMO_IDS.microsoft,
      isActive: true,
    });
  });

  it('create-product: a taken name is a conflict carrying the PSA message', async () => {
    const r = await adapter().apply({}, newProduct({ name: 'pc_cfq7ttc0lh18:0001', period: 'monthly' }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect([r.error.kind, r.error.outcomeUnknown]).toEqual(['conflict', false]);
    expect(r.error.vendorMessages[0]).toContain("Violation of UNIQUE KEY constraint 'IX_service'");
    expect(r.error.message).toContain('IX_service');
  });

  it('update-product-price: PATCHes price and cost only; probe tells before from after', async () => {
    const a = adapter();
    const op: Op<'update-product-price'> = {
      kind: 'update-product-price',
      key: 'u1',
      offerKey: 'o',
      productId: String(DEMO_IDS.serviceCollision),
      from: { unitPrice: dec(6), unitCost: dec('5.4') },
      unitPrice: dec('6.6'),
      unitCost: dec('5.94'),
    };
    expect(await a.probe({}, op)).toEqual({ ok: true, value: 'absent' });
    expect(await a.apply({}, op)).toEqual({ ok: true, value: { targetId: op.productId } });
    expect(demo.emu.state.tables.Services.get(DEMO_IDS.serviceCollision)).toMatchObject({
      unitPrice: 6.6,
      unitCost: 5.94,
    });
    expect(demo.emu.requests.count('PATCH', '/V1.0/Services')).toBe(1);
    expect(await a.probe({}, op)).toEqual({ ok: true, value: { targetId: op.productId } });
    const other = await a.probe(
      {},
      { ...op, from: { unitPrice: dec(1), unitCost: dec(1) }, unitPrice: dec(2) },
    );
    expect(other.ok ? other.value : other.error.kind).toBe('conflict');
  });

  it('adjust-contract-line on an existing line: unit change from the effective date', async () => {
    const r = await adapter().apply({}, adjust());
    expect(r).toEqual({ ok: true, value: { targetId: line() } });
    expect(await unitsOn(line(), '2026-03-19')).toMatchObject({ units: 5 });
    expect(await unitsOn(line(), '2026-03-20')).toMatchObject({ units: 8, price: 45 });
    expect(demo.emu.requests.count('POST', '/V1.0/Contracts/{id}/ServiceAdjustments')).toBe(1);
  });

  it('adjust-contract-line without a line: the PSA creates it; one write, no read-back (the engine reads it back in a batch); probe finds it', async () => {
    const contractId = String(DEMO_IDS.firstContract + 1);
    const backup = String(DEMO_IDS.serviceWorkstation + 2);
    const op = adjust({
      contractId,
      productId: backup,
      contractLineId: undefined,
      effectiveDate: '2026-03-01' as PlainDate,
      unitsBefore: dec(0),
      unitsAfter: dec(3),
      unitPrice: dec('4.75'),
      unitCost: dec('2.1'),
    });
    const a = adapter();
    expect(await a.probe({}, op)).toEqual({ ok: true, value: 'absent' });
    const r = await a.apply({}, op);
    const created = [...demo.emu.state.tables.ContractServices.values()].find(
      (l) => String(l.contractID) === contractId && String(l.serviceID) === backup,
    );
    // Autotask answers {"itemId":null}: the id is unknown here and no ContractServices query follows the write.
    expect(r).toEqual({ ok: true, value: { targetId: undefined } });
    expect(demo.emu.requests.count('POST', '/V1.0/ContractServices/query')).toBe(0);
    expect(created).toBeDefined();
    expect(await unitsOn(String(created?.id), '2026-03-31')).toMatchObject({
      units: 3,
      price: 4.75,
      cost: 2.1,
    });
    expect(await a.probe({}, op)).toEqual({ ok: true, value: { targetId: String(created?.id) } });
  });

  it('a price-only adjustment (unitChange 0) on a period start: probe absent, then landed', async () => {
    const a = adapter();
    const op = adjust({
      effectiveDate: '2026-04-01' as PlainDate,
      unitChange: dec(0),
      unitsBefore: dec(5),
      unitsAfter: dec(5),
      unitPrice: dec(50),
      unitCost: dec(20),
    });
    expect(await a.probe({}, op)).toEqual({ ok: true, value: 'absent' });
    expect((await a.apply({}, op)).ok).toBe(true);
    expect(await unitsOn(line(), '2026-04-01')).toMatchObject({ units: 5, price: 50, cost: 20 });
    expect(await a.probe({}, op)).toEqual({ ok: true, value: { targetId: line() } });
  });

  it('an adjustment outside the contract dates is a validation error with the PSA text', async () => {
    const r = await adapter().apply({}, adjust({ effectiveDate: '2025-12-01' as PlainDate }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('validation');
    expect(r.error.outcomeUnknown).toBe(false);
    expect(r.error.vendorMessages[0]).toMatch(/effectiveDate must be between the start date and end date/);
  });

  it('a second adjustment of the line on the same day is refused as a conflict', async () => {
    const a = adapter();
    expect((await a.apply({}, adjust())).ok).toBe(true);
    const again = await a.apply({}, adjust());
    expect(again.ok ? 'ok' : [again.error.kind, again.error.outcomeUnknown]).toEqual(['conflict', false]);
    if (!again.ok)
      expect(again.error.vendorMessages[0]).toMatch(/duplicate data into contract_service_period/);
  });

  it('values Autotask cannot take are validation errors, not exceptions', async () => {
    const r = await adapter().apply({}, adjust({ unitChange: dec('1.5') }));
    expect(r.ok ? 'ok' : r.error.kind).toBe('validation');
    const bad = await adapter().apply({}, newProduct({ billingCodeId: 'code-7' }));
    expect(bad.ok ? 'ok' : bad.error.kind).toBe('validation');
  });
});

describe('probe after an unknown outcome', () => {
  it('create-product: a lost response is outcome-unknown, and probe finds the created service', async () => {
    demo.emu.faults.inject({ kind: 'lost-response', method: 'POST', path: '**/V1.0/Services' });
    const a = adapter();
    const r = await a.apply({}, newProduct());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.outcomeUnknown).toBe(true);
    expect(demo.emu.requests.count('POST', '/V1.0/Services')).toBe(1);
    const created = [...demo.emu.state.tables.Services.values()].find(
      (s) => s.name === 'PC_CFQ7TTC0LCHC:0002',
    );
    expect(await a.probe({}, newProduct())).toEqual({ ok: true, value: { targetId: String(created?.id) } });
  });

  it('create-product: a request that hung before landing probes absent and can be sent again', async () => {
    demo.emu.faults.inject({ kind: 'hang', method: 'POST', path: '**/V1.0/Services' });
    const a = adapter({ timeoutMs: 250 });
    const r = await a.apply({}, newProduct());
    expect(r.ok ? 'ok' : [r.error.kind, r.error.outcomeUnknown]).toEqual(['timeout', true]);
    expect(await a.probe({}, newProduct())).toEqual({ ok: true, value: 'absent' });
    expect((await a.apply({}, newProduct())).ok).toBe(true);
  });

  it('create-product: a same-named service that is not ours is a conflict', async () => {
    const op = newProduct({
      name: 'PC_CFQ7TTC0LH18:0001',
      billingCodeId: String(DEMO_IDS.codeManagedServices),
    });
    const r = await adapter().probe({}, op);
    expect(r.ok ? r.value : r.error.kind).toBe('conflict');
  });

  it('adjust-contract-line: lost response -> landed; hang -> absent; other units -> conflict', async () => {
    const a = adapter({ timeoutMs: 250 });
    demo.emu.faults.inject({ kind: 'lost-response', method: 'POST', path: '**/ServiceAdjustments' });
    const lost = await a.apply({}, adjust());
    expect(lost.ok ? 'ok' : lost.error.outcomeUnknown).toBe(true);
    expect(await a.probe({}, adjust())).toEqual({ ok: true, value: { targetId: line() } });

    const next = adjust({
      effectiveDate: '2026-05-01' as PlainDate,
      unitsBefore: dec(8),
      unitsAfter: dec(6),
    });
    demo.emu.faults.inject({ kind: 'hang', method: 'POST', path: '**/ServiceAdjustments' });
    const hung = await a.apply({}, { ...next, unitChange: dec(-2) });
    expect(hung.ok ? 'ok' : hung.error.outcomeUnknown).toBe(true);
    expect(await a.probe({}, next)).toEqual({ ok: true, value: 'absent' });

    const stale = await a.probe({}, adjust({ unitsBefore: dec(1), unitsAfter: dec(2) }));
    expect(stale.ok ? stale.value : stale.error.kind).toBe('conflict');
    expect(demo.emu.state.tables.ContractServiceAdjustments.size).toBe(9);
  });
});
