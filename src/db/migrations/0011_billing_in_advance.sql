-- Up Migration
-- Issue 16 (billing in advance, decision 0014): per mapping, the PSA bills the customer's seats after
-- Microsoft's invoice (arrears, as before) or for the coming month from the seats carried forward (advance).
alter table customer_mappings
  add column billing text not null default 'arrears' check (billing in ('arrears', 'advance'));

-- Down Migration
alter table customer_mappings drop column billing;
