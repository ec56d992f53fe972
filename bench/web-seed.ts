import type { WorkspaceId } from '../src/core/ids';
import type { Pool } from '../src/db/pool';

/** What the web bench seeds, and what its requests need to know about it. */
export interface WebSeed {
  customers: number;
  mapped: number;
  runs: number;
  runItems: number;
  /** A few tenant ids of customers with runs (History's customer filter, the customer page). */
  tenants: string[];
  ms: number;
}

// Realistic MSP customer names: 40 x 25 stems and 5 legal forms make 5,000 distinct names.
const FIRST = [
  'Contoso',
  'Fabrikam',
  'Northwind',
  'Adventure Works',
  'Alpine',
  'Blue Yonder',
  'Coho',
  'Litware',
  'Lucerne',
  'Margie',
  'Proseware',
  'Tailspin',
  'Wide World',
  'Wingtip',
  'Woodgrove',
  'Fourth Coffee',
  'Graphic Design',
  'Humongous',
  'Trey',
  'Relecloud',
  'Bellows',
  'Datum',
  'VanArsdel',
  'Lamna',
  'Munson',
  'Southridge',
  'Consolidated',
  'Nod',
  'Best For You',
  'City Power',
  'Adatum',
  'Fineartschool',
  'Boulder',
  'Cascade',
  'Redwood',
  'Harbor',
  'Summit',
  'Granite',
  'Meridian',
  'Pioneer',
];
const SECOND = [
  'Dental',
  'Legal',
  'Logistics',
  'Engineering',
  'Consulting',
  'Health',
  'Bakery',
  'Motors',
  'Realty',
  'Accounting',
  'Architects',
  'Pharmacy',
  'Insurance',
  'Foods',
  'Media',
  'Travel',
  'Energy',
  'Clinic',
  'Partners',
  'Systems',
  'Hotels',
  'Builders',
  'Vets',
  'Schools',
  'Retail',
];
const LEGAL = ['Ltd.', 'GmbH', 'Inc', 'LLC', 'AG'];

const sqlArray = (words: readonly string[]) => `array[${words.map((w) => `'${w}'`).join(', ')}]::text[]`;

/**
 * Seeds one workspace in bulk, set-based (a few INSERT ... SELECT over generate_series, no row-by-row round
 * trips): `customers` source customers, 90 % of them mapped (a PSA company named like them, a contract, a
 * strategy, sync on for most), and `months` months of daily-check history ending `lastMonth`: one customer run per
 * customer per month (mostly No Change; some Success with operations, a few Warning, Error, Preview, Superseded),
 * three items each, plus a daily product run. Then ANALYZE, as a database in use would have statistics.
 */
export async function seedWebData(
  pool: Pool,
  ws: WorkspaceId,
  opts: { customers: number; months: number; lastMonth: string },
): Promise<WebSeed> {
  const started = performance.now();
  const c = await pool.connect();
  try {
    await c.query('begin');
    await c.query(
      `insert into source_customers (workspace_id, tenant_id, name, default_domain)
       select $1, md5('tenant' || i)::uuid::text,
              w.f[1 + i % 40] || ' ' || w.s[1 + (i / 40) % 25] || ' ' || w.l[1 + (i / 1000) % 5],
              lower(regexp_replace(w.f[1 + i % 40] || w.s[1 + (i / 40) % 25], '[^A-Za-z]', '', 'g')) || i || '.onmicrosoft.com'
       from generate_series(0, $2 - 1) i
       cross join (select ${sqlArray(FIRST)} as f, ${sqlArray(SECOND)} as s, ${sqlArray(LEGAL)} as l) w`,
      [ws, opts.customers],
    );
    // The PSA company keeps the customer's name, sometimes with another legal form (as MSPs type them).
    await c.query(
      `insert into customer_mappings (workspace_id, target, tenant_id, company_id, company_name, contract_id,
                                      contract_name, strategy, sync_start, sync_on, shadow, first_synced_day)
       select $1, 'autotask', md5('tenant' || i)::uuid::text, (29000000 + i)::text,
              case when i % 7 = 0 then regexp_replace(c.name, ' [^ ]+$', ' Corp') else c.name end,
              (7000000 + i)::text, 'Microsoft 365 ' || (2024 + i % 2) || case when i % 3 = 0 then ' (annual)' else '' end,
              (array['cost-and-retail','cost-only','none','none-on-update'])[1 + i % 4],
              ($3::date - interval '1 month' * $4)::date, i % 8 <> 0, false,
              ($3::date - interval '1 month' * $4)::date
       from generate_series(0, $2 - 1) i
       join source_customers c on c.workspace_id = $1 and c.tenant_id = md5('tenant' || i)::uuid::text
       where i % 10 <> 9`,
      [ws, opts.customers, `${opts.lastMonth}-01`, opts.months - 1],
    );
    // One customer run per customer and month: created on a day and hour of that month spread by the customer.
    await c.query(
      `insert into runs (workspace_id, target, kind, tenant_id, customer_name, status, as_of, trigger, created_by,
                         plan, summary, message, created_at, started_at, finished_at)
       select $1, 'autotask', 'customer', c.tenant_id, c.name, st.status, at::date,
              case when h % 9 = 0 then 'api' else 'schedule' end,
              case when h % 9 = 0 then 'admin@msp.example' else 'schedule' end,
              jsonb_build_object(
                'operations', case when st.ops = 0 then '[]'::jsonb else (
                  select jsonb_agg(jsonb_build_object(
                    'kind', 'adjust-contract-line', 'customerTenantId', c.tenant_id,
                    'offerKey', 'CFQ7TTC0LH18:000' || o || ':P1M:Monthly', 'contractId', (7000000 + m.i)::text,
                    'productId', (30000 + o)::text, 'units', (10 + h % 40)::text, 'unitPrice', '23.10',
                    'unitCost', '20.00', 'effectiveDate', at::date, 'contractLineId', (800000 + h % 90000)::text))
                  from generate_series(1, st.ops) o) end,
                'invoiceIds', jsonb_build_array('G' || (100000000 + h % 900000000)::text),
                'firstSyncedDay', null),
              jsonb_build_object('operations', st.ops,
                'items', jsonb_build_object('ok', st.ops, 'no_change', 3 - least(st.ops, 3), 'warning',
                  case when st.status = 'warning' then 1 else 0 end, 'error', case when st.status = 'error' then 1 else 0 end,
                  'skipped', 0),
                'writes', case when st.status in ('success', 'warning') then st.ops else 0 end),
              case st.status when 'error' then 'Autotask: The contract ' || (7000000 + m.i) || ' has ended: extend it in Autotask'
                             when 'warning' then 'The price of CFQ7TTC0LH18:0001 changed from 20.00 to 21.00'
                             else null end,
              at, at + interval '2 seconds',
              case when st.status in ('preview', 'awaiting_approval') then null else at + interval '9 seconds' end
       from generate_series(0, $2 - 1) i
       join source_customers c on c.workspace_id = $1 and c.tenant_id = md5('tenant' || i)::uuid::text
       cross join generate_series(0, $3 - 1) mo
       cross join lateral (select i, abs(hashtext(c.tenant_id || mo)) as h) m
       cross join lateral (select date_trunc('month', $4::date - interval '1 month' * mo)
                                  + interval '1 day' * (m.i % 28) + interval '1 minute' * (m.i % 600) as at) t
       cross join lateral (select case when m.h % 100 < 70 then 'no_change' when m.h % 100 < 88 then 'success'
                                       when m.h % 100 < 94 then 'warning' when m.h % 100 < 97 then 'error'
                                       when m.h % 100 < 99 then 'preview' else 'superseded' end as status,
                                  case when m.h % 100 < 70 then 0 else 1 + m.h % 3 end as ops) st`,
      [ws, opts.customers, opts.months, `${opts.lastMonth}-01`],
    );
    // The daily check's product run.
    await c.query(
      `insert into runs (workspace_id, target, kind, status, as_of, trigger, created_by, plan, summary,
                         created_at, started_at, finished_at)
       select $1, 'autotask', 'product', case when d % 30 = 0 then 'success' else 'no_change' end, day::date,
              'schedule', 'schedule', '{"operations": [], "invoiceIds": []}'::jsonb,
              '{"operations": 0, "items": {"no_change": 40}, "writes": 0}'::jsonb,
              day + interval '6 hours', day + interval '6 hours', day + interval '6 hours 20 seconds'
       from generate_series(0, $2 * 30 - 1) d
       cross join lateral (select $3::date + interval '1 month' - interval '1 day' * (d + 1) as day) x`,
      [ws, opts.months, `${opts.lastMonth}-01`],
    );
    // Three offer lines per customer run.
    await c.query(
      `insert into run_items (run_id, seq, item_key, label, action, status, messages, changes, monthly_delta,
                              offer_key, tenant_id, target_id)
       select r.id, n, r.tenant_id || ':CFQ7TTC0LH18:000' || n || ':P1M:Monthly',
              r.customer_name || ' / ' || (array['Microsoft 365 Business Premium', 'Exchange Online (Plan 1)', 'Microsoft 365 E3'])[n + 1],
              case when n < (r.summary->>'operations')::int then 'adjust' else 'no change' end,
              case when n < (r.summary->>'operations')::int then 'ok' else 'no_change' end,
              '[]'::jsonb,
              case when n < (r.summary->>'operations')::int
                   then '[{"field": "units", "from": "10", "to": "12"}]'::jsonb end,
              case when n < (r.summary->>'operations')::int then 46.20 end,
              'CFQ7TTC0LH18:000' || n || ':P1M:Monthly', r.tenant_id, (800000 + n)::text
       from runs r cross join generate_series(0, 2) n
       where r.workspace_id = $1 and r.kind = 'customer'`,
      [ws],
    );
    await c.query('commit');
  } catch (error) {
    await c.query('rollback').catch(() => {});
    throw error;
  } finally {
    c.release();
  }
  await pool.query('analyze source_customers, customer_mappings, customer_run_states, runs, run_items');
  const count = async (sql: string) => Number((await pool.query(sql, [ws])).rows[0].n);
  const tenants = (
    await pool.query<{ tenant_id: string }>(
      `select tenant_id from source_customers where workspace_id = $1 order by tenant_id limit 8`,
      [ws],
    )
  ).rows.map((r) => r.tenant_id);
  return {
    customers: await count('select count(*) as n from source_customers where workspace_id = $1'),
    mapped: await count('select count(*) as n from customer_mappings where workspace_id = $1'),
    runs: await count('select count(*) as n from runs where workspace_id = $1'),
    runItems: await count(
      'select count(*) as n from run_items i join runs r on r.id = i.run_id where r.workspace_id = $1',
    ),
    tenants,
    ms: performance.now() - started,
  };
}
