import { Money } from '../../core/money';
import { NO_COMPANY } from './map-invoices';
import type { WireUsageSummary } from './wire-types';
import { normalizeGuid, optionalDecimal } from './wire-values';

/** Azure (or other usage) of the current month so far for one company, from the usage summaries. */
export interface UsageEstimate {
  /** The Pax8 company id; NO_COMPANY for usage whose resource group is linked to no company. */
  customerTenantId: string;
  /** Partner cost so far (sum of `partnerTotal`). */
  cost: Money;
  /** Customer side so far (sum of `currentCharges`). */
  retail: Money;
  summaries: number;
}

/**
 * Usage summaries (`GET /subscriptions/{id}/usage-summaries`, one per resource group or vendor entity) summed
 * per company: the current month's running totals (pax8-api.md 2.9). A preview only: what bills is the invoice's
 * usage after the month (invoiceFromWire), since Pax8 exposes no closed month through the summaries.
 */
export function usageEstimates(summaries: readonly WireUsageSummary[], currency: string): UsageEstimate[] {
  const by = new Map<string, UsageEstimate>();
  for (const s of summaries) {
    const company = normalizeGuid(s.companyId) ?? NO_COMPANY;
    const cur = (s.currencyCode ?? '').trim().toUpperCase() || currency;
    const prev = by.get(company) ?? {
      customerTenantId: company,
      cost: Money.zero(cur),
      retail: Money.zero(cur),
      summaries: 0,
    };
    const cost = optionalDecimal(s.partnerTotal, `usage summary ${s.id} partnerTotal`);
    const retail = optionalDecimal(s.currentCharges, `usage summary ${s.id} currentCharges`);
    by.set(company, {
      ...prev,
      cost: cost === undefined ? prev.cost : prev.cost.add(Money.of(cost, cur)),
      retail: retail === undefined ? prev.retail : prev.retail.add(Money.of(retail, cur)),
      summaries: prev.summaries + 1,
    });
  }
  return [...by.values()].sort((a, b) => (a.customerTenantId < b.customerTenantId ? -1 : 1));
}
