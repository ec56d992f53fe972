import type { Decimal } from '../money/decimal';
import type { PlannedOperation } from '../ports/target';
import type { PlainDate } from '../time/plain-date';

/** Spec section 5: what a customer sync may change on the PSA contract line. */
export type PricingStrategy = 'cost-and-retail' | 'cost-only' | 'none' | 'none-on-update';
export const PRICING_STRATEGIES: readonly PricingStrategy[] = [
  'cost-and-retail',
  'cost-only',
  'none',
  'none-on-update',
];

export type ProductSyncMode = 'all' | 'in-use';

/** Program "Microsoft CSP" settings for one target (spec section 3). */
export interface ProgramSettings {
  syncEnabled: boolean;
  mode: ProductSyncMode;
  motions: { monthly: boolean; annual: boolean; azure: boolean };
  billingCodeId: string | undefined;
  vendorId: string | undefined;
  /**
   * The PSA code for one-time charges billsync books for locked days (Autotask: a Material Cost Code);
   * undefined = the adapter uses the PSA's default (Autotask: the active Material Cost Code with the lowest id).
   */
  chargeCodeId?: string | undefined;
  /** Prefix of product names (default `PC_`). */
  namePrefix: string;
  /** Markup on Azure cost for the retail total, in percent ("10" = cost x 1.10). */
  azureMarkupPercent: Decimal;
  /** Fill each customer item's `monthChanges` (the approval threshold reads them; they cost planner time). */
  monthChanges?: boolean;
}

/** Status of one item of a plan or run (spec section 7). */
export type ItemStatus = 'no_change' | 'ok' | 'warning' | 'error' | 'skipped';

export interface PlanMessage {
  level: 'info' | 'warning' | 'error';
  text: string;
}

/**
 * One line of a preview / run: a product (offer) or a customer's offer line. Operations point to their item by
 * `itemKey`; the run copies items and adds what execution learned.
 */
export interface PlanItem {
  key: string;
  /** What the user sees in the first column: `PC_CFQ7TTC0LCHC:0002`, or `Contoso Ltd / Microsoft 365 Business Premium`. */
  label: string;
  /** create / recreate / update price / adopt / collision / no change / adjust / skip / error. */
  action: string;
  status: ItemStatus;
  messages: PlanMessage[];
  /** Before -> after values for the preview (decimal strings). */
  changes?: { field: string; from: string | null; to: string | null }[];
  /** Money delta per month for the current period (customer syncs), decimal string. */
  monthlyDelta?: string;
  /** What the line bills per month before the change (customer syncs), decimal string. */
  monthlyBefore?: string;
  /**
   * How the plan changes what the line bills in each calendar month it writes to (charges included), by month
   * (`YYYY-MM`), decimal strings: a change within a past month (a spike, a correction) moves a bill without moving
   * the monthly value of today. Read by the approval threshold (filled when one is set); not stored.
   */
  monthChanges?: Record<string, string>;
  offerKey?: string;
  customerTenantId?: string;
  /** The PSA object it concerns when known. */
  targetId?: string;
  /**
   * Shadow first sync (issue 11): per month, what the PSA bills for this line today and what it will bill once
   * the plan is applied (the invoices' money, charges included), decimal strings.
   */
  comparison?: { month: string; psa: string; invoices: string }[];
}

/**
 * Verify after writing (issue 11): what the PSA must bill on a contract line once a run's writes landed. The
 * engine re-reads the line after the run and compares; any difference pauses the customer. JSON-ready (decimal
 * strings), stored with the plan.
 */
export interface LineCheck {
  itemKey: string;
  contractId: string;
  productId: string;
  /** The days to compare, as half-open ranges. */
  days: { start: PlainDate; end: PlainDate }[];
  /** Units, price and cost per day there (price/cost null = not set). */
  expected: {
    start: PlainDate;
    end: PlainDate | null;
    units: string;
    price: string | null;
    cost: string | null;
  }[];
  /** billsync's charges of this product on the contract, per month the run booked in: their sums. */
  charges: { month: string; amount: string; cost: string }[];
}

export interface Plan {
  operations: PlannedOperation[];
  items: PlanItem[];
  /** Invoices this plan brings into the PSA (customer syncs): the engine marks them synced after success. */
  invoiceIds: string[];
  /** The first synced day established by this plan (customer syncs), to store on the mapping. */
  firstSyncedDay?: PlainDate | undefined;
  /** What the PSA must bill after the writes, per contract line written (customer syncs). */
  checks?: LineCheck[];
  /** A shadow first sync: planned and compared, written only once a user applies it. */
  shadow?: boolean;
  /** Why there is nothing to do, in words, when nothing is (shown as the run's message). */
  note?: string;
}

export function worstStatus(items: readonly Pick<PlanItem, 'status'>[]): ItemStatus {
  const order: ItemStatus[] = ['no_change', 'skipped', 'ok', 'warning', 'error'];
  let worst: ItemStatus = 'no_change';
  for (const i of items) if (order.indexOf(i.status) > order.indexOf(worst)) worst = i.status;
  return worst;
}
