-- Up Migration
-- Spec section 6 / R-8: a mid-period price change is told once per customer and offer, by the run that writes
-- around it. Whether a change was told is not a matter of which invoices are new (a price-list change made after the
-- invoice that billed its period in advance was synced is told by no invoice): the warnings a finished run told on
-- items that did not fail are kept here, and the planner tells only the others.
create table told_price_changes (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  target text not null,
  tenant_id text not null,
  offer_key text not null,
  text text not null,
  run_id uuid references runs (id) on delete set null,
  told_at timestamptz not null default now(),
  primary key (workspace_id, target, tenant_id, offer_key, text)
);

-- What the runs before this migration told.
insert into told_price_changes (workspace_id, target, tenant_id, offer_key, text, run_id)
select distinct on (r.workspace_id, r.target, r.tenant_id, i.offer_key, m->>'text')
       r.workspace_id, r.target, r.tenant_id, i.offer_key, m->>'text', r.id
from runs r
join run_items i on i.run_id = r.id
cross join lateral jsonb_array_elements(i.messages) m
where r.kind = 'customer' and r.tenant_id is not null and i.offer_key is not null
  and r.status in ('no_change', 'success', 'warning', 'error') and i.status <> 'error'
  and m->>'text' like 'Subscription % unit price changed from % to % on %'
order by r.workspace_id, r.target, r.tenant_id, i.offer_key, m->>'text', r.created_at;

-- Down Migration
drop table told_price_changes;
