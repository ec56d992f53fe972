/**
 * A small builder for scenario seeds: companies, subscriptions with seat changes on dates, cancellations,
 * upgrades, Azure usage and invoice corrections. The invoices follow from the timeline under the switches in
 * force (billing/invoices.ts); `invoicesThrough` and `releaseInstant` give them to tests without HTTP.
 */

import { type DerivedInvoice, invoicesAsOf, releaseDateOf } from '../billing/invoices';
import type { Pax8Rules } from '../options';
import { DEFAULT_RULES } from '../options';
import {
  catalogProducts,
  commitmentId,
  type ProductKey,
  productId,
  type SeatProductKey,
  type SeatTerm,
  seatPrices,
} from './catalog';
import { type Pax8Seed, type SeedCompany, type SeedSubscription, stableId, validateSeed } from './model';

export interface ScenarioOptions {
  partnerName?: string;
  currencyCode?: string;
  clientId?: string;
  clientSecret?: string;
  /** Salt for the generated ids (two scenarios with the same names get different ids). Default `scenario`. */
  idPrefix?: string;
}

export interface CompanyOptions {
  externalId?: string;
  billOnBehalf?: boolean;
  city?: string;
  stateOrProvince?: string;
  status?: SeedCompany['status'];
}

export interface SubscribeOptions {
  /** First billed day, `YYYY-MM-DD`. */
  on: string;
  quantity: number;
  /** Default `monthly` (month-to-month). */
  term?: SeatTerm;
  /** Customer unit price per billing period; default the product's suggested retail for the term. */
  price?: number;
  /** Partner unit cost per billing period; default the product's partner buy rate for the term. */
  cost?: number;
}

export interface UsageMeterInput {
  resourceGroup: string;
  meter: string;
  quantity: number;
  unitPrice: number;
  unitCost: number;
}

export const DEFAULT_SCENARIO_CREDENTIALS = { clientId: 'scenario-client', clientSecret: 'scenario-secret' };

export class Pax8Scenario {
  private readonly seed: Pax8Seed;
  private readonly prefix: string;
  private count = 0;

  constructor(options: ScenarioOptions = {}) {
    this.prefix = options.idPrefix ?? 'scenario';
    this.seed = {
      partner: { name: options.partnerName ?? 'Northbridge IT', currencyCode: options.currencyCode ?? 'USD' },
      credentials: [
        {
          clientId: options.clientId ?? DEFAULT_SCENARIO_CREDENTIALS.clientId,
          clientSecret: options.clientSecret ?? DEFAULT_SCENARIO_CREDENTIALS.clientSecret,
        },
      ],
      companies: [],
      products: catalogProducts(),
      subscriptions: [],
      usage: [],
      corrections: [],
    };
  }

  private id(kind: string): string {
    return stableId(`${this.prefix}:${kind}:${++this.count}`);
  }

  private sub(id: string): SeedSubscription {
    const sub = this.seed.subscriptions.find((s) => s.id === id);
    if (!sub) throw new Error(`unknown subscription ${id}`);
    return sub;
  }

  /** Adds a company; returns its id. */
  company(name: string, options: CompanyOptions = {}): string {
    const id = this.id('company');
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
    this.seed.companies.push({
      id,
      name,
      address: {
        street: `${100 + this.seed.companies.length * 7} Main Street`,
        city: options.city ?? 'Denver',
        stateOrProvince: options.stateOrProvince ?? 'CO',
        postalCode: '80202',
        country: 'US',
      },
      phone: '303-555-0100',
      website: `https://www.${slug}.example`,
      externalId: options.externalId ?? '',
      billOnBehalfOfEnabled: options.billOnBehalf ?? false,
      selfServiceAllowed: false,
      orderApprovalRequired: false,
      status: options.status ?? 'Active',
      updatedDate: '2025-06-01',
    });
    return id;
  }

  /** A seat subscription from `on`; returns its id. */
  subscribe(companyId: string, product: SeatProductKey, options: SubscribeOptions): string {
    const term = options.term ?? 'monthly';
    const prices = seatPrices(product, term);
    const id = this.id('subscription');
    this.seed.subscriptions.push({
      id,
      companyId,
      productId: productId(product),
      billingTerm: term === 'annual' ? 'Annual' : 'Monthly',
      commitment:
        term === 'monthly' ? null : { id: commitmentId(product, '1-Year'), term: '1-Year', months: 12 },
      price: options.price ?? prices.price,
      partnerCost: options.cost ?? prices.cost,
      startDate: options.on,
      endDate: null,
      quantities: [{ from: options.on, quantity: options.quantity }],
      vendorSubscriptionId: stableId(`${id}:microsoft`),
      vendorSkuId: stableId(`${product}:sku`).toUpperCase(),
    });
    return id;
  }

  /** The quantity is `quantity` from `on` (inclusive). */
  changeSeats(subscriptionId: string, on: string, quantity: number): this {
    const sub = this.sub(subscriptionId);
    const last = sub.quantities.at(-1);
    if (last && on <= last.from) throw new Error(`changeSeats(${on}): must be after ${last.from}`);
    sub.quantities.push({ from: on, quantity });
    return this;
  }

  /** Cancelled from `on`: `on` is the first day no longer billed (`endDate`). */
  cancel(subscriptionId: string, on: string): this {
    this.sub(subscriptionId).endDate = on;
    return this;
  }

  /** Product change (§3.1 ChangeProduct: old credited, new charged): old cancelled from `on`, a new one from `on`. */
  upgrade(
    subscriptionId: string,
    on: string,
    to: SeatProductKey,
    options: Partial<SubscribeOptions> = {},
  ): string {
    const old = this.sub(subscriptionId);
    const quantity = [...old.quantities].reverse().find((q) => q.from < on)?.quantity ?? 0;
    this.cancel(subscriptionId, on);
    const term: SeatTerm =
      old.billingTerm === 'Annual' ? 'annual' : old.commitment ? 'annual-commit-monthly' : 'monthly';
    return this.subscribe(old.companyId, to, { on, quantity, term, ...options });
  }

  /** An Azure plan subscription (usage billed in arrears); returns its id. */
  azure(companyId: string, on: string): string {
    const id = this.id('subscription');
    this.seed.subscriptions.push({
      id,
      companyId,
      productId: productId('azure-plan' as ProductKey),
      billingTerm: 'Monthly',
      commitment: null,
      price: 0,
      partnerCost: 0,
      startDate: on,
      endDate: null,
      quantities: [{ from: on, quantity: 1 }],
      vendorSubscriptionId: stableId(`${id}:microsoft`),
      vendorSkuId: 'DZH318Z0BPS6:0001',
    });
    return id;
  }

  /** Usage of an Azure subscription in `month` (`YYYY-MM`), one entry per resource group and meter. */
  usage(subscriptionId: string, month: string, meters: UsageMeterInput[]): this {
    for (const m of meters) this.seed.usage.push({ subscriptionId, month, ...m });
    return this;
  }

  /** The invoice dated `invoiceDate` bills `extraQuantity` too many on the subscription and is never corrected. */
  invoiceError(invoiceDate: string, options: { subscriptionId: string; extraQuantity: number }): this {
    this.seed.corrections.push({ invoiceDate, correctedOn: null, ...options });
    return this;
  }

  /** The history has no snapshot for the change on `date` (the invoices still bill it). */
  dropSnapshot(subscriptionId: string, date: string): this {
    this.sub(subscriptionId);
    this.seed.historyGaps = [...(this.seed.historyGaps ?? []), { subscriptionId, date }];
    return this;
  }

  /** The invoice dated `invoiceDate` bills `extraQuantity` too many on the subscription; corrected on `on`. */
  correctInvoice(
    invoiceDate: string,
    options: { on: string; subscriptionId: string; extraQuantity: number },
  ): this {
    this.seed.corrections.push({
      invoiceDate,
      correctedOn: options.on,
      subscriptionId: options.subscriptionId,
      extraQuantity: options.extraQuantity,
    });
    return this;
  }

  /** The seed (validated, a deep copy). */
  build(): Pax8Seed {
    return validateSeed(structuredClone(this.seed));
  }
}

export const pax8Scenario = (options?: ScenarioOptions): Pax8Scenario => new Pax8Scenario(options);

/** The emulator clock instant at which the invoice dated `YYYY-MM-01` of `month` is released (rules' release day). */
export function releaseInstant(month: string, rules: Pax8Rules = DEFAULT_RULES): string {
  return `${releaseDateOf(`${month}-01`, rules)}T00:00:00Z`;
}

/** The invoices dated up to the 1st of `month` (`YYYY-MM`), as the API shows them on that invoice's release day. */
export function invoicesThrough(
  seed: Pax8Seed,
  month: string,
  rules: Pax8Rules = DEFAULT_RULES,
): DerivedInvoice[] {
  return invoicesAsOf(seed, rules, releaseDateOf(`${month}-01`, rules)).filter(
    (d) => d.invoice.invoiceDate <= `${month}-01`,
  );
}
