-- Up Migration
-- Issue 18: Pax8 as a second source beside Microsoft Partner Center (a workspace connects one of them per program:
-- their customer keys differ, Pax8 company ids against Microsoft tenant ids; the services refuse the second).
alter table connections drop constraint connections_kind_check;
alter table connections
  add constraint connections_kind_check check (kind in ('autotask', 'connectwise', 'partner-center', 'pax8'));

-- Down Migration
delete from connections where kind = 'pax8';
alter table connections drop constraint connections_kind_check;
alter table connections
  add constraint connections_kind_check check (kind in ('autotask', 'connectwise', 'partner-center'));
