import type { WorkspaceId } from '../../../core/ids';
import type { SourceCustomer } from '../../../core/model/source';
import type { Queryable } from '../../pool';
import type { ImportCounts } from './types';

const BATCH = 5000;

/**
 * Creates or updates customers (tenants) by tenant id. A name change updates; an empty domain (the source did
 * not say) never erases a known one. When the list names a tenant twice, the last entry wins.
 */
export async function upsertSourceCustomers(
  db: Queryable,
  ws: WorkspaceId,
  customers: readonly SourceCustomer[],
): Promise<ImportCounts> {
  const byTenant = new Map<string, SourceCustomer>();
  for (const c of customers) byTenant.set(c.tenantId.toLowerCase(), c);
  const all = [...byTenant.entries()];
  const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
  for (let i = 0; i < all.length; i += BATCH) {
    const batch = all.slice(i, i + BATCH);
    const res = await db.query<{ created: number; updated: number }>(
      `with ins as (
         insert into source_customers (workspace_id, tenant_id, name, default_domain)
         select $1, t.tenant_id, t.name, t.default_domain
         from unnest($2::text[], $3::text[], $4::text[]) as t(tenant_id, name, default_domain)
         on conflict (workspace_id, tenant_id) do update set
           name = excluded.name,
           default_domain = case when excluded.default_domain = '' then source_customers.default_domain else excluded.default_domain end,
           updated_at = now()
         where source_customers.name <> excluded.name
            or (excluded.default_domain <> '' and source_customers.default_domain <> excluded.default_domain)
         returning (xmax = 0) as inserted)
       select count(*) filter (where inserted)::int as created, count(*) filter (where not inserted)::int as updated from ins`,
      [ws, batch.map(([t]) => t), batch.map(([, c]) => c.name), batch.map(([, c]) => c.defaultDomain)],
    );
    const created = res.rows[0]?.created ?? 0;
    const updated = res.rows[0]?.updated ?? 0;
    counts.created += created;
    counts.updated += updated;
    counts.unchanged += batch.length - created - updated;
  }
  return counts;
}

export async function listSourceCustomers(db: Queryable, ws: WorkspaceId): Promise<SourceCustomer[]> {
  const res = await db.query<{ tenant_id: string; name: string; default_domain: string }>(
    'select tenant_id, name, default_domain from source_customers where workspace_id = $1 order by lower(name), tenant_id',
    [ws],
  );
  return res.rows.map((r) => ({ tenantId: r.tenant_id, name: r.name, defaultDomain: r.default_domain }));
}
