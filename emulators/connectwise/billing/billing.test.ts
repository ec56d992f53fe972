import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../demo/demo-seed';
import { startTestEmulator, type TestEmulator } from '../testing';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.close();
});

const PRORATING = 1040; // Contoso, Managed Services, monthly from 2026-02-01, Managed Workstation x 5 at 45.00
const NOT_PRORATING = 1041; // Fabrikam, Microsoft CSP
const premium = { product: { id: DEMO_IDS.itemLinkable }, billCustomer: 'Billable', quantity: 3 };
const add = async (agreement: number, body: Record<string, unknown>) =>
  (await emu.api('POST', `/finance/agreements/${agreement}/additions`, { ...premium, ...body })).body
    .id as number;

async function month(agreementId: number, m: string) {
  const res = await emu.raw('GET', `/_emulator/billing?agreementId=${agreementId}&from=${m}`);
  expect(res.status).toBe(200);
  return res.body.months[0];
}
const amounts = (m: { lines: Array<{ additionId: number; amount: string }> }) =>
  Object.fromEntries(m.lines.map((l) => [l.additionId, l.amount]));

describe('billing report (GET /_emulator/billing)', () => {
  it('bills whole periods in full and prorates a mid-period start by days on a prorating agreement', async () => {
    const id = await add(PRORATING, { effectiveDate: '2026-03-10T00:00:00Z' });
    const march = await month(PRORATING, '2026-03');
    // 3 x 26.40 x 22 / 31 = 56.21; the workstations 5 x 45.00.
    expect(amounts(march)).toEqual({ 5500: '225.00', [id]: '56.21' });
    expect(march.total).toEqual({ amount: '281.21', cost: '46.84' });
    expect(amounts(await month(PRORATING, '2026-04'))).toEqual({ 5500: '225.00', [id]: '79.20' });
  });

  it('a cancelled date is the last billed day', async () => {
    const id = await add(PRORATING, {
      effectiveDate: '2026-03-01T00:00:00Z',
      cancelledDate: '2026-03-15T00:00:00Z',
    });
    expect(amounts(await month(PRORATING, '2026-03'))[id]).toBe('38.32'); // 79.20 x 15 / 31
    expect(amounts(await month(PRORATING, '2026-04'))[id]).toBeUndefined();
  });

  it('without proration a partial period bills 0 or in full (rules.unproratedPartialPeriod)', async () => {
    const late = await add(NOT_PRORATING, { effectiveDate: '2026-03-10T00:00:00Z' });
    const early = await add(NOT_PRORATING, {
      effectiveDate: '2026-03-01T00:00:00Z',
      cancelledDate: '2026-03-10T00:00:00Z',
    });
    expect(amounts(await month(NOT_PRORATING, '2026-03'))).toEqual({ [late]: '0.00', [early]: '79.20' });
    await emu.raw('PUT', '/_emulator/rules', { unproratedPartialPeriod: 'bill-full' });
    expect(amounts(await month(NOT_PRORATING, '2026-03'))).toEqual({ [late]: '79.20', [early]: '79.20' });
  });

  it('NoCharge and DoNotBill lines bill nothing but keep their cost; lessIncluded is not billed', async () => {
    const free = await add(PRORATING, { effectiveDate: '2026-04-01T00:00:00Z', billCustomer: 'NoCharge' });
    const included = await add(PRORATING, {
      effectiveDate: '2026-04-01T00:00:00Z',
      quantity: 5,
      lessIncluded: 2,
    });
    const april = await month(PRORATING, '2026-04');
    expect(amounts(april)).toMatchObject({ [free]: '0.00', [included]: '79.20' });
    expect(april.lines.find((l: { additionId: number }) => l.additionId === free).cost).toBe('66.00');
  });

  it('quarterly and one-time agreements bill per their cycle', async () => {
    const quarterly = 1053; // Redwood Logistics, quarterly from 2024-07-01
    const q = await add(quarterly, { effectiveDate: '2026-01-01T00:00:00Z' });
    const january = await month(quarterly, '2026-01');
    expect(january.lines.find((l: { additionId: number }) => l.additionId === q)).toMatchObject({
      periodStart: '2026-01-01',
      periodEnd: '2026-03-31',
      amount: '79.20',
    });
    expect((await month(quarterly, '2026-02')).lines).toEqual([]);
    const blockHours = 1058; // Keystone Engineering, one-time billing cycle from 2026-01-01
    const once = await add(blockHours, { effectiveDate: '2026-02-10T00:00:00Z' });
    expect(amounts(await month(blockHours, '2026-01'))).toEqual({ [once]: '79.20' });
  });

  it('refuses a bad query and an unknown agreement', async () => {
    expect((await emu.raw('GET', '/_emulator/billing?agreementId=1040&from=2026-13')).status).toBe(400);
    expect((await emu.raw('GET', '/_emulator/billing?agreementId=1040&from=2026-03&to=2026-01')).status).toBe(
      400,
    );
    expect((await emu.raw('GET', '/_emulator/billing?agreementId=9&from=2026-03')).status).toBe(404);
  });
});

describe('agreement invoicing (POST /_emulator/invoice)', () => {
  it('invoices open periods through a date, in order, and moves nextInvoiceDate', async () => {
    expect((await emu.api('GET', `/finance/agreements/${PRORATING}`)).body.nextInvoiceDate).toBe(
      '2026-02-01T00:00:00Z',
    );
    const res = await emu.raw('POST', '/_emulator/invoice', {
      through: '2026-03-01',
      agreementId: PRORATING,
    });
    expect(res.body.invoiced).toEqual([
      {
        agreementId: PRORATING,
        periodStart: '2026-02-01',
        periodEnd: '2026-02-28',
        amount: '225.00',
        cost: '0.00',
      },
      {
        agreementId: PRORATING,
        periodStart: '2026-03-01',
        periodEnd: '2026-03-31',
        amount: '225.00',
        cost: '0.00',
      },
    ]);
    expect((await emu.api('GET', `/finance/agreements/${PRORATING}`)).body.nextInvoiceDate).toBe(
      '2026-04-01T00:00:00Z',
    );
    expect(
      (await emu.raw('POST', '/_emulator/invoice', { through: '2026-03-01', agreementId: PRORATING })).body
        .invoiced,
    ).toEqual([]);
    expect((await emu.raw('POST', '/_emulator/invoice', { through: 'March' })).status).toBe(400);
  });

  it('frozen: a change to an invoiced period is never billed', async () => {
    await emu.raw('POST', '/_emulator/invoice', { through: '2026-03-01', agreementId: PRORATING });
    const id = await add(PRORATING, { effectiveDate: '2026-03-10T00:00:00Z' });
    const march = await month(PRORATING, '2026-03');
    expect(march.lines.every((l: { invoiced: boolean }) => l.invoiced)).toBe(true);
    expect(amounts(march)).toEqual({ 5500: '225.00' });
    expect(amounts(await month(PRORATING, '2026-04'))).toEqual({ 5500: '225.00', [id]: '79.20' });
  });

  it('catch-up: the difference is billed once, on the next invoice', async () => {
    await emu.raw('PUT', '/_emulator/rules', { invoicedPeriodEdits: 'catch-up' });
    await emu.raw('POST', '/_emulator/invoice', { through: '2026-03-01', agreementId: PRORATING });
    const id = await add(PRORATING, { effectiveDate: '2026-03-10T00:00:00Z' });
    await emu.api('PATCH', `/finance/agreements/${PRORATING}/additions/5500`, [
      { op: 'replace', path: 'quantity', value: 4 },
    ]);
    const april = await month(PRORATING, '2026-04');
    expect(april.lines.filter((l: { correctsPeriod?: string }) => l.correctsPeriod)).toEqual([
      expect.objectContaining({ additionId: 5500, amount: '-45.00', correctsPeriod: '2026-02-01' }),
      expect.objectContaining({ additionId: 5500, amount: '-45.00', correctsPeriod: '2026-03-01' }),
      expect.objectContaining({ additionId: id, amount: '56.21', correctsPeriod: '2026-03-01' }),
    ]);
    await emu.raw('POST', '/_emulator/invoice', { through: '2026-04-01', agreementId: PRORATING });
    const may = await month(PRORATING, '2026-05');
    expect(may.lines.some((l: { correctsPeriod?: string }) => l.correctsPeriod)).toBe(false);
    // April: 4 x 45.00 + 79.20, and the catch-ups -45.00 - 45.00 + 56.21.
    expect((await month(PRORATING, '2026-04')).total.amount).toBe('225.41');
  });
});
