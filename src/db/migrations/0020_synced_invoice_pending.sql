-- Up Migration
-- A customer run that brought an invoice in while some of its items failed (an unknown SKU, a PSA refusal) marks the
-- invoice synced and lists the offers of the failed items (offer key text): for those offers the invoice is still
-- new on the next run (their warnings are told by the run that writes them, the reconciliation shows them as not
-- synced yet); for the customer's other offers it is synced, so their warnings are not told again on every run.
-- Empty: the whole invoice is synced.
alter table synced_invoices add column pending_offers text[] not null default '{}';

-- Down Migration
alter table synced_invoices drop column pending_offers;
