import { afterEach, describe, expect, it } from 'vitest';
import { IDS } from '../support/autotask-world';
import { type CliScenario, createCliScenario } from '../support/cli-scenario';
import { CONTOSO, priceListFile, type ReconLineSpec, reconFile } from '../support/csp-files';

/**
 * Issue 11 through the CLI against the Autotask emulator: a PSA whose adjustments land a day late is caught by
 * the check after writing (one run's writes, then the customer is paused), and the shadow first sync compares
 * without writing until applied.
 */

const DECEMBER: ReconLineSpec[] = [
  { chargeStart: '2025-12-01', chargeEnd: '2025-12-31', quantity: 10, unitPrice: '20.00' },
];

let s: CliScenario | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function scenario(rules: Record<string, unknown> = {}): Promise<CliScenario> {
  s = await createCliScenario({ now: '2026-01-08T09:00:00Z', rules, inProcess: true });
  await s.setup();
  await s.importPriceList(priceListFile(s.dir, [{ cost: '20.00', erp: '23.10' }]));
  await s.importInvoice(reconFile(s.dir, 'G000001212', DECEMBER));
  return s;
}

const adjustments = (x: CliScenario) => x.emulator.requests.count('POST', '**/ServiceAdjustments');

describe('verify after writing, through the CLI', () => {
  it('adjustments that land a day late: exactly one run writes, the customer is paused, nothing more is written', async () => {
    const x = await scenario({ adjustmentDayShift: 1 });
    await x.map(CONTOSO.tenantId, { syncStart: '2026-01-01' });
    expect((await x.syncProducts({ asOf: '2026-01-08' })).code).toBe(0);
    const first = await x.syncCustomers({ asOf: '2026-01-08' });
    expect(first.code).toBe(1);
    expect(first.runs).toMatchObject([{ status: 'error', writes: 1 }]);
    const detail = await x.json<{
      message: string;
      lines: { status: string; messages: { text: string }[] }[];
    }>('run', 'show', first.runs[0]!.runId);
    expect(detail.message).toMatch(/does not bill what billsync wrote/);
    expect(detail.lines[0]!.messages.at(-1)!.text).toMatch(
      /^The PSA does not bill what billsync wrote: 01 Dec 2025: 0 units where billsync wrote 10/,
    );
    const customers =
      await x.json<{ tenantId: string; syncOn: boolean; pausedReason: string | null }[]>('customers');
    expect(customers).toMatchObject([{ tenantId: CONTOSO.tenantId, syncOn: false }]);
    expect(customers[0]!.pausedReason).toMatch(/^The PSA did not bill what billsync wrote/);
    // The daily sync of all customers leaves it alone; asking for it says it is paused and how to resume.
    const writes = adjustments(x);
    const again = await x.syncCustomers({ asOf: '2026-01-09' });
    expect(again.runs).toEqual([]);
    const asked = await x.run(
      '--json',
      'sync',
      'customers',
      '--customer',
      CONTOSO.tenantId,
      '--as-of',
      '2026-01-09',
    );
    expect(asked.code).not.toBe(0);
    expect(asked.stdout).toMatch(/paused.*switch its sync on again/);
    expect(adjustments(x)).toBe(writes);
  });
});

describe('shadow first sync, through the CLI', () => {
  it('a contract that already bills the offer: compared, nothing written; applied, written once', async () => {
    const x = await scenario();
    await x.json(
      ...['map', CONTOSO.tenantId, '--company', String(IDS.company), '--contract', String(IDS.contract)],
      ...['--start', '2026-01-01', '--sync', 'on', '--shadow', 'on'],
    );
    expect((await x.syncProducts({ asOf: '2026-01-08' })).code).toBe(0);
    // The MSP billed 8 seats by hand on the contract since November (at the service's retail).
    const service = [...x.emulator.state.tables.Services.values()].find(
      (v) => v.name === 'PC_CFQ7TTC0LCHC:0002',
    )!;
    const manual = await fetch(`${x.base}/ATServicesRest/V1.0/Contracts/${IDS.contract}/ServiceAdjustments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ApiIntegrationCode: 'E2ECODE',
        UserName: 'api@e2e.example',
        Secret: 'e2e-secret',
      },
      body: JSON.stringify({
        serviceID: service.id,
        effectiveDate: '2025-11-01',
        unitChange: 8,
        adjustedUnitPrice: 25,
        adjustedUnitCost: 20,
      }),
    });
    expect(manual.status).toBe(200);
    const before = adjustments(x);
    const run = await x.syncCustomers({ asOf: '2026-01-08' });
    expect(run.code).toBe(2);
    expect(run.runs).toMatchObject([{ status: 'awaiting_approval', writes: 0 }]);
    expect(adjustments(x)).toBe(before);
    const detail = await x.json<{
      lines: { comparison: { month: string; psa: string; invoices: string }[] | null }[];
    }>('run', 'show', run.runs[0]!.runId);
    // December: 8 x 25.00 billed by hand today; the invoice says 10 x 23.10.
    expect(detail.lines[0]!.comparison).toEqual([{ month: '2025-12', psa: '200.00', invoices: '231.00' }]);
    const applied = await x.json<unknown>('run', 'approve', run.runs[0]!.runId);
    expect([applied].flat()).toMatchObject([{ status: 'success', writes: 1 }]);
    expect(adjustments(x)).toBe(before + 1);
    const [cs] = await x.readback.contractServices(IDS.contract);
    expect((await x.readback.unitsOn(cs!.id, '2025-12-15')).toFixed()).toBe('10');
    const next = await x.syncCustomers({ asOf: '2026-01-08' });
    expect(next.runs).toMatchObject([{ status: 'no_change', writes: 0 }]);
  });
});
