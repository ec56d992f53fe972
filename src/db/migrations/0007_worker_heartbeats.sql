-- Up Migration
-- Issue 12: a dead worker's job is handed on within seconds, not when it expires (decision 0009). Every worker
-- process refreshes its row every few seconds (BILLSYNC_HEARTBEAT_SECONDS) with the pg-boss jobs it runs;
-- an active job no worker with a fresh heartbeat lists is failed (and so retried) by the workers' sweep.
create table worker_heartbeats (
  id uuid primary key,
  host text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  jobs uuid[] not null default '{}'
);
create index worker_heartbeats_at_idx on worker_heartbeats (heartbeat_at);

-- Down Migration
drop table worker_heartbeats;
