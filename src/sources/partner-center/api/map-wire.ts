import { IntegrationError } from '../../../core/integration-error';
import type { InvoiceHeader, SourceCustomer } from '../../../core/model/source';
import { type PlainDate, periodOf, previousPeriod } from '../../../core/time';
import { parseFileDate } from '../files/dates';
import { normalizeTenantId } from '../files/ids';
import { VENDOR } from './error-mapper';
import type { WireCustomer, WireInvoice } from './wire-types';

function protocol(message: string): IntegrationError {
  return new IntegrationError({ kind: 'protocol', vendor: VENDOR, message });
}

/** A date of the API (`2025-08-07T00:00:00Z`): the calendar date as written, like the files. */
export function wireDate(value: string, what: string): PlainDate {
  const parsed = parseFileDate(value);
  if (!parsed) throw protocol(`${what}: not a date: ${JSON.stringify(value)}`);
  return parsed.date;
}

/** A Partner Center `Customer` as a SourceCustomer: tenant id lower-cased without `org:`, company name, domain. */
export function customerFromWire(c: WireCustomer): SourceCustomer {
  const raw = c.companyProfile?.tenantId ?? c.id;
  const tenantId = normalizeTenantId(raw);
  if (!tenantId) throw protocol(`customer ${JSON.stringify(c.id)}: tenant id is not a GUID`);
  return {
    tenantId,
    name: (c.companyProfile?.companyName ?? '').trim(),
    defaultDomain: (c.companyProfile?.domain ?? '').trim(),
  };
}

/**
 * A Partner Center `Invoice` as an InvoiceHeader. The billing period is the month of billingPeriodStartDate
 * (NCE invoices bill calendar months); without one, the month before the invoice date. Dates come from the
 * source, so `datesFrom` is `source`.
 */
export function invoiceHeaderFromWire(inv: WireInvoice): InvoiceHeader {
  const issueDate = wireDate(inv.invoiceDate, `invoice ${inv.id} invoiceDate`);
  const start = inv.billingPeriodStartDate
    ? wireDate(inv.billingPeriodStartDate, `invoice ${inv.id} billingPeriodStartDate`)
    : undefined;
  const currency = inv.currencyCode.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    throw protocol(`invoice ${inv.id}: currencyCode ${JSON.stringify(inv.currencyCode)}`);
  return {
    id: inv.id,
    billingPeriod: start ? periodOf(start) : previousPeriod(periodOf(issueDate)),
    issueDate,
    currency,
    datesFrom: 'source',
  };
}

/** Whether an invoice is one billsync syncs: a regular invoice (not a credit note) of the modern ("OneTime") kind. */
export function isSyncableInvoice(inv: WireInvoice): boolean {
  const doc = (inv.documentType ?? 'invoice').toLowerCase().replace(/\s+/g, '');
  return doc !== 'creditnote' && (inv.invoiceType ?? 'OneTime').toLowerCase() === 'onetime';
}
