-- Up Migration
-- Microsoft CSP source data, normalized (src/core/model/source.ts): customers (tenants), price-list entries,
-- invoices with their lines and Azure plan daily usage, and a record of every file import.
-- Every row carries its workspace id; repositories always filter by it. Money is numeric (exact), dates are date.

create table source_customers (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  tenant_id text not null check (tenant_id = lower(tenant_id)),
  name text not null,
  default_domain text not null default '',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, tenant_id)
);

-- One row per offer key and validity start: importing the same price list again changes nothing.
create table price_list_entries (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  product_id text not null,
  sku_id text not null,
  term text not null check (term in ('P1M', 'P1Y', 'P3Y')),
  billing_plan text not null check (billing_plan in ('Monthly', 'Annual', 'Triennial', 'OneTime')),
  segment text not null check (segment in ('Commercial', 'Education', 'Charity', 'Government')),
  market text not null,
  currency text not null,
  effective_start date not null,
  -- exclusive; null = open-ended
  effective_end date,
  product_title text not null,
  sku_title text not null,
  cost numeric not null,
  retail numeric not null,
  unit_of_measure text not null default '',
  tags text[] not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, product_id, sku_id, term, billing_plan, segment, market, currency, effective_start)
);

create table invoices (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  id text not null,
  billing_period text not null check (billing_period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  issue_date date not null,
  currency text not null,
  dates_from text not null check (dates_from in ('source', 'inferred', 'user')),
  -- sha256 of the stored lines / usage rows (null = that part was never imported); a re-issue changes it
  lines_hash text,
  line_count integer not null default 0,
  usage_hash text,
  usage_line_count integer not null default 0,
  -- 1 when first stored, +1 for every corrected re-issue that replaced lines or changed the header
  revision integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (workspace_id, id)
);
create index invoices_issue_idx on invoices (workspace_id, issue_date);

-- Lines are bulk-loaded with COPY (100k rows per invoice): no foreign key (a per-row check would double the
-- load time). Deleting an invoice or a workspace deletes its rows through the triggers below.
create table invoice_lines (
  workspace_id uuid not null,
  invoice_id text not null,
  line_number integer not null,
  customer_tenant_id text not null,
  customer_name text not null,
  customer_domain text not null,
  subscription_id text not null,
  product_id text not null,
  sku_id text not null,
  term text not null,
  billing_plan text not null,
  segment text not null,
  market text not null,
  pricing_currency text not null,
  product_title text not null,
  sku_title text not null,
  charge_type text not null,
  kind text not null check (kind in ('license', 'azure_usage', 'one_time', 'credit')),
  -- half-open: charge_end = Microsoft's inclusive ChargeEndDate + 1 day
  charge_start date not null,
  charge_end date not null,
  -- signed: negative for a reversal (Subtotal < 0)
  quantity numeric not null,
  unit_price numeric not null,
  effective_unit_price numeric not null,
  subtotal numeric not null,
  billing_currency text not null,
  -- half-open subscription term, when the source says
  term_start date,
  term_end date,
  order_date date,
  primary key (workspace_id, invoice_id, line_number)
);
-- The sync engine reads a customer's lines across invoices (src/db/repos/sync-source.ts).
create index invoice_lines_customer_idx on invoice_lines (workspace_id, customer_tenant_id, invoice_id);

-- Azure plan daily-rated usage, one row per file row (per day, meter and resource).
create table azure_usage_lines (
  workspace_id uuid not null,
  invoice_id text not null,
  line_number integer not null,
  customer_tenant_id text not null,
  customer_name text not null,
  subscription_id text not null,
  entitlement_id text not null,
  usage_date date not null,
  meter_id text not null,
  meter_name text not null,
  meter_category text not null,
  quantity numeric not null,
  unit_price numeric not null,
  effective_unit_price numeric not null,
  pricing_currency text not null,
  cost numeric not null,
  billing_currency text not null,
  primary key (workspace_id, invoice_id, line_number)
);
create index azure_usage_lines_customer_idx on azure_usage_lines (workspace_id, customer_tenant_id, invoice_id);

-- The cascade the line tables do not get from foreign keys.
create function source_invoice_rows_delete() returns trigger language plpgsql as $$
begin
  delete from invoice_lines where workspace_id = old.workspace_id and invoice_id = old.id;
  delete from azure_usage_lines where workspace_id = old.workspace_id and invoice_id = old.id;
  return old;
end $$;
create trigger invoices_delete_rows after delete on invoices
  for each row execute function source_invoice_rows_delete();

create function source_workspace_rows_delete() returns trigger language plpgsql as $$
begin
  delete from invoice_lines where workspace_id = old.id;
  delete from azure_usage_lines where workspace_id = old.id;
  return old;
end $$;
create trigger workspaces_delete_source_rows after delete on workspaces
  for each row execute function source_workspace_rows_delete();

-- One row per successful import (a failed one stores nothing, not even this).
create table source_imports (
  id bigint generated always as identity primary key,
  workspace_id uuid not null references workspaces (id) on delete cascade,
  file_name text not null,
  kind text not null check (kind in ('price_list', 'recon', 'azure_usage')),
  invoice_id text,
  row_count integer not null,
  created integer not null,
  updated integer not null,
  unchanged integer not null,
  details jsonb not null default '{}'::jsonb,
  imported_at timestamptz not null default now()
);
create index source_imports_workspace_idx on source_imports (workspace_id, imported_at desc);

-- Down Migration
drop trigger workspaces_delete_source_rows on workspaces;
drop function source_workspace_rows_delete();
drop trigger invoices_delete_rows on invoices;
drop function source_invoice_rows_delete();
drop table source_imports;
drop table azure_usage_lines;
drop table invoice_lines;
drop table invoices;
drop table price_list_entries;
drop table source_customers;
