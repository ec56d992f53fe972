import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import type { PriceListEntry, SourceCustomer } from '../../src/core/model/source';
import { Money } from '../../src/core/money';
import type { PlainDate } from '../../src/core/time';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool, withTransaction } from '../../src/db/pool';
import {
  listPriceEntries,
  listSourceCustomers,
  storePriceList,
  upsertSourceCustomers,
} from '../../src/db/repos/source-data';
import { CustomerStage } from '../../src/db/repos/source-data/customer-stage';
import { STAGE_CUSTOMERS_FROM } from '../../src/db/repos/source-data/customers';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The staged stores: COPY into a session temp table, then a set-based merge. The large-list path of
// upsertSourceCustomers must count and merge exactly like the row-by-row upsert small lists take; the price
// list must keep any text (tags with commas, quotes, braces) and stay all or nothing.

let db: TestDatabase;
let pool: Pool;
let ws: WorkspaceId;
let other: WorkspaceId;

beforeAll(async () => {
  db = await createTestDatabase('customers');
  await migrate(db.url);
  pool = createPool(db.url, 4);
  ws = (await insertWorkspace(pool, 'A')).id;
  other = (await insertWorkspace(pool, 'B')).id;
});

afterAll(async () => {
  await pool.end();
  await db.drop();
});

const N = STAGE_CUSTOMERS_FROM + 200;
const tenant = (i: number) => `8b2f0c1e-2222-4aaa-8bbb-${i.toString(16).padStart(12, '0')}`;
const many = (name: (i: number) => string, domain: (i: number) => string): SourceCustomer[] =>
  Array.from({ length: N }, (_, i) => ({ tenantId: tenant(i), name: name(i), defaultDomain: domain(i) }));

describe('upsertSourceCustomers with a large list', () => {
  it('creates, finds unchanged, updates names, never erases a domain, and the last entry of a tenant wins', async () => {
    const first = many(
      (i) => `Customer ${i}`,
      (i) => `c${i}.onmicrosoft.com`,
    );
    expect(await upsertSourceCustomers(pool, ws, first)).toEqual({ created: N, updated: 0, unchanged: 0 });
    expect(await upsertSourceCustomers(pool, ws, first)).toEqual({ created: 0, updated: 0, unchanged: N });

    const second = many(
      (i) => (i < 3 ? `Renamed ${i}` : `Customer ${i}`),
      // Rows 0 (renamed), 3 and 4 do not say their domain: the stored one stays.
      (i) => (i === 0 || i === 3 || i === 4 ? '' : `c${i}.onmicrosoft.com`),
    );
    // Tenant 5 twice, upper-cased the first time: the last entry counts, and ids are stored lower-cased.
    second.push({ tenantId: tenant(5).toUpperCase(), name: 'Ignored', defaultDomain: 'x.example' });
    second.push({ tenantId: tenant(5), name: 'Customer 5', defaultDomain: 'c5.onmicrosoft.com' });
    second.push({ tenantId: tenant(N), name: 'Newcomer', defaultDomain: '' });
    expect(await upsertSourceCustomers(pool, ws, second)).toEqual({
      created: 1,
      updated: 3,
      unchanged: N - 3,
    });

    const stored = new Map((await listSourceCustomers(pool, ws)).map((c) => [c.tenantId, c]));
    expect(stored.size).toBe(N + 1);
    expect(stored.get(tenant(0))).toEqual({
      tenantId: tenant(0),
      name: 'Renamed 0',
      defaultDomain: 'c0.onmicrosoft.com',
    });
    expect(stored.get(tenant(3))?.defaultDomain).toBe('c3.onmicrosoft.com');
    expect(stored.get(tenant(5))?.name).toBe('Customer 5');
    expect(stored.get(tenant(N))).toEqual({ tenantId: tenant(N), name: 'Newcomer', defaultDomain: '' });
    expect(await listSourceCustomers(pool, other)).toEqual([]);
  });

  it("runs in the caller's transaction: rolled back, nothing is stored", async () => {
    const list = many(
      (i) => `Other ${i}`,
      () => '',
    );
    await expect(
      withTransaction(pool, async (client) => {
        expect(await upsertSourceCustomers(client, other, list)).toEqual({
          created: N,
          updated: 0,
          unchanged: 0,
        });
        // Twice in one transaction: the staged rows of the first call are not merged again.
        expect(await upsertSourceCustomers(client, other, list)).toEqual({
          created: 0,
          updated: 0,
          unchanged: N,
        });
        throw new Error('a later row of the file was bad');
      }),
    ).rejects.toThrow(/later row/);
    expect(await listSourceCustomers(pool, other)).toEqual([]);
  });
});

describe('CustomerStage (the customers of a file being imported)', () => {
  it("merges each tenant once with the file's first name and domain, also after its memory started over", async () => {
    const ws3 = (await insertWorkspace(pool, 'C')).id;
    await upsertSourceCustomers(pool, ws3, [
      { tenantId: tenant(1), name: 'Known', defaultDomain: 'known.example' },
    ]);
    // Remembers 2 tenant ids at most: tenant 1 comes back after the set started over and is written twice.
    const stage = new CustomerStage(2);
    try {
      stage.add(tenant(1), 'First name', '');
      stage.add(tenant(1), 'Same run', '');
      stage.add(tenant(2).toUpperCase(), 'Two', 'two.example');
      stage.add(tenant(3), 'Three', '');
      stage.add(tenant(1), 'Later name', 'later.example');
      stage.add(tenant(4), 'Tab\there', '');
      const counts = await withTransaction(pool, async (client) => {
        await stage.drained();
        return stage.merge(client, ws3);
      });
      expect(counts).toEqual({ created: 3, updated: 1, unchanged: 0 });
    } finally {
      stage.dispose();
    }
    expect(await listSourceCustomers(pool, ws3)).toEqual([
      { tenantId: tenant(1), name: 'First name', defaultDomain: 'known.example' },
      { tenantId: tenant(4), name: 'Tab\there', defaultDomain: '' },
      { tenantId: tenant(3), name: 'Three', defaultDomain: '' },
      { tenantId: tenant(2), name: 'Two', defaultDomain: 'two.example' },
    ]);
  });
});

describe('storePriceList through its staging table', () => {
  const entry = (sku: string, tags: string[], cost = '6.48'): PriceListEntry => ({
    offer: {
      productId: 'CFQ7TTC0LH18',
      skuId: sku,
      term: 'P1M',
      billingPlan: 'Monthly',
      segment: 'Commercial',
      market: 'US',
      currency: 'USD',
    },
    productTitle: 'Microsoft 365 "Basic"\tedition',
    skuTitle: 'Basic \\ monthly',
    cost: Money.of(cost, 'USD'),
    retail: Money.of('7.20', 'USD'),
    effective: { start: '2025-01-01' as PlainDate, end: undefined },
    unitOfMeasure: 'Licenses',
    tags,
  });
  const odd = ['License', 'a,b', 'say "hi"', 'back\\slash', '{braces}', 'NULL', ' spaced '];

  it('stores any text as it was given, and counts a second import unchanged', async () => {
    const list = [
      entry('0001', odd),
      entry('0002', []),
      ...Array.from({ length: 50 }, (_, i) => entry(`1${i}`, ['x'])),
    ];
    expect(await storePriceList(pool, ws, list)).toEqual({ created: 52, updated: 0, unchanged: 0 });
    const stored = await listPriceEntries(pool, ws);
    const first = stored.find((e) => e.offer.skuId === '0001')!;
    expect(first.tags).toEqual(odd);
    expect(first.productTitle).toBe('Microsoft 365 "Basic"\tedition');
    expect(first.skuTitle).toBe('Basic \\ monthly');
    expect(stored.find((e) => e.offer.skuId === '0002')?.tags).toEqual([]);
    expect(await storePriceList(pool, ws, list)).toEqual({ created: 0, updated: 0, unchanged: 52 });
    const changed = list.map((e) => (e.offer.skuId === '0002' ? entry('0002', [], '7.00') : e));
    expect(await storePriceList(pool, ws, changed)).toEqual({ created: 0, updated: 1, unchanged: 51 });
  });

  it('stores nothing when a later entry repeats an offer', async () => {
    async function* entries() {
      yield entry('9001', []);
      yield entry('9002', []);
      yield entry('9001', []);
    }
    await expect(storePriceList(pool, other, entries())).rejects.toThrow(/twice/);
    expect(await listPriceEntries(pool, other)).toEqual([]);
  });
});
