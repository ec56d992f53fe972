import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AutotaskEmulator, createAutotaskEmulator, DEMO_CREDENTIALS } from '../../emulators/autotask';
import { createClock } from '../../emulators/kit';
import { seedDemo } from '../../src/cli/demo/seed-demo';
import type { WorkspaceId } from '../../src/core/ids';
import { dec, sumDecimals } from '../../src/core/money/decimal';
import { parseBillingPeriod, previousPeriod } from '../../src/core/time/billing-period';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listMappings } from '../../src/db/repos/sync';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import type { EngineDeps } from '../../src/engine/deps';
import { ALLOW_LOCAL_ENV } from '../../src/http';
import { createEngineDeps } from '../../src/runtime/engine';
import { SecretBox } from '../../src/runtime/secret-box';
import { systemClock } from '../../src/runtime/system-clock';
import { createTargetOpener } from '../../src/runtime/targets';
import {
  clearReconCache,
  reconCustomer,
  reconLeakage,
  reconMonth,
} from '../../src/services/reports/reconciliation';
import { forgetZone } from '../../src/targets/autotask';
import { AutotaskReadback } from '../support/autotask-readback';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * Issue 17 on the demo (12 months, 25 customers, the first syncs run): the reconciliation's figures checked
 * against independent readings. What the PSA bills per customer and month is read back from the Autotask
 * emulator with a third-party client (unit rows prorated by days, plus charges); Microsoft's cost per customer is
 * summed from the stored invoice lines by SQL; leakage lists every customer nobody bills with its spend.
 */
describe('reconciliation on the demo', { timeout: 240_000 }, () => {
  let db: TestDatabase;
  let pool: Pool;
  let emulator: AutotaskEmulator;
  let base: string;
  let ws: WorkspaceId;
  let deps: EngineDeps;
  const filesDir = mkdtempSync(join(tmpdir(), 'billsync-recon-demo-'));
  const allowLocal = process.env[ALLOW_LOCAL_ENV];

  beforeAll(async () => {
    process.env[ALLOW_LOCAL_ENV] = '1';
    db = await createTestDatabase('recon_demo');
    await migrate(db.url);
    pool = createPool(db.url, 4);
    emulator = createAutotaskEmulator({
      seed: 'demo' as never,
      clock: createClock({ ticking: true }),
      sleep: async () => {},
    });
    base = await emulator.listen(0);
    forgetZone();
    clearReconCache();
    ws = (await insertWorkspace(pool, 'Northbridge IT (demo)')).id as WorkspaceId;
    const box = new SecretBox(Buffer.alloc(32, 7));
    await seedDemo({ pool, box, clock: systemClock, workspaceId: ws, autotaskUrl: base, filesDir });
    deps = createEngineDeps({ pool, clock: systemClock, openTarget: createTargetOpener({ pool, box }) });
  });
  afterAll(async () => {
    if (allowLocal === undefined) delete process.env[ALLOW_LOCAL_ENV];
    else process.env[ALLOW_LOCAL_ENV] = allowLocal;
    await emulator?.close();
    await pool?.end();
    await db?.drop();
    rmSync(filesDir, { recursive: true, force: true });
  });

  it('PSA billed equals what Autotask bills, cost equals the invoice lines, and reading it twice costs no PSA call', async () => {
    const month = await reconMonth(deps, ws, 'autotask', {});
    expect(month.period).not.toBeNull();
    const period = parseBillingPeriod(month.period!);
    expect(month.customers.length).toBeGreaterThan(10);
    expect(month.psaCalls).toBeGreaterThan(0);
    // A few PSA calls per customer at most (batched reads), and none the second time (cached).
    expect(month.psaCalls).toBeLessThanOrEqual(3 * month.customers.length);
    expect((await reconMonth(deps, ws, 'autotask', {})).psaCalls).toBe(0);

    const readback = new AutotaskReadback(base, DEMO_CREDENTIALS);
    const mappings = new Map((await listMappings(pool, ws, 'autotask')).map((m) => [m.tenant_id, m]));
    for (const row of month.customers) {
      const now = await reconCustomer(deps, ws, 'autotask', { tenantId: row.tenantId, period });
      const before = await reconCustomer(deps, ws, 'autotask', {
        tenantId: row.tenantId,
        period: previousPeriod(period),
      });
      // Autotask bills in the month the licences of the month and the Azure usage of the month before.
      const fromRecon = sumDecimals([
        ...now.offers.filter((o) => o.kind === 'seats').map((o) => dec(o.billed)),
        ...before.offers.filter((o) => o.kind === 'azure').map((o) => dec(o.billed)),
      ]);
      const contract = Number(mappings.get(row.tenantId)!.contract_id);
      const bill = await readback.billedPerMonth(contract, period);
      // The MSP's own services on the contract (Managed Workstation) are not Microsoft's: left out.
      const microsoft = bill.services.filter((x) => x.serviceName.startsWith('PC_'));
      const billed = sumDecimals([...microsoft, ...bill.charges].map((x) => x.amount));
      const services = microsoft.length + bill.charges.length;
      expect(
        fromRecon
          .minus(billed)
          .abs()
          .lte(dec('0.01').times(Math.max(1, services))),
        `${row.name} ${period}: reconciliation ${fromRecon.toFixed(2)}, Autotask ${billed.toFixed(2)}`,
      ).toBe(true);
      // The customer's row is the sum of its offers.
      expect(row.billed).toBe(now.totals.billed);
      expect(row.cost).toBe(now.totals.cost);
    }

    // Microsoft's cost: each line of the invoices the sync reads (issued from the sync start on) counts with the
    // share of its days inside the period (the demo bills most subscriptions from mid-month to mid-month).
    const sql = await pool.query<{ tenant: string; cost: string }>(
      `select l.customer_tenant_id as tenant,
              sum(l.subtotal * greatest(0, least(l.charge_end, ($2::date + interval '1 month')::date)
                                           - greatest(l.charge_start, $2::date))
                  / (l.charge_end - l.charge_start))::text as cost
       from invoice_lines l
       join invoices i on i.workspace_id = l.workspace_id and i.id = l.invoice_id
       join customer_mappings m on m.workspace_id = l.workspace_id and m.target = 'autotask'
         and m.tenant_id = l.customer_tenant_id
       where l.workspace_id = $1 and l.billing_plan <> 'Annual' and l.product_id <> 'DZH318Z0BPS6'
         and (l.kind = 'license' or (l.kind = 'credit'
              and l.charge_type in ('cancel', 'cancelimmediate', 'removequantity', 'addquantity')))
         and i.issue_date >= m.sync_start and i.issue_date <= $3::date
       group by 1`,
      [ws, `${period}-01`, systemClock.today()],
    );
    for (const row of month.customers) {
      const c = await reconCustomer(deps, ws, 'autotask', { tenantId: row.tenantId, period });
      // Seat offers, billed or not (an offer the sync cannot bill shows its cost too); not Azure, not annual.
      const seats = c.offers.filter(
        (o) =>
          (o.kind === 'seats' || o.kind === 'problem') &&
          !o.offerKey.startsWith('DZH318Z0BPS6') &&
          !o.offerKey.includes('|Annual|'),
      );
      const seatsCost = sumDecimals(seats.map((o) => dec(o.cost)));
      const want = dec(sql.rows.find((r) => r.tenant === row.tenantId)?.cost ?? '0');
      expect(
        seatsCost.minus(want).abs().lte(dec('0.01').times(c.offers.length)),
        `${row.name}: ${seatsCost} vs ${want}`,
      ).toBe(true);
    }
    // The totals are the sum of the rows.
    expect(month.totals.billed).toBe(
      sumDecimals(month.customers.map((c) => dec(c.billed)))
        .round(2, 1)
        .toFixed(2),
    );
  });

  it("leakage lists every customer nobody bills, with the period's Microsoft spend", async () => {
    // Two customers stop being billed: one unmapped, one with its sync off.
    const mapped = (await listMappings(pool, ws, 'autotask')).filter((m) => m.sync_on && m.contract_id);
    const [gone, off] = [mapped[0]!, mapped[1]!];
    await pool.query('delete from customer_mappings where workspace_id = $1 and tenant_id = $2', [
      ws,
      gone.tenant_id,
    ]);
    await pool.query(
      'update customer_mappings set sync_on = false where workspace_id = $1 and tenant_id = $2',
      [ws, off.tenant_id],
    );
    const leakage = await reconLeakage(deps, ws, 'autotask', {});
    const spend = await pool.query<{ tenant: string; cost: string }>(
      `select t.tenant, sum(t.cost)::text as cost from (
         select l.customer_tenant_id as tenant, l.subtotal as cost
         from invoice_lines l join invoices i on i.workspace_id = l.workspace_id and i.id = l.invoice_id
         where l.workspace_id = $1 and i.billing_period = $2
         union all
         select u.customer_tenant_id, u.cost
         from azure_usage_lines u join invoices i on i.workspace_id = u.workspace_id and i.id = u.invoice_id
         where u.workspace_id = $1 and i.billing_period = $2
           and not exists (select 1 from invoice_lines x where x.workspace_id = u.workspace_id
             and x.invoice_id = u.invoice_id and x.customer_tenant_id = u.customer_tenant_id
             and x.kind = 'azure_usage')) t
       group by 1`,
      [ws, leakage.period],
    );
    const mappedNow = new Map(
      (await listMappings(pool, ws, 'autotask')).map((m) => [m.tenant_id, m] as const),
    );
    const nobody = spend.rows.filter((r) => {
      const m = mappedNow.get(r.tenant);
      return !(m?.sync_on && m.contract_id && m.company_id);
    });
    expect(nobody.map((r) => r.tenant)).toEqual(expect.arrayContaining([gone.tenant_id, off.tenant_id]));
    for (const r of nobody) {
      if (dec(r.cost).eq(0)) continue;
      const rows = leakage.rows.filter((x) => x.tenantId === r.tenant);
      expect(rows, `leakage for ${r.tenant}`).toHaveLength(1);
      expect(rows[0]!.reason).toBe(r.tenant === off.tenant_id ? 'sync-off' : 'unmapped');
      expect(rows[0]!.cost).toBe(dec(r.cost).round(2, 1).toFixed(2));
    }
    expect(leakage.rows.find((x) => x.tenantId === off.tenant_id)?.action).toBe('turn-sync-on');
    expect(leakage.rows.find((x) => x.tenantId === gone.tenant_id)?.action).toBe('map');
    const total = sumDecimals(leakage.rows.map((r) => dec(r.cost)));
    expect(leakage.total).toBe(total.round(2, 1).toFixed(2));
    expect(leakage.months.at(-1)).toEqual({ period: leakage.period, total: leakage.total });
    // The demo's contracts that start later (next month, next year): the days before are billed by nobody.
    const early = leakage.rows.filter((r) => r.reason === 'before-contract');
    expect(early.length).toBeGreaterThan(0);
    for (const r of early) {
      const c = await reconCustomer(deps, ws, 'autotask', { tenantId: r.tenantId, period: leakage.period! });
      const offer = c.offers.find((o) => o.offerKey === r.offerKey)!;
      expect(dec(r.cost).gt(0) && dec(r.cost).lte(dec(offer.cost)), `${r.customerName} ${r.title}`).toBe(
        true,
      );
      expect(offer.flags.map((f) => f.kind)).toContain('below-cost');
      expect(r.action).toBe('map');
    }
    // The month page counts it too, and the customers left out of it are those two.
    const month = await reconMonth(deps, ws, 'autotask', {});
    expect(month.leakage.total).toBe(leakage.total);
    expect(month.customers.some((c) => c.tenantId === gone.tenant_id || c.tenantId === off.tenant_id)).toBe(
      false,
    );
  });
});
