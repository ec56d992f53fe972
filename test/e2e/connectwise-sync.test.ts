import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvoiceLine } from '../../src/core/model/source';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listRunItems } from '../../src/db/repos/runs';
import { storeInvoice } from '../../src/db/repos/source-data';
import { resumeRun, syncCustomers, syncProducts } from '../../src/engine/sync';
import { CW_BILLING_VARIANTS } from '../support/connectwise-variants';
import {
  billedByMonth,
  type ConnectWiseWorld,
  CW_IDS,
  connectwiseWorld,
  cwRunCtx,
  LINKED_SKU,
} from '../support/connectwise-world';
import { azureLine, basicLine, PRICES, SUMMER_INVOICES } from '../support/contoso-summer';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { inv, line, offer, priceEntry } from '../support/planner-fixtures';

let db: TestDatabase;
let pool: Pool;
const worlds: ConnectWiseWorld[] = [];

beforeAll(async () => {
  db = await createTestDatabase('e2e_cw');
  await migrate(db.url);
  pool = createPool(db.url, 10);
});
afterAll(async () => {
  for (const w of worlds) await w.close();
  await pool.end();
  await db.drop();
});

const INVOICES = SUMMER_INVOICES;
const basic = basicLine;
const azure = azureLine;

/**
 * What the invoices bill per calendar month (spec section 6: the seat timeline at retail, prorated by days of the
 * month as Microsoft did; Azure usage of M billed in M+1), worked out by hand:
 * - Business Premium at 23.10: July 10 seats x 5 days + 12 x 12 days = 194 seat-days / 31 -> 144.56; August
 *   12 x 24 + 9 x 7 = 351 seat-days / 31 -> 261.55; September 9 seats (carried on after 14 Sep) -> 207.90.
 * - Basic (the linked item) 3 x 7.20 = 21.60 a month, carried on in September.
 * - Azure: July's 100.50 in August, August's 120.00 in September.
 */
const EXPECTED = { '2025-07': '166.16', '2025-08': '383.65', '2025-09': '349.50' };

async function world(extra: Partial<Parameters<typeof connectwiseWorld>[1]> = {}): Promise<ConnectWiseWorld> {
  const w = await connectwiseWorld(pool, { invoices: INVOICES, priceList: PRICES, ...extra });
  worlds.push(w);
  return w;
}

async function state(w: ConnectWiseWorld): Promise<any> {
  return (await fetch(`${w.base}/_emulator/state`)).json();
}

function writes(w: ConnectWiseWorld): number {
  return (
    w.emulator.requests.count('POST', '**') +
    w.emulator.requests.count('PATCH', '**') +
    w.emulator.requests.count('DELETE', '**')
  );
}

describe('ConnectWise end to end (engine + adapter + emulator)', () => {
  it('the product sync creates catalog items (identifier = vendor SKU = SKU code) and links the vendor-SKU item', async () => {
    const w = await world();
    const run = await syncProducts(w.deps, cwRunCtx(w), { preview: false });
    // The one message: the Basic offer is linked to the item that already has its SKU code (spec section 4).
    expect((await listRunItems(pool, run.runId)).flatMap((i) => i.messages)).toEqual([
      {
        level: 'info',
        text: 'M365-BASIC already has the vendor SKU CFQ7TTC0LH18:0001: it is linked to this offer instead of creating a product',
      },
    ]);
    expect(run.status).toBe('success');
    const catalog: any[] = (await state(w)).catalog;
    const bp = catalog.find((c) => c.identifier === 'P1Y:M:CFQ7TTC0LCHC:0002');
    expect(bp).toMatchObject({ vendorSku: 'P1Y:M:CFQ7TTC0LCHC:0002', price: 23.1, cost: 20 });
    expect(catalog.find((c) => c.identifier === 'DZH318Z0BPS6:0001')).toBeDefined();
    // The hand-made item with the Basic SKU as vendor SKU is linked, not duplicated; its price and cost follow.
    const basicItems = catalog.filter((c) => c.vendorSku === LINKED_SKU);
    expect(basicItems).toHaveLength(1);
    expect(basicItems[0]).toMatchObject({
      id: CW_IDS.linkedItem,
      identifier: 'M365-BASIC',
      price: 7.2,
      cost: 6.48,
    });
    const again = await syncProducts(w.deps, cwRunCtx(w), { preview: false });
    expect(again.status).toBe('no_change');
  });

  const item = (w: ConnectWiseWorld, identifier: string) =>
    state(w).then((s) => s.catalog.find((c: any) => c.identifier === identifier));
  const admin = (w: ConnectWiseWorld, method: string, path: string, body?: unknown) =>
    fetch(`${w.base}/_emulator/entities/${path}`, {
      method,
      ...(body ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) } : {}),
    });

  it('R-2/R-3 renamed items keep being updated by id; a deleted item is re-created; an inactive one stays inactive', async () => {
    const w = await world();
    await syncProducts(w.deps, cwRunCtx(w), { preview: false });
    const bp = await item(w, 'P1Y:M:CFQ7TTC0LCHC:0002');
    const azure = await item(w, 'DZH318Z0BPS6:0001');
    // The MSP renames the Business Premium item (and its vendor SKU), lowers its price, files the Basic item as
    // inactive and deletes the Azure item.
    await admin(w, 'PATCH', `catalog/${bp.id}`, {
      identifier: 'BP-OURS',
      vendorSku: 'BP',
      description: 'kept',
      price: 22,
    });
    await admin(w, 'PATCH', `catalog/${CW_IDS.linkedItem}`, { inactiveFlag: true, cost: 5 });
    expect((await admin(w, 'DELETE', `catalog/${azure.id}`)).status).toBe(200);
    const preview = await syncProducts(w.deps, cwRunCtx(w), { preview: true });
    const items = await listRunItems(pool, preview.runId);
    expect(items.map((i) => [i.label, i.action]).sort()).toEqual([
      ['CFQ7TTC0LH18:0001', 'update cost'],
      ['DZH318Z0BPS6:0001', 'recreate'],
      ['P1Y:M:CFQ7TTC0LCHC:0002', 'update price'],
    ]);
    const run = await syncProducts(w.deps, cwRunCtx(w), { preview: false });
    expect(run.status).toBe('success');
    const after: any[] = (await state(w)).catalog;
    expect(after.find((c) => c.id === bp.id)).toMatchObject({
      identifier: 'BP-OURS',
      vendorSku: 'BP',
      description: 'kept',
      price: 23.1,
    });
    expect(after.find((c) => c.id === CW_IDS.linkedItem)).toMatchObject({ inactiveFlag: true, cost: 6.48 });
    const azureAgain = after.filter((c) => c.identifier === 'DZH318Z0BPS6:0001');
    expect(azureAgain).toHaveLength(1);
    expect(azureAgain[0].id).not.toBe(azure.id);
    expect((await syncProducts(w.deps, cwRunCtx(w), { preview: false })).status).toBe('no_change');
  });

  it('R-5/R-6 the preview shows the vendor-SKU link and an identifier collision and writes nothing; the run errs only on the collision', async () => {
    const w = await world({
      catalog: [
        {
          id: 31,
          identifier: 'P1Y:M:CFQ7TTC0LCHC:0002',
          vendorSku: 'SOMETHING-ELSE',
          description: 'Ours, by hand',
          customerDescription: 'Ours, by hand',
          subcategory: { id: CW_IDS.subcategory },
          type: { id: CW_IDS.productType },
          price: 25,
          cost: 20,
        },
      ],
    });
    const preview = await syncProducts(w.deps, cwRunCtx(w), { preview: true });
    const items = await listRunItems(pool, preview.runId);
    expect(items.map((i) => [i.label, i.action, i.target_id]).sort()).toEqual([
      ['CFQ7TTC0LH18:0001', 'link', String(CW_IDS.linkedItem)],
      ['DZH318Z0BPS6:0001', 'create', null],
      ['P1Y:M:CFQ7TTC0LCHC:0002', 'collision', '31'],
    ]);
    expect(writes(w)).toBe(0);
    const run = await syncProducts(w.deps, cwRunCtx(w), { preview: false });
    expect(run.status).toBe('error');
    expect(run.items.error).toBe(1);
    const catalog: any[] = (await state(w)).catalog;
    expect(catalog.filter((c) => c.identifier === 'P1Y:M:CFQ7TTC0LCHC:0002')).toHaveLength(1);
    expect(catalog.find((c) => c.identifier === 'DZH318Z0BPS6:0001')).toBeDefined();
    expect(catalog.find((c) => c.id === CW_IDS.linkedItem)).toMatchObject({ price: 7.2, cost: 6.48 });
  });

  it('several items with the SKU code as vendor SKU: an item error naming them, nothing created for that offer', async () => {
    const w = await world({
      catalog: [
        {
          id: 32,
          identifier: 'BASIC-2',
          vendorSku: LINKED_SKU,
          description: 'A second Basic',
          customerDescription: 'A second Basic',
          subcategory: { id: CW_IDS.subcategory },
          type: { id: CW_IDS.productType },
          price: 7,
          cost: 6,
        },
      ],
    });
    const run = await syncProducts(w.deps, cwRunCtx(w), { preview: false });
    const items = await listRunItems(pool, run.runId);
    const basic = items.find((i) => i.label === 'CFQ7TTC0LH18:0001')!;
    expect(basic.status).toBe('error');
    expect(basic.messages[0]!.text).toMatch(
      /^2 products have the vendor SKU CFQ7TTC0LH18:0001 .*id 30.*id 32/,
    );
    expect((await state(w)).catalog.filter((c: any) => c.vendorSku === LINKED_SKU)).toHaveLength(2);
  });

  /** Whatever the agreement's proration and every reading of ConnectWise's partial periods (emulator switches). */
  it.each(CW_BILLING_VARIANTS)(
    'customer sync bills what Microsoft billed to the cent ($name); a re-run writes nothing',
    async (v) => {
      const w = await world({ prorate: v.prorate, ...(v.rules ? { rules: v.rules } : {}) });
      await syncProducts(w.deps, cwRunCtx(w), { preview: false });
      const [run] = await syncCustomers(w.deps, cwRunCtx(w), { preview: false });
      // Partial months booked as charges are routine on ConnectWise: info, not warnings.
      expect(run!.status).toBe('success');
      expect(await billedByMonth(w, CW_IDS.agreement, '2025-07', '2025-09')).toEqual(EXPECTED);
      // Azure: one addition per month, effective the 1st and cancelled the last day of M+1.
      const s = await state(w);
      const azureItem = s.catalog.find((c: any) => c.identifier === 'DZH318Z0BPS6:0001');
      const az = s.additions
        .filter((a: any) => a.product?.id === azureItem.id && a.serialNumber?.startsWith('billsync:'))
        .map((a: any) => [a.effectiveDate, a.cancelledDate, a.quantity, a.unitPrice]);
      expect(az).toEqual([
        ['2025-08-01T00:00:00Z', '2025-08-31T00:00:00Z', 1, 100.5],
        ['2025-09-01T00:00:00Z', '2025-09-30T00:00:00Z', 1, 120],
      ]);
      const before = writes(w);
      const [again] = await syncCustomers(w.deps, cwRunCtx(w), { preview: false });
      expect(again).toMatchObject({ status: 'no_change', writes: 0 });
      expect(writes(w)).toBe(before);
    },
  );

  it('annual subscriptions (decision 0015): each Microsoft charge is an addition on the one-time agreement, once', async () => {
    const ANNUAL = offer('Annual');
    const ONE_TIME = 1050;
    const purchase = line({
      sub: 'annual-1',
      offer: ANNUAL,
      chargeType: 'new',
      start: '2025-08-05',
      last: '2026-08-04',
      qty: 5,
      unitPrice: '237.60',
      subtotal: '1188.00',
    });
    const w = await world({
      invoices: [
        inv('G1', '2025-07', [...INVOICES[0]!.lines]),
        inv('G2', '2025-08', [...INVOICES[1]!.lines, purchase]),
      ],
      priceList: [...PRICES, priceEntry(ANNUAL, '237.60', '264.00')],
      editSeed: (seed) => {
        seed.billingCycles!.push({
          id: 5,
          identifier: 'OT',
          name: 'One Time',
          billingOptions: 'NotRecurring',
        });
        seed.agreementTypes!.push({
          ...(seed.agreementTypes![0] as object),
          id: 9,
          name: 'Annual licences',
          billingCycle: { id: 5 },
        });
        seed.agreements!.push({
          ...(seed.agreements![0] as object),
          id: ONE_TIME,
          name: 'Contoso annual licences',
          type: { id: 9 },
          billingCycle: { id: 5 },
        });
      },
    });
    const program = await pool.query(
      "select settings from programs where workspace_id = $1 and target = 'connectwise'",
      [w.ws],
    );
    const settings = program.rows[0].settings;
    await pool.query("update programs set settings = $2 where workspace_id = $1 and target = 'connectwise'", [
      w.ws,
      { ...settings, motions: { ...settings.motions, annual: true } },
    ]);
    await pool.query(
      "update customer_mappings set annual_contract_id = $2, annual_contract_name = 'Contoso annual licences' where workspace_id = $1",
      [w.ws, String(ONE_TIME)],
    );
    expect((await syncProducts(w.deps, cwRunCtx(w), { preview: false })).status).toBe('success');
    const [run] = await syncCustomers(w.deps, cwRunCtx(w), { preview: false });
    expect((await listRunItems(pool, run!.runId)).filter((i) => i.status === 'error')).toEqual([]);
    const s = await state(w);
    const annualItem = s.catalog.find((c: any) => c.identifier === 'P1Y:A:CFQ7TTC0LCHC:0002');
    const onAgreement = s.additions
      .filter((a: any) => a.agreementId === ONE_TIME)
      .map((a: any) => [a.product.id, a.quantity, a.unitPrice, a.unitCost, a.effectiveDate, a.serialNumber]);
    // 1188.00 x 264 / 237.60 = 1320.00, on the purchase day, once.
    expect(onAgreement).toEqual([
      [annualItem.id, 1, 1320, 1188, '2025-08-05T00:00:00Z', 'billsync-charge:2025-08-05:1'],
    ]);
    // Nothing of it on the monthly agreement, whose money is unchanged.
    expect(
      s.additions.filter((a: any) => a.agreementId === CW_IDS.agreement && a.product.id === annualItem.id),
    ).toEqual([]);
    expect(await billedByMonth(w, CW_IDS.agreement, '2025-07', '2025-09')).toEqual(EXPECTED);
    const billed = await billedByMonth(w, ONE_TIME, '2025-01', '2025-12');
    expect(Object.values(billed).filter((v) => v !== '0.00')).toEqual(['1320.00']);
    const before = writes(w);
    const [again] = await syncCustomers(w.deps, cwRunCtx(w), { preview: false });
    expect(again).toMatchObject({ status: 'no_change', writes: 0 });
    expect(writes(w)).toBe(before);
  });

  it('an ended agreement gives a clear error in the run', async () => {
    const w = await world({ agreementId: CW_IDS.endedAgreement });
    await syncProducts(w.deps, cwRunCtx(w), { preview: false });
    const [run] = await syncCustomers(w.deps, cwRunCtx(w), { preview: false });
    expect(run!.status).toBe('error');
    const items = await listRunItems(pool, run!.runId);
    expect(items[0]!.messages[0]!.text).toMatch(/^Contract Contoso 2024 ended on 31 Dec 2024/);
    expect(w.emulator.requests.count('POST', '**/additions')).toBe(0);
  });

  it('a next month with seat changes in an invoiced month: the line moves on the next 1st, a charge bills the days', async () => {
    const w = await world();
    await syncProducts(w.deps, cwRunCtx(w), { preview: false });
    await syncCustomers(w.deps, cwRunCtx(w), { preview: false });
    // The MSP invoices the agreement on the 1st: January to September are frozen.
    const invoiced = await fetch(`${w.base}/_emulator/invoice`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ through: '2025-09-01', agreementId: CW_IDS.agreement }),
    });
    expect(invoiced.status).toBe(200);
    // September's invoice: 9 seats from 15 Sep, 11 from 20 Sep; Basic goes on; Azure usage of 90.00.
    const g3 = inv(
      'G3',
      '2025-09',
      [
        line({ start: '2025-09-15', last: '2025-10-14', qty: 9, unitPrice: '20.00', subtotal: '180.00' }),
        line({
          start: '2025-09-20',
          last: '2025-10-14',
          qty: 9,
          sign: -1,
          chargeType: 'removequantity',
          unitPrice: '20.00',
          subtotal: '-150.00',
        }),
        line({
          start: '2025-09-20',
          last: '2025-10-14',
          qty: 11,
          chargeType: 'removequantity',
          unitPrice: '20.00',
          subtotal: '183.33',
        }),
        basic('2025-09-01', '2025-09-30'),
        azure('2025-09-01', '2025-09-30', '90.00'),
      ],
      '90.00',
    );
    await storeInvoice(pool, w.ws, g3.header, g3.lines as InvoiceLine[]);
    const [run] = await syncCustomers(w.deps, cwRunCtx(w, '2025-10-10'), { preview: false });
    const items = await listRunItems(pool, run!.runId);
    expect(items.filter((i) => i.status === 'error')).toEqual([]);
    // September stays as invoiced (349.50); October: 11 seats x 23.10 = 254.10, the 11 days of September at 2
    // more seats = 2 x 11 x 23.10 / 30 = 16.94, Basic 21.60, Azure 90.00 = 382.64. Together the two months
    // bill Microsoft's September (9 seats 19 days + 11 seats 11 days = 224.84) plus October.
    expect(await billedByMonth(w, CW_IDS.agreement, '2025-07', '2025-10')).toEqual({
      ...EXPECTED,
      '2025-10': '382.64',
    });
    const before = writes(w);
    const [again] = await syncCustomers(w.deps, cwRunCtx(w, '2025-10-10'), { preview: false });
    expect(again).toMatchObject({ status: 'no_change', writes: 0 });
    expect(writes(w)).toBe(before);
  });

  it('with 10% of calls failing, a lost answer and a killed worker, the additions equal the no-fault run', async () => {
    const extraTenants = Array.from({ length: 4 }, (_, i) => `00000000-0000-4000-8000-00000000020${i}`);
    const clean = await world({ extraTenants });
    await syncProducts(clean.deps, cwRunCtx(clean), { preview: false });
    await syncCustomers(clean.deps, cwRunCtx(clean), { preview: false });

    const w = await world({ timeoutMs: 400, extraTenants });
    for (const [kind, offset] of [
      ['429', 0],
      ['503', 10],
      ['hang', 20],
      ['lost-response', 30],
    ] as const) {
      w.emulator.faults.inject({
        kind,
        path: '**',
        every: 40,
        offset,
        count: 1000,
        ...(kind === 'hang' ? { delayMs: 1500 } : {}),
      });
    }
    // And the answer of one addition create is lost: the write happened, billsync must find it by its marker.
    w.emulator.faults.inject({ kind: 'lost-response', method: 'POST', path: '**/additions', count: 1 });
    await syncProducts(w.deps, cwRunCtx(w), { preview: false });
    let n = 0;
    const dying = {
      ...w.deps,
      beforeWrite: () => {
        n += 1;
        if (n === 4) throw new Error('worker killed');
      },
    };
    await expect(syncCustomers(dying, cwRunCtx(w), { preview: false })).rejects.toThrow('worker killed');
    const runId = (
      await pool.query("select id from runs where workspace_id = $1 and kind = 'customer'", [w.ws])
    ).rows[0].id;
    const resumed = await resumeRun(w.deps, cwRunCtx(w), runId);
    expect(['success', 'warning']).toContain(resumed.status);
    const [again] = await syncCustomers(w.deps, cwRunCtx(w), { preview: false });
    expect(again!.operations).toBe(0);

    const picture = async (x: ConnectWiseWorld) => {
      const s = await state(x);
      const items = new Map(s.catalog.map((c: any) => [c.id, c.identifier]));
      const catalog = s.catalog.map((c: any) => [c.identifier, c.vendorSku, c.price, c.cost]).sort();
      const additions = s.additions
        .map((a: any) => [
          a.agreementId,
          items.get(a.product.id),
          a.effectiveDate,
          a.cancelledDate ?? null,
          a.quantity,
          a.unitPrice,
          a.unitCost,
          a.serialNumber,
        ])
        .sort();
      return { catalog, additions };
    };
    const a = await picture(clean);
    const b = await picture(w);
    expect(a.additions.length).toBeGreaterThan(20);
    // Same additions, one for one: no duplicate from a lost answer or a retried write.
    expect(b).toEqual(a);
    for (const agreement of [CW_IDS.agreement, 500, 501, 502, 503]) {
      expect(await billedByMonth(w, agreement, '2025-07', '2025-09')).toEqual(EXPECTED);
    }
    const hits = Object.fromEntries(w.emulator.faults.list().map((f) => [f.kind, f.hits]));
    for (const kind of ['429', '503', 'hang', 'lost-response']) expect(hits[kind], kind).toBeGreaterThan(0);
  });
});
