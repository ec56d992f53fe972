-- Up Migration
-- Issue 16 (price rules, decision 0013): a rule sets the retail price of offers from the price list's cost or
-- list retail, for every customer or one, over a range of days. Rules belong to the workspace (whatever PSA the
-- customer is billed from); removing one deletes the row, the audit trail keeps what it was.
create table price_rules (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  -- null: every customer
  customer_tenant_id text,
  offers_kind text not null check (offers_kind in ('all', 'segment', 'family', 'product', 'sku')),
  -- the segment, product-title prefix, product id or SKU code; null for 'all'
  offers_value text,
  basis text not null check (basis in ('cost', 'retail')),
  method text not null check (method in ('markup', 'margin', 'amount', 'fixed')),
  value numeric not null,
  rounding text not null default 'cent' check (rounding in ('cent', 'x9', '99')),
  valid_from date not null,
  -- inclusive; null: open-ended
  valid_to date,
  position integer not null default 0,
  note text not null default '',
  created_at timestamptz not null default now(),
  created_by text not null,
  check (valid_to is null or valid_to >= valid_from),
  check ((offers_kind = 'all') = (offers_value is null)),
  check (method <> 'margin' or value < 100)
);
create index price_rules_workspace_idx on price_rules (workspace_id, position, created_at);

-- Down Migration
drop table price_rules;
