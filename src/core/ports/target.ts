import type { IntegrationError } from '../integration-error';
import type { Decimal } from '../money/decimal';
import type { Result } from '../result';
import type { DateRange } from '../time/date-range';
import type { PlainDate } from '../time/plain-date';

/**
 * What billsync knows of a PSA, in its own words (no vendor words: the Autotask adapter maps Services to
 * products, ContractServices to contract lines, ContractServiceUnits to unit segments). Ids are the PSA's ids
 * as strings. Money amounts are exact decimals in the PSA's currency.
 */

export interface TargetCompany {
  id: string;
  name: string;
  kind: 'customer' | 'vendor' | 'other';
  active: boolean;
}

export interface TargetContract {
  id: string;
  companyId: string;
  name: string;
  /** Recurring Service (Autotask) / monthly agreement (ConnectWise): the kind billsync writes lines to. */
  recurring: boolean;
  /**
   * Bills one-time charges as they come, the kind annual-billed subscriptions are booked on (issue 16, decision
   * 0015): Autotask Fixed Price; ConnectWise an agreement billed one time.
   */
  fixed?: boolean | undefined;
  active: boolean;
  startDate: PlainDate;
  /** Last day of the contract, inclusive as PSAs show it; undefined = open-ended. */
  endDate: PlainDate | undefined;
  /**
   * Billing of this contract is approved and posted (invoiced) through this day, inclusive: no change can be
   * dated on or before it any more (spec section 6, "Locked days"). Undefined = nothing posted yet.
   */
  postedThrough?: PlainDate | undefined;
  /**
   * The days a contract line can change on. `any-day` (default; Autotask: an adjustment is dated to the day and
   * the PSA prorates it). `month-start` (ConnectWise, decision 0012): only the first day of a calendar month, so
   * no addition starts or ends inside a billing period and the PSA's proration settings never apply; the planner
   * treats other days as locked and books their money as one-time charges.
   */
  changesOn?: 'any-day' | 'month-start' | undefined;
  /**
   * A change of the Azure plan line holds to the end of its month only: from the next 1st the line bills nothing
   * unless that month is written too (ConnectWise: one addition per month, ended with it; decision 0012). The
   * planner then writes every month of usage, also two months with equal totals (spec R-9). Undefined: a change
   * holds until the line's next change (Autotask).
   */
  azureByMonth?: boolean | undefined;
}

export interface TargetBillingCode {
  id: string;
  name: string;
  /** The code may be used on recurring contract services (Autotask useType 5). */
  recurringContractService: boolean;
  /** The code may be used on one-time contract charges (Autotask: a Material Cost Code, useType 4). */
  chargeCode?: boolean;
  active: boolean;
}

export type ProductPeriod = 'monthly' | 'yearly';

export interface TargetProduct {
  id: string;
  name: string;
  description: string;
  unitPrice: Decimal;
  unitCost: Decimal;
  period: ProductPeriod;
  active: boolean;
  billingCodeId: string | undefined;
  vendorId: string | undefined;
  /** The vendor's part number the PSA keeps on the product (ConnectWise: vendor SKU); undefined where it has none. */
  vendorSku?: string | undefined;
}

/**
 * How a PSA names the product of an offer and finds one that already exists (spec section 4). Undefined in a
 * snapshot: the Autotask rules (prefix + SKU code, found by name, billing code required).
 */
export interface TargetProductRules {
  /** `prefix-and-sku`: the program's prefix + SKU code (`PC_CFQ7TTC0LCHC:0002`); `sku`: the SKU code alone. */
  naming: 'prefix-and-sku' | 'sku';
  /** An existing product whose vendor SKU is the SKU code is linked instead of created (several: an item error). */
  linkByVendorSku: boolean;
  /** New products need the program's billing code; else the adapter files them by its own settings. */
  needsBillingCode: boolean;
}

export const DEFAULT_PRODUCT_RULES: TargetProductRules = {
  naming: 'prefix-and-sku',
  linkByVendorSku: false,
  needsBillingCode: true,
};

export interface TargetContractLine {
  id: string;
  contractId: string;
  productId: string;
  unitPrice: Decimal | undefined;
  unitCost: Decimal | undefined;
  /**
   * Days that already carry a change of this line, on which the PSA takes no second one (Autotask: one
   * ContractServiceAdjustment per contract service and day, never edited or deleted). Sorted ascending. A change
   * wanted on such a day is a locked day for the planner (spec section 6). Undefined = none known.
   */
  changeDays?: readonly PlainDate[] | undefined;
  /**
   * The PSA's billed state of this line was read up to this day (exclusive): it has no rows to read from this day
   * on (Autotask with rows only up to the current period, or rows outside the days read), and `unitSegments` carry
   * the last state read. billsync's own writes dated from this day on are then known only from its journal
   * (`withOwnWrites`, core/planner/own-writes.ts). The contract's start: no row read at all. Undefined = read to
   * the contract's end.
   */
  unitsReadUntil?: PlainDate | undefined;
}

/**
 * A one-time charge (or credit) on a contract. billsync books one for the days of a contract line it could not
 * change any more (spec section 6, "Locked days"), so the customer's billed total still equals the invoice.
 */
export interface TargetCharge {
  id: string;
  contractId: string;
  /** The product (Autotask Service) whose days a billsync charge corrects; undefined for other charges. */
  productId: string | undefined;
  /** The contract line it belongs to, when the PSA links it. */
  contractLineId: string | undefined;
  /** The day it is dated: it is billed in that day's period. */
  date: PlainDate;
  name: string;
  /**
   * What the charge tells the customer (its description), when the PSA returns one: a billsync charge names there
   * the days it books (spec section 6, locked days), so a later charge of the month can name only its own.
   */
  description?: string | undefined;
  /** Billed to the customer: positive = a charge, negative = a credit. */
  amount: Decimal;
  /** What it costs the MSP, same sign convention. */
  cost: Decimal;
  /** Booked by billsync (carries billsync's marker): only these count as corrections of a line. */
  billsync: boolean;
  /** The billsync marker's sequence number within its product and month (1, 2, ...); 0 for other charges. */
  sequence: number;
  /** Already invoiced (approved and posted). */
  billed: boolean;
}

/**
 * Units, price and cost of one contract line over a half-open day range, as the PSA will bill them (Autotask:
 * one ContractServiceUnits row; its inclusive endDate + 1 day is `end`).
 */
export interface TargetUnitSegment {
  contractLineId: string;
  contractId: string;
  productId: string;
  start: PlainDate;
  end: PlainDate;
  units: Decimal;
  price: Decimal | undefined;
  cost: Decimal | undefined;
  /** Already approved and posted (billed) in the PSA: changes inside it are not possible without un-posting. */
  posted: boolean;
}

/** What to read: the product catalogue and/or the contracts of some customers. */
export interface TargetScope {
  products?: boolean;
  contractIds?: readonly string[];
  /** Companies and contracts for the mapping dropdowns. */
  directory?: boolean;
  /**
   * The days whose billed state the reader needs (`unitWindow`): the snapshot's unit segments must be exact on
   * every day in it; outside it a PSA may leave out what it would have to page through (Autotask: the unit rows of
   * other billing periods; a line then carries its last state, as when rows stop at the current period).
   * Undefined = every day. A PSA that reads a line's history in one piece anyway may ignore it.
   */
  unitDays?: DateRange;
}

export interface TargetSnapshot {
  /** When it was read (UTC instant). */
  takenAt: string;
  companies: TargetCompany[];
  contracts: TargetContract[];
  billingCodes: TargetBillingCode[];
  products: TargetProduct[];
  contractLines: TargetContractLine[];
  unitSegments: TargetUnitSegment[];
  /** One-time charges of the contracts in scope (`contractIds`). */
  charges?: TargetCharge[];
  /** How this PSA names and finds products; undefined = `DEFAULT_PRODUCT_RULES`. */
  productRules?: TargetProductRules;
}

/**
 * One write to the PSA, as planned. `key` is unique within a plan and stable across re-plans of the same input,
 * so the journal can tell the same operation again.
 */
export type PlannedOperation =
  | {
      kind: 'create-product';
      key: string;
      /** Our offer key text: the product becomes linked to this offer. */
      offerKey: string;
      name: string;
      description: string;
      unitPrice: Decimal;
      unitCost: Decimal;
      period: ProductPeriod;
      /** The program's billing code; undefined where the PSA files products otherwise (`needsBillingCode` false). */
      billingCodeId: string | undefined;
      vendorId: string | undefined;
    }
  | {
      kind: 'update-product-price';
      key: string;
      offerKey: string;
      productId: string;
      /** The values before (for the preview and for probing) and after. */
      from: { unitPrice: Decimal; unitCost: Decimal };
      unitPrice: Decimal;
      unitCost: Decimal;
    }
  | {
      kind: 'adjust-contract-line';
      key: string;
      /** The customer (tenant id) and offer it serves. */
      customerTenantId: string;
      offerKey: string;
      contractId: string;
      /** PSA product id (Autotask Service id). */
      productId: string;
      /** Existing contract line, or undefined: the PSA creates it with the first adjustment. */
      contractLineId: string | undefined;
      effectiveDate: PlainDate;
      /** Signed whole units. 0 = a price-only change. */
      unitChange: Decimal;
      /** Price/cost from the effective date on; undefined = leave as the PSA has it. */
      unitPrice: Decimal | undefined;
      unitCost: Decimal | undefined;
      /** Units on the effective date before and after, for the preview, money deltas and probing. */
      unitsBefore: Decimal;
      unitsAfter: Decimal;
    }
  | {
      /**
       * A one-time charge (amount > 0) or credit (amount < 0) on the contract for days of a contract line that
       * could not be changed any more (spec section 6, "Locked days"). Its identity in the PSA is (contract,
       * product, month of `date`, `sequence`): the adapter marks the charge with it, so a probe finds it and a
       * later plan counts it.
       */
      kind: 'book-charge';
      key: string;
      customerTenantId: string;
      offerKey: string;
      contractId: string;
      productId: string;
      /** The line it corrects, when it exists already. */
      contractLineId: string | undefined;
      /** The day it is dated: the first day it corrects. */
      date: PlainDate;
      /** 1 for the first billsync charge of this product and month on the contract, 2 for the next, ... */
      sequence: number;
      /** Short, shown on the customer's invoice. */
      name: string;
      /** The days, the offer and the reason. */
      description: string;
      /** Billed to the customer (signed; never of the opposite sign to `cost`). */
      amount: Decimal;
      /** The MSP's cost of it (signed). */
      cost: Decimal;
      /** The PSA's code for one-time charges; undefined = the adapter uses the PSA's default charge code. */
      chargeCodeId: string | undefined;
    };

export type OperationKind = PlannedOperation['kind'];

/** What a landed write produced. */
export interface Applied {
  /** The PSA id of what was created or changed (service id, contract line id) when known. */
  targetId: string | undefined;
}

export interface TargetContext {
  /** Called for every HTTP request the adapter makes (for run statistics). */
  onRequest?: (method: string, path: string) => void;
  signal?: AbortSignal;
}

/** One choice of a PSA setup list (id and name as the PSA shows them). */
export interface TargetChoice {
  id: string;
  name: string;
}

/**
 * Where new products can be filed, for PSAs that file products under a category, a subcategory of it and a
 * product type (ConnectWise's catalog, decision 0012). Inactive rows are left out.
 */
export interface TargetProductPlacement {
  categories: TargetChoice[];
  subcategories: (TargetChoice & { categoryId: string | null })[];
  productTypes: TargetChoice[];
}

export interface TargetAdapter {
  readonly kind: 'autotask' | 'connectwise';
  /** A cheap authenticated call: are the credentials right? */
  check(ctx: TargetContext): Promise<Result<{ detail: string }, IntegrationError>>;
  /** Batched reads of what the scope needs (few calls, never one per object). */
  readState(ctx: TargetContext, scope: TargetScope): Promise<TargetSnapshot>;
  apply(ctx: TargetContext, op: PlannedOperation): Promise<Result<Applied, IntegrationError>>;
  /**
   * After a timeout, a lost response or a crash: did `op` land? Never guess: answer `absent` only when the PSA
   * shows the state from before the operation.
   */
  probe(ctx: TargetContext, op: PlannedOperation): Promise<Result<Applied | 'absent', IntegrationError>>;
  /** The choices of where new products go, for PSAs whose products need more than a billing code. */
  readProductPlacement?(ctx: TargetContext): Promise<TargetProductPlacement>;
}
