-- Up Migration
-- Issue 18: days a source says disagree with themselves (Pax8: the seats the invoices bill against the
-- subscription's history). The customer sync does not write a guess on them: it leaves those days as the PSA has
-- them and its run says why, until a pull finds the two agree (each pull replaces the workspace's holds).
create table source_holds (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  tenant_id text not null,
  offer_key text not null,
  subscription_id text not null,
  start_day date not null,
  -- half-open: the first day they agree again
  end_day date not null check (end_day > start_day),
  reason text not null,
  created_at timestamptz not null default now(),
  primary key (workspace_id, tenant_id, subscription_id, start_day)
);

-- Down Migration
drop table source_holds;
