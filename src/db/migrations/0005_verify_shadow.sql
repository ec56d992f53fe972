-- Up Migration
-- Issue 11: a customer whose PSA did not bill what billsync wrote is paused (sync off, with the reason) until a
-- user resumes it; a mapping may ask for a shadow first sync (planned and compared, written only once applied);
-- run items keep the per-month comparison of what the PSA bills and what the invoices say.
alter table customer_mappings add column shadow boolean not null default false;
alter table customer_mappings add column paused_reason text;
alter table customer_mappings add column paused_at timestamptz;
alter table run_items add column comparison jsonb;

-- Down Migration
alter table run_items drop column comparison;
alter table customer_mappings drop column paused_at;
alter table customer_mappings drop column paused_reason;
alter table customer_mappings drop column shadow;
