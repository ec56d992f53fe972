-- Up Migration
-- Issue 17: the monthly reconciliation e-mail of a program (setting `reconEmail`). One row per workspace, PSA and
-- period is the fence for "never twice for the same period": it is inserted in the transaction that stores the
-- message in the outbox (a row without run, listed with the run e-mails), so two workers cannot both send it.
create table recon_emails (
  workspace_id uuid not null references workspaces (id) on delete cascade,
  target text not null check (target in ('autotask', 'connectwise')),
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  outbox_id uuid references outbox (id) on delete set null,
  created_at timestamptz not null default now(),
  primary key (workspace_id, target, period)
);

-- Down Migration
drop table recon_emails;
