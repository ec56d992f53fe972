-- Up Migration
-- Issue 14: a PSA whose limit is requests per minute (ConnectWise: 1,000, section 3.7 of the reference) is paced
-- with one token bucket per connection shared by every process (server and workers): each request takes a token;
-- tokens come back at the pace allowed, up to a small burst. One row per connection, updated in one statement.
create table psa_rate_budgets (
  connection_id uuid primary key references connections (id) on delete cascade,
  tokens double precision not null,
  refilled_at timestamptz not null
);

-- Down Migration
drop table psa_rate_budgets;
