-- Up Migration
-- Issue 14: a PSA that limits requests in flight per endpoint (Autotask: 3 per integration and endpoint, section
-- 3.5 of the reference) gets places shared by every process (server and workers): a request holds one row of its
-- connection and endpoint while it is sent. A row is free when `held_until` has passed: a holder that dies frees
-- its place when the lease ends; `holder` is the lease's own token, so a late release never frees another's.
create table psa_call_slots (
  connection_id uuid not null references connections (id) on delete cascade,
  endpoint text not null,
  slot smallint not null,
  holder uuid,
  held_until timestamptz not null default '-infinity',
  primary key (connection_id, endpoint, slot)
);

-- Down Migration
drop table psa_call_slots;
