import type { TimelineInvoice } from '../../src/core/derive/seat-timeline';
import type {
  BillingPlan,
  ChargeType,
  InvoiceLine,
  OfferKey,
  TermDuration,
} from '../../src/core/model/source';
import { type Decimal, dec } from '../../src/core/money/decimal';
import { Money } from '../../src/core/money/money';
import { firstDayOf, nextPeriod, parseBillingPeriod } from '../../src/core/time/billing-period';
import { fromInclusive } from '../../src/core/time/date-range';
import { type PlainDate, parsePlainDate } from '../../src/core/time/plain-date';

export const TENANT = '8b2f0000-0000-4000-8000-000000000001';

export function offer(plan: BillingPlan = 'Monthly', term: TermDuration = 'P1Y', skuId = '0002'): OfferKey {
  return {
    productId: 'CFQ7TTC0LCHC',
    skuId,
    term,
    billingPlan: plan,
    segment: 'Commercial',
    market: 'US',
    currency: 'USD',
  };
}

export interface LineSpec {
  sub?: string;
  offer?: OfferKey;
  /** Inclusive first and last day, as Microsoft writes them. */
  start: string;
  last: string;
  /** Microsoft's positive Quantity. */
  qty: number | string;
  /** Sign of the Subtotal: -1 for a reversal. */
  sign?: 1 | -1;
  chargeType?: ChargeType;
  unitPrice?: string;
  effectiveUnitPrice?: string;
  subtotal?: string;
  /** Inclusive term start and end (SubscriptionStartDate..SubscriptionEndDate). */
  term?: [string, string];
  kind?: InvoiceLine['kind'];
  invoiceId?: string;
  tenant?: string;
}

/** A normalized license line the way the source edge produces it (signed quantity, half-open period). */
export function line(spec: LineSpec): InvoiceLine {
  const sign = spec.sign ?? 1;
  const qty: Decimal = sign < 0 ? dec(spec.qty).neg() : dec(spec.qty);
  const usd = (v: string | undefined) => Money.of(v ?? '0', 'USD');
  return {
    invoiceId: spec.invoiceId ?? 'G000000123',
    lineNumber: 1,
    customerTenantId: spec.tenant ?? TENANT,
    customerName: 'Contoso Dental',
    customerDomain: 'contosodental.onmicrosoft.com',
    subscriptionId: spec.sub ?? 'a1b2c3d4-0000-4000-8000-000000000001',
    offer: spec.offer ?? offer(),
    productTitle: 'Microsoft 365 Business Premium',
    skuTitle: 'Microsoft 365 Business Premium',
    chargeType: spec.chargeType ?? 'cyclecharge',
    kind: spec.kind ?? 'license',
    chargePeriod: fromInclusive(parsePlainDate(spec.start), parsePlainDate(spec.last)),
    quantity: qty,
    unitPrice: usd(spec.unitPrice),
    effectiveUnitPrice: usd(spec.effectiveUnitPrice),
    subtotal: usd(spec.subtotal),
    subscriptionTerm: spec.term
      ? fromInclusive(parsePlainDate(spec.term[0]), parsePlainDate(spec.term[1]))
      : undefined,
    orderDate: undefined,
  };
}

export function invoice(id: string, period: string, lines: InvoiceLine[], currency = 'USD'): TimelineInvoice {
  const p = parseBillingPeriod(period);
  const issueDate = parsePlainDate(`${firstDayOf(nextPeriod(p)).slice(0, 8)}07`);
  return { header: { id, billingPeriod: p, issueDate, currency }, lines };
}

export const d = (text: string): PlainDate => parsePlainDate(text);
