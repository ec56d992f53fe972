-- Up Migration
-- The sync: program settings per target, customer mappings, links (our object <-> PSA id), runs with their
-- plan (the preview), items and journal (one row per planned PSA write), and the invoices synced per customer.

create table programs (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  target text not null check (target in ('autotask', 'connectwise')),
  settings jsonb not null,
  updated_at timestamptz not null default now(),
  primary key (workspace_id, target)
);

create table customer_mappings (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  target text not null,
  tenant_id text not null,
  company_id text,
  company_name text,
  contract_id text,
  contract_name text,
  strategy text not null default 'cost-and-retail'
    check (strategy in ('cost-and-retail', 'cost-only', 'none', 'none-on-update')),
  sync_start date not null,
  sync_on boolean not null default false,
  -- set by the first successful customer sync: the PSA mirrors the seat timeline from this day on
  first_synced_day date,
  updated_at timestamptz not null default now(),
  primary key (workspace_id, target, tenant_id)
);

create table links (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  target text not null,
  kind text not null check (kind in ('product', 'contract-line')),
  -- product: offer key text; contract-line: tenant id + '|' + offer key text
  our_key text not null,
  target_id text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, target, kind, our_key)
);

create table runs (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  target text not null,
  kind text not null check (kind in ('product', 'customer')),
  tenant_id text,
  customer_name text,
  status text not null check (status in ('preview', 'awaiting_approval', 'running', 'interrupted',
    'no_change', 'success', 'warning', 'error', 'rejected', 'superseded')),
  as_of date not null,
  trigger text not null default 'manual',
  created_by text not null,
  -- the stored plan: operations, items, invoice ids, first synced day (JSON, decimals as strings)
  plan jsonb not null,
  summary jsonb not null default '{}'::jsonb,
  message text,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz
);
create index runs_workspace_idx on runs (workspace_id, created_at desc);
create index runs_customer_idx on runs (workspace_id, target, tenant_id, created_at desc);

create table run_items (
  run_id uuid not null references runs (id) on delete cascade,
  seq integer not null,
  item_key text not null,
  label text not null,
  action text not null,
  status text not null check (status in ('no_change', 'ok', 'warning', 'error', 'skipped')),
  messages jsonb not null default '[]'::jsonb,
  changes jsonb,
  monthly_delta numeric,
  offer_key text,
  tenant_id text,
  target_id text,
  primary key (run_id, seq)
);

create table journal (
  run_id uuid not null references runs (id) on delete cascade,
  seq integer not null,
  op_key text not null,
  item_key text,
  op jsonb not null,
  state text not null check (state in ('pending', 'in_flight', 'done', 'failed')),
  attempts integer not null default 0,
  result jsonb,
  error jsonb,
  updated_at timestamptz not null default now(),
  primary key (run_id, seq),
  unique (run_id, op_key)
);

create table synced_invoices (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  target text not null,
  tenant_id text not null,
  invoice_id text not null,
  run_id uuid references runs (id) on delete set null,
  synced_at timestamptz not null default now(),
  primary key (workspace_id, target, tenant_id, invoice_id)
);

-- Down Migration
drop table synced_invoices;
drop table journal;
drop table run_items;
drop table runs;
drop table links;
drop table customer_mappings;
drop table programs;
