import { type Decimal, ZERO } from '../../core/money/decimal';
import type {
  TargetCharge,
  TargetCompany,
  TargetContract,
  TargetContractLine,
  TargetProduct,
  TargetUnitSegment,
} from '../../core/ports/target';
import { addDays, type PlainDate } from '../../core/time/plain-date';
import type { Row } from './client';
import { fromCwDate, idText, jsonDecimal, parseMarker, refId } from './quirks';

/** Fields each read asks for (`fields`, §2.4): only what the mapping uses. */
export const FIELDS = {
  companies: ['id', 'identifier', 'name', 'types', 'status', 'deletedFlag', 'isVendorFlag'],
  agreements: [
    'id',
    'name',
    'company',
    'type',
    'startDate',
    'billStartDate',
    'endDate',
    'noEndingDateFlag',
    'cancelledFlag',
    'dateCancelled',
    'agreementStatus',
    'billingCycle',
    'nextInvoiceDate',
    'parentAgreement',
  ],
  catalog: [
    'id',
    'identifier',
    'description',
    'customerDescription',
    'vendorSku',
    'price',
    'cost',
    'inactiveFlag',
    'subcategory',
    'vendor',
  ],
  additions: [
    'id',
    'agreementId',
    'product',
    'quantity',
    'lessIncluded',
    'unitPrice',
    'unitCost',
    'billCustomer',
    'effectiveDate',
    'cancelledDate',
    'serialNumber',
    'invoiceDescription',
  ],
} as const;

export function toCompany(row: Row): TargetCompany {
  const types = Array.isArray(row.types) ? (row.types as Row[]) : [];
  const vendor =
    row.isVendorFlag === true || types.some((t) => String(t.name ?? '').toLowerCase() === 'vendor');
  const client = types.length === 0 || types.some((t) => String(t.name ?? '').toLowerCase() === 'client');
  return {
    id: idText(row.id),
    name: String(row.name ?? row.identifier ?? ''),
    kind: vendor ? 'vendor' : client ? 'customer' : 'other',
    active: row.deletedFlag !== true,
  };
}

/** Agreement invoicing is monthly: the only cycle billsync writes to (decision 0012). */
export function isMonthly(row: Row): boolean {
  const cycle = row.billingCycle as Row | undefined;
  const name = String(cycle?.name ?? '').toLowerCase();
  return name === 'monthly' || name === '';
}

/**
 * Agreements billed one time take annual subscriptions' charges (decision 0015): ConnectWise bills each of their
 * additions once, in full (spec section 6: "ConnectWise agreement with a one-time billing cycle").
 */
export function isOneTime(row: Row): boolean {
  const cycle = row.billingCycle as Row | undefined;
  const name = String(cycle?.name ?? '')
    .toLowerCase()
    .replace(/[\s-]/g, '');
  return name === 'onetime';
}

/**
 * An agreement as a contract (decision 0012): posted through the day before `nextInvoiceDate` (the first
 * period not invoiced), lines change only on the 1st, ended by its end date or its cancellation.
 */
export function toContract(row: Row): TargetContract {
  const start = fromCwDate(row.startDate);
  if (!start) throw new RangeError(`agreement ${String(row.id)} has no start date`);
  const cancelled = row.cancelledFlag === true ? fromCwDate(row.dateCancelled) : undefined;
  const end = row.noEndingDateFlag === true ? undefined : fromCwDate(row.endDate);
  const endDate = [cancelled, end].filter((d): d is PlainDate => d !== undefined).sort()[0];
  const next = fromCwDate(row.nextInvoiceDate);
  const status = String(row.agreementStatus ?? 'Active');
  return {
    id: idText(row.id),
    companyId: refId(row.company) ?? '',
    name: String(row.name ?? ''),
    recurring: isMonthly(row),
    fixed: isOneTime(row),
    active: status === 'Active' || status === 'Inactive',
    startDate: start,
    endDate,
    postedThrough: next ? addDays(next, -1) : undefined,
    changesOn: 'month-start',
    // adjustLine ends each Azure plan addition with its month (decision 0012).
    azureByMonth: true,
  };
}

export function toProduct(row: Row): TargetProduct {
  return {
    id: idText(row.id),
    name: String(row.identifier ?? ''),
    description: String(row.customerDescription ?? row.description ?? ''),
    unitPrice: jsonDecimal(row.price) ?? ZERO,
    unitCost: jsonDecimal(row.cost) ?? ZERO,
    period: 'monthly',
    active: row.inactiveFlag !== true,
    billingCodeId: refId(row.subcategory),
    vendorId: refId(row.vendor),
    vendorSku: typeof row.vendorSku === 'string' && row.vendorSku !== '' ? row.vendorSku : undefined,
  };
}

/** One addition as billsync reads it. */
export interface Addition {
  id: number;
  agreementId: string;
  productId: string;
  quantity: Decimal;
  /** quantity - lessIncluded, 0 for lines that bill nothing (NoCharge / DoNotBill). */
  billed: Decimal;
  unitPrice: Decimal | undefined;
  unitCost: Decimal | undefined;
  effective: PlainDate;
  /** Last billed day, inclusive; undefined = open-ended. */
  cancelled: PlainDate | undefined;
  marker: ReturnType<typeof parseMarker>;
  /** What the customer's invoice says (billsync's charges name their days there). */
  invoiceDescription: string | undefined;
}

export function toAddition(row: Row, agreementId?: string): Addition {
  const quantity = jsonDecimal(row.quantity) ?? ZERO;
  const less = jsonDecimal(row.lessIncluded) ?? ZERO;
  const effective = fromCwDate(row.effectiveDate);
  if (!effective) throw new RangeError(`addition ${String(row.id)} has no effective date`);
  const agreement = agreementId ?? (typeof row.agreementId === 'number' ? String(row.agreementId) : '');
  return {
    id: Number(row.id),
    agreementId: agreement,
    productId: refId(row.product) ?? '',
    quantity,
    billed: row.billCustomer === 'Billable' || row.billCustomer === undefined ? quantity.minus(less) : ZERO,
    unitPrice: jsonDecimal(row.unitPrice),
    unitCost: jsonDecimal(row.unitCost),
    effective,
    cancelled: fromCwDate(row.cancelledDate),
    marker: parseMarker(row.serialNumber),
    invoiceDescription: typeof row.invoiceDescription === 'string' ? row.invoiceDescription : undefined,
  };
}

/** The synthetic contract line id of an item on an agreement (decision 0012: the line is a set of additions). */
export function lineId(agreementId: string, productId: string): string {
  return `${agreementId}:${productId}`;
}

/** The first day an addition no longer bills (half-open end), or undefined. */
export function endOf(a: Addition): PlainDate | undefined {
  return a.cancelled === undefined ? undefined : addDays(a.cancelled, 1);
}

/** The additions that make up lines: everything but billsync's charges; an addition ending before it starts is void. */
export function lineAdditions(additions: readonly Addition[]): Addition[] {
  return additions.filter(
    (a) => a.marker?.kind !== 'charge' && (a.cancelled === undefined || a.cancelled >= a.effective),
  );
}

/**
 * The unit segments of one line: the additions cut at every boundary; units = the sum of billed quantities,
 * price and cost = those of the addition that starts last (ties: the higher id). Pieces with no addition are
 * left out (0 units).
 */
export function lineSegments(
  contract: Pick<TargetContract, 'id' | 'postedThrough'>,
  productId: string,
  additions: readonly Addition[],
): TargetUnitSegment[] {
  const mine = lineAdditions(additions).filter(
    (a) => a.productId === productId && a.agreementId === contract.id,
  );
  const cuts = new Set<PlainDate>();
  let open = false;
  for (const a of mine) {
    cuts.add(a.effective);
    const end = endOf(a);
    if (end) cuts.add(end);
    else open = true;
  }
  const days = [...cuts].sort();
  const out: TargetUnitSegment[] = [];
  for (let i = 0; i < days.length; i += 1) {
    const start = days[i]!;
    const next = days[i + 1];
    if (next === undefined && !open) break;
    const covering = mine
      .filter((a) => a.effective <= start && (a.cancelled === undefined || a.cancelled >= start))
      .sort((x, y) => (x.effective < y.effective ? -1 : x.effective > y.effective ? 1 : x.id - y.id));
    if (covering.length === 0) continue;
    const last = covering.at(-1)!;
    const units = covering.reduce((n, a) => n.plus(a.billed), ZERO);
    // An open last piece still needs an end for the port: the line carries it on; the planner reads "open" as
    // the last segment's state continuing (Autotask has rows to the contract end), so give it a far end.
    const end = next ?? FAR_END;
    out.push({
      contractLineId: lineId(contract.id, productId),
      contractId: contract.id,
      productId,
      start,
      end,
      units,
      price: last.unitPrice,
      cost: last.unitCost,
      posted: contract.postedThrough !== undefined && addDays(end, -1) <= contract.postedThrough,
    });
  }
  return merge(out);
}

/** Open-ended additions run "forever": the port's segments are closed, so they end here. */
export const FAR_END = '2099-12-31' as PlainDate;

function same(a: Decimal | undefined, b: Decimal | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.eq(b);
}

/** Adjacent pieces with the same state are one segment (what the PSA bills does not change there). */
function merge(segments: TargetUnitSegment[]): TargetUnitSegment[] {
  const out: TargetUnitSegment[] = [];
  for (const s of segments) {
    const prev = out.at(-1);
    if (
      prev &&
      prev.end === s.start &&
      prev.units.eq(s.units) &&
      same(prev.price, s.price) &&
      same(prev.cost, s.cost) &&
      prev.posted === s.posted
    ) {
      out[out.length - 1] = { ...prev, end: s.end };
    } else out.push(s);
  }
  return out;
}

/** The contract lines of the additions: one per (agreement, item) that has any line addition. */
export function contractLines(additions: readonly Addition[]): TargetContractLine[] {
  const seen = new Map<string, TargetContractLine>();
  const ordered = [...lineAdditions(additions)].sort((x, y) =>
    x.effective < y.effective ? -1 : x.effective > y.effective ? 1 : x.id - y.id,
  );
  // The line's price and cost are those of its latest addition.
  const handDays = new Map<string, Set<PlainDate>>();
  for (const a of ordered) {
    const id = lineId(a.agreementId, a.productId);
    // ConnectWise takes a second change of a day: billsync edits its own addition of that day. An addition that
    // is not billsync's (the MSP's, by hand) is not edited: its start day is a change day the planner books around
    // (a charge or credit for the month, the line right from the next 1st) instead of a write refused at apply
    // time (audit `audit-cutover-months`).
    if (!a.marker) handDays.set(id, (handDays.get(id) ?? new Set()).add(a.effective));
    seen.set(id, {
      id,
      contractId: a.agreementId,
      productId: a.productId,
      unitPrice: a.unitPrice,
      unitCost: a.unitCost,
      changeDays: [...(handDays.get(id) ?? [])].sort(),
    });
  }
  return [...seen.values()];
}

/** billsync's charges (and only those: other one-off additions are part of their line's units). */
export function toCharges(
  additions: readonly Addition[],
  postedThrough: (agreementId: string) => PlainDate | undefined,
): TargetCharge[] {
  const out: TargetCharge[] = [];
  for (const a of additions) {
    if (a.marker?.kind !== 'charge') continue;
    const posted = postedThrough(a.agreementId);
    out.push({
      id: String(a.id),
      contractId: a.agreementId,
      productId: a.productId,
      contractLineId: lineId(a.agreementId, a.productId),
      date: a.marker.day,
      name: `billsync charge ${a.marker.sequence}`,
      description: a.invoiceDescription,
      amount: a.billed.times(a.unitPrice ?? ZERO),
      cost: a.billed.times(a.unitCost ?? ZERO),
      billsync: true,
      sequence: a.marker.sequence,
      billed: posted !== undefined && a.effective <= posted,
    });
  }
  return out;
}
