-- Up Migration
-- Issue 14 (the web at 5,000 customers and 12 months of runs): the customers table and History read indexes and
-- one summary row per customer instead of walking every customer's runs.
--
-- customer_run_states: per customer and target, its last run (the newest that is not a preview nor superseded:
-- the table's "Last run") and when it was last brought up to date (the newest finish of a Success, Warning or
-- No Change run). The customers table sorts and pages on these over all customers; read from runs they cost two
-- index probes per customer and page. A trigger on runs keeps the rows exact whatever writes a run (engine, jobs,
-- resume, supersede, a bulk insert).
create table customer_run_states (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  target text not null,
  tenant_id text not null,
  last_run_id uuid,
  last_run_status text,
  last_run_at timestamptz,
  last_run_message text,
  -- created_at of the last run: a later write of an older run never replaces it
  last_run_created_at timestamptz,
  last_synced_at timestamptz,
  primary key (workspace_id, target, tenant_id)
);

-- Recomputes a customer's row from its runs: for the rare writes after which a run stops counting (superseded,
-- moved, deleted, no longer a sync). Under the row's lock, so a concurrent writer of the same customer's runs has
-- committed before the recount reads them.
create function refresh_customer_run_state(ws uuid, tgt text, tenant text) returns void
language plpgsql as $$
begin
  insert into customer_run_states (workspace_id, target, tenant_id) values (ws, tgt, tenant)
    on conflict do nothing;
  perform 1 from customer_run_states s
    where s.workspace_id = ws and s.target = tgt and s.tenant_id = tenant for update;
  -- Dynamic: planned for this customer with the table's current statistics, never a plan cached while runs was
  -- small (which may walk the workspace's whole history instead of the customer's runs).
  execute
    $q$update customer_run_states s
          set (last_run_id, last_run_status, last_run_at, last_run_message, last_run_created_at) = (
                select x.id, x.status, coalesce(x.finished_at, x.created_at), x.message, x.created_at from runs x
                 where x.workspace_id = $1 and x.target = $2 and x.tenant_id = $3 and x.kind = 'customer'
                   and x.status not in ('preview', 'superseded')
                 order by x.created_at desc limit 1),
              last_synced_at = (
                select max(x.finished_at) from runs x
                 where x.workspace_id = $1 and x.target = $2 and x.tenant_id = $3 and x.kind = 'customer'
                   and x.status in ('success', 'warning', 'no_change'))
        where s.workspace_id = $1 and s.target = $2 and s.tenant_id = $3$q$
    using ws, tgt, tenant;
end $$;

-- Every other write is merged in place from the run itself (no read of runs): a run that counts becomes the last
-- run unless a newer one already is, and its finish raises the last sync. The upsert locks the row and merges
-- with its latest version, so concurrent writers cannot lose each other's update. Previews and superseded runs
-- never count: storing or superseding them costs nothing here.
create function runs_customer_state() returns trigger
language plpgsql as $$
declare
  old_counts boolean := false;
  new_counts boolean := false;
  synced constant text[] := array['success', 'warning', 'no_change'];
begin
  if tg_op in ('UPDATE', 'DELETE') then
    old_counts := old.kind = 'customer' and old.tenant_id is not null
      and old.status not in ('preview', 'superseded');
  end if;
  if tg_op in ('INSERT', 'UPDATE') then
    new_counts := new.kind = 'customer' and new.tenant_id is not null
      and new.status not in ('preview', 'superseded');
  end if;
  if old_counts and (not new_counts
      or (old.workspace_id, old.target, old.tenant_id) is distinct from (new.workspace_id, new.target, new.tenant_id)
      or (old.status = any(synced) and not new.status = any(synced))) then
    perform refresh_customer_run_state(old.workspace_id, old.target, old.tenant_id);
  end if;
  if new_counts then
    insert into customer_run_states as s (workspace_id, target, tenant_id, last_run_id, last_run_status,
                                          last_run_at, last_run_message, last_run_created_at, last_synced_at)
    values (new.workspace_id, new.target, new.tenant_id, new.id, new.status,
            coalesce(new.finished_at, new.created_at), new.message, new.created_at,
            case when new.status = any(synced) then new.finished_at end)
    on conflict (workspace_id, target, tenant_id) do update set
      (last_run_id, last_run_status, last_run_at, last_run_message, last_run_created_at) = (
        select excluded.last_run_id, excluded.last_run_status, excluded.last_run_at, excluded.last_run_message,
               excluded.last_run_created_at
        where s.last_run_id is null or s.last_run_id = excluded.last_run_id
           or s.last_run_created_at <= excluded.last_run_created_at
        union all
        select s.last_run_id, s.last_run_status, s.last_run_at, s.last_run_message, s.last_run_created_at
        where not (s.last_run_id is null or s.last_run_id = excluded.last_run_id
           or s.last_run_created_at <= excluded.last_run_created_at)),
      last_synced_at = greatest(s.last_synced_at, excluded.last_synced_at);
  end if;
  return null;
end $$;

create trigger runs_customer_state
  after insert or delete or update of workspace_id, target, tenant_id, kind, status, message, created_at, finished_at
  on runs for each row execute function runs_customer_state();

insert into customer_run_states (workspace_id, target, tenant_id, last_run_id, last_run_status, last_run_at,
                                 last_run_message, last_run_created_at, last_synced_at)
select k.workspace_id, k.target, k.tenant_id, l.id, l.status, l.at, l.message, l.created_at, s.at
from (select distinct workspace_id, target, tenant_id from runs
       where kind = 'customer' and tenant_id is not null and status not in ('preview', 'superseded')) k
left join lateral (
  select x.id, x.status, coalesce(x.finished_at, x.created_at) as at, x.message, x.created_at from runs x
   where x.workspace_id = k.workspace_id and x.target = k.target and x.tenant_id = k.tenant_id
     and x.kind = 'customer' and x.status not in ('preview', 'superseded')
   order by x.created_at desc limit 1) l on true
left join lateral (
  select max(x.finished_at) as at from runs x
   where x.workspace_id = k.workspace_id and x.target = k.target and x.tenant_id = k.tenant_id
     and x.kind = 'customer' and x.status in ('success', 'warning', 'no_change')) s on true;
-- Statistics at once: a planner that takes the new table for empty would join it row by row with every customer.
analyze customer_run_states;

-- History (GET /api/runs, newest first, 50 a page): each filter of the page has an index in the page's order,
-- so a page finds its 50 ids in the index (an offset is skipped there) and reads only those rows.
create index runs_target_created_idx on runs (workspace_id, target, created_at desc, id);
create index runs_target_kind_idx on runs (workspace_id, target, kind, created_at desc, id) include (status);
create index runs_target_status_idx on runs (workspace_id, target, status, created_at desc, id) include (kind);

-- Down Migration
drop index runs_target_status_idx;
drop index runs_target_kind_idx;
drop index runs_target_created_idx;
drop trigger runs_customer_state on runs;
drop function runs_customer_state();
drop function refresh_customer_run_state(uuid, text, text);
drop table customer_run_states;
