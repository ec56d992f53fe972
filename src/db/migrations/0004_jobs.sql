-- Up Migration
-- Background jobs (issue 7). The queue itself is pg-boss, in its own schema `pgboss` (created by pg-boss on
-- start). These tables are billsync's own: which daily checks fired, which invoices the daily check has seen,
-- in-app notifications and the e-mail outbox (one message per run at most).

-- One row per workspace, job and local calendar day: the insert is the fence that makes the daily schedule fire
-- exactly once however many workers tick at the same moment.
create table schedule_fires (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  job text not null,
  local_date date not null,
  job_id uuid,
  fired_at timestamptz not null default now(),
  primary key (workspace_id, job, local_date)
);

-- Invoices (id + revision) the daily check has already acted on: anything else is a new invoice.
create table invoice_checks (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  invoice_id text not null,
  revision integer not null,
  seen_at timestamptz not null default now(),
  primary key (workspace_id, invoice_id)
);

-- In-app notifications (the header's unread count): one per run with warnings or errors.
create table notifications (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  run_id uuid references runs (id) on delete cascade,
  level text not null check (level in ('info', 'warning', 'error')),
  title text not null,
  body text not null,
  link text,
  created_at timestamptz not null default now(),
  read_at timestamptz
);
create unique index notifications_run_key on notifications (run_id);
create index notifications_workspace_idx on notifications (workspace_id, created_at desc);

-- Every notification e-mail, sent or not: `held` when no SMTP server is configured (the app shows them),
-- `pending` while being sent, `sent`, or `failed` (retried by the job queue). At most one per run.
create table outbox (
  id uuid primary key default gen_random_uuid(),
  workspace_id uuid not null references workspaces (id) on delete cascade,
  run_id uuid references runs (id) on delete cascade,
  recipients text[] not null,
  subject text not null,
  text_body text not null,
  html_body text not null,
  status text not null check (status in ('pending', 'sent', 'held', 'failed')),
  attempts integer not null default 0,
  error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
create unique index outbox_run_key on outbox (run_id);
create index outbox_workspace_idx on outbox (workspace_id, created_at desc);

-- The sweeps of the workers: runs left open, and runs with warnings or errors waiting for their notification.
create index runs_open_idx on runs (created_at) where status in ('running', 'interrupted');
create index runs_notice_idx on runs (finished_at) where status in ('warning', 'error');

-- Down Migration
drop index runs_notice_idx;
drop index runs_open_idx;
drop table outbox;
drop table notifications;
drop table invoice_checks;
drop table schedule_fires;
