-- Up Migration
-- Spec section 5 (pricing strategies per mapping): a strategy changed after invoices were synced applies from the
-- first day of the month after the latest synced invoice's billing period; the days before keep the prices the
-- earlier strategy wrote (not re-priced, no corrections booked). Null: the strategy applies to every day.
alter table customer_mappings add column strategy_from date;

-- Down Migration
alter table customer_mappings drop column strategy_from;
