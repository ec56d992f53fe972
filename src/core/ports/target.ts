import type { IntegrationError } from '../integration-error';
import type { Decimal } from '../money/decimal';
import type { Result } from '../result';
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
  /** Recurring Service (Autotask) / agreement (ConnectWise): the only kind billsync writes to. */
  recurring: boolean;
  active: boolean;
  startDate: PlainDate;
  /** Last day of the contract, inclusive as PSAs show it; undefined = open-ended. */
  endDate: PlainDate | undefined;
}

export interface TargetBillingCode {
  id: string;
  name: string;
  /** The code may be used on recurring contract services (Autotask useType 5). */
  recurringContractService: boolean;
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
}

export interface TargetContractLine {
  id: string;
  contractId: string;
  productId: string;
  unitPrice: Decimal | undefined;
  unitCost: Decimal | undefined;
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
      billingCodeId: string;
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
}
