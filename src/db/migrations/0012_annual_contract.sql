-- Up Migration
-- Issue 16 (annual seat-based billing, decision 0015): a customer's annual-billed Microsoft lines are booked on a
-- second contract of the mapping (Autotask Fixed Price; ConnectWise agreement billed one time).
alter table customer_mappings
  add column annual_contract_id text,
  add column annual_contract_name text;

-- Down Migration
alter table customer_mappings drop column annual_contract_name, drop column annual_contract_id;
