import type { InvoiceLine, OfferKey, PriceListEntry } from '../src/core/model/source';
import { offerKeyText } from '../src/core/model/source';
import { dec } from '../src/core/money/decimal';
import { Money } from '../src/core/money/money';
import { type CustomerInvoice, planCustomerSync } from '../src/core/planner/customer-plan';
import type { ProgramSettings } from '../src/core/planner/types';
import {
  type BillingPeriod,
  firstDayOf,
  nextPeriod,
  parseBillingPeriod,
} from '../src/core/time/billing-period';
import { fromInclusive } from '../src/core/time/date-range';
import { addDays, parsePlainDate } from '../src/core/time/plain-date';

const SETTINGS: ProgramSettings = {
  syncEnabled: true,
  mode: 'in-use',
  motions: { monthly: true, annual: false, azure: true },
  billingCodeId: '1',
  vendorId: undefined,
  namePrefix: 'PC_',
  azureMarkupPercent: dec('0'),
};

const OFFERS: OfferKey[] = ['CFQ7TTC0LH18', 'CFQ7TTC0LCHC', 'CFQ7TTC0LDPB'].map((productId) => ({
  productId,
  skuId: '0001',
  term: 'P1Y',
  billingPlan: 'Monthly',
  segment: 'Commercial',
  market: 'US',
  currency: 'USD',
}));

const OWN_PRICES: PriceListEntry[] = OFFERS.map((offer) => ({
  offer,
  productTitle: offer.productId,
  skuTitle: offer.productId,
  cost: Money.of('20.00', 'USD'),
  retail: Money.of('23.10', 'USD'),
  effective: { start: parsePlainDate('2024-01-01'), end: undefined },
  unitOfMeasure: '1 License',
  tags: [],
}));

/**
 * The price list the planner gets: the 3 offers' entries among `size` entries in all, as a real NCE price list
 * (tens of thousands of offers, a year of monthly entries each): the planner looks prices up per offer and customer.
 */
function priceList(size: number): PriceListEntry[] {
  const list = [...OWN_PRICES];
  for (let i = 0; list.length < size; i++) {
    const offer: OfferKey = {
      ...OFFERS[0]!,
      productId: `CFQ7TTC0${String(i >> 4).padStart(4, '0')}`,
      skuId: String(i % 16).padStart(4, '0'),
    };
    for (let m = 1; m <= 12 && list.length < size; m++) {
      const start = parsePlainDate(`2025-${String(m).padStart(2, '0')}-01`);
      list.push({ ...OWN_PRICES[0]!, offer, effective: { start, end: undefined } });
    }
  }
  return list;
}

/** 30 lines per customer: 3 offers x 10 months of cycle charges, with a seat change every third month. */
function customerInvoices(c: number): CustomerInvoice[] {
  const tenant = `00000000-0000-4000-8000-${String(c).padStart(12, '0')}`;
  const invoices: CustomerInvoice[] = [];
  for (let m = 0; m < 10; m += 1) {
    const period = parseBillingPeriod(`2025-${String(m + 1).padStart(2, '0')}`) as BillingPeriod;
    const start = firstDayOf(period);
    const last = addDays(firstDayOf(nextPeriod(period)), -1);
    const lines: InvoiceLine[] = OFFERS.map((offer, i) => ({
      invoiceId: `G${m}`,
      lineNumber: i + 1,
      customerTenantId: tenant,
      customerName: `Customer ${c}`,
      customerDomain: '',
      subscriptionId: `${tenant}-${i}`,
      offer,
      productTitle: offer.productId,
      skuTitle: offer.productId,
      chargeType: 'cyclecharge',
      kind: 'license',
      chargePeriod: fromInclusive(start, last),
      quantity: dec(5 + ((c + i + Math.floor(m / 3)) % 7)),
      unitPrice: Money.of('20.00', 'USD'),
      effectiveUnitPrice: Money.of('20.00', 'USD'),
      subtotal: Money.of('100.00', 'USD'),
      subscriptionTerm: undefined,
      orderDate: undefined,
    }));
    invoices.push({
      header: {
        id: `G${m}`,
        billingPeriod: period,
        issueDate: addDays(firstDayOf(nextPeriod(period)), 6),
        currency: 'USD',
        datesFrom: 'source',
      },
      lines,
    });
  }
  return invoices;
}

/**
 * Planner time and peak memory for `customers` customers x 30 lines, first sync (empty PSA contracts), with a price
 * list of `priceEntries` entries.
 */
export function benchPlanner(
  customers = 10_000,
  priceEntries = 20_000,
): {
  customers: number;
  lines: number;
  priceEntries: number;
  ms: number;
  operations: number;
  peakRssMb: number;
} {
  const productLinks = new Map(OFFERS.map((o, i) => [offerKeyText(o), `S${i}`]));
  const prices = priceList(priceEntries);
  let ms = 0;
  let operations = 0;
  let lines = 0;
  for (let c = 0; c < customers; c += 1) {
    // Input generation is not timed: only the planner is.
    const invoices = customerInvoices(c);
    lines += invoices.reduce((n, i) => n + i.lines.length, 0);
    const started = performance.now();
    const plan = planCustomerSync({
      asOf: parsePlainDate('2025-11-10'),
      settings: SETTINGS,
      customer: { tenantId: invoices[0]!.lines[0]!.customerTenantId, name: `Customer ${c}` },
      mapping: {
        contractId: 'K',
        strategy: 'cost-and-retail',
        syncStart: parsePlainDate('2025-01-01'),
        firstSyncedDay: undefined,
      },
      invoices,
      syncedInvoiceIds: new Set(),
      priceList: prices,
      productLinks,
      lineLinks: new Map(),
      contract: {
        id: 'K',
        companyId: 'C',
        name: 'K',
        recurring: true,
        active: true,
        startDate: parsePlainDate('2024-01-01'),
        endDate: parsePlainDate('2027-12-31'),
      },
      contractLines: [],
      unitSegments: [],
      charges: [],
      products: [],
    });
    ms += performance.now() - started;
    operations += plan.operations.length;
  }
  return {
    customers,
    lines,
    priceEntries: prices.length,
    ms,
    operations,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
