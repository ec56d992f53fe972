import { IntegrationError } from '../../core/integration-error';
import { type Decimal, ZERO } from '../../core/money/decimal';
import { AZURE_PLAN_PRODUCT_ID } from '../../core/planner/azure-line';
import type { Applied, PlannedOperation, TargetContext } from '../../core/ports/target';
import {
  addDays,
  dateParts,
  type PlainDate,
  startOfMonth,
  startOfNextMonth,
} from '../../core/time/plain-date';
import type { ConnectWiseClient, PatchOp, Row } from './client';
import { type Addition, FIELDS, isMonthly, isOneTime, lineAdditions, lineId } from './mapping';
import { chargeMarker, dayBefore, fromCwDate, lineMarker, toCwDate, toJsonNumber, wireId } from './quirks';
import { readAdditions } from './read-state';

type Op<K extends PlannedOperation['kind']> = Extract<PlannedOperation, { kind: K }>;

/** The agreements the adapter read (billing cycle, invoicing state), so a write needs no extra read. */
export interface AgreementCache {
  remember(rows: readonly Row[]): void;
  get(ctx: TargetContext, id: string): Promise<Row>;
}

export function createAgreementCache(client: ConnectWiseClient): AgreementCache {
  const rows = new Map<string, Row>();
  return {
    remember(list) {
      for (const r of list) rows.set(String(r.id), r);
    },
    async get(ctx, id) {
      const known = rows.get(id);
      if (known) return known;
      const row = await client.get(ctx, `finance/agreements/${wireId(id, 'agreement id')}`, {
        fields: FIELDS.agreements.join(','),
      });
      rows.set(id, row);
      return row;
    },
  };
}

const refused = (message: string) =>
  new IntegrationError({ kind: 'validation', vendor: 'connectwise', message });

const byStart = (a: Addition, b: Addition) =>
  a.effective < b.effective ? -1 : a.effective > b.effective ? 1 : a.id - b.id;

/** The additions of one item on one agreement (one list call, filtered by the server). */
function itemAdditions(
  client: ConnectWiseClient,
  ctx: TargetContext,
  agreementId: string,
  productId: string,
) {
  return readAdditions(client, ctx, agreementId, `product/id=${wireId(productId, 'catalog item id')}`);
}

interface LineView {
  /** billsync's addition started on the day (its marker), if any. */
  mine: Addition | undefined;
  /** Line additions that started before the day and still bill on it. */
  before: Addition[];
  /** Line additions that start after the day. */
  later: Addition[];
  /** Other additions that start on the day (not billsync's). */
  sameDay: Addition[];
}

function viewAt(additions: readonly Addition[], productId: string, day: PlainDate): LineView {
  const line = lineAdditions(additions)
    .filter((a) => a.productId === productId)
    .sort(byStart);
  const mine = line.find((a) => a.marker?.kind === 'line' && a.marker.day === day && a.effective === day);
  return {
    mine,
    before: line.filter((a) => a.effective < day && (a.cancelled === undefined || a.cancelled >= day)),
    later: line.filter((a) => a.effective > day),
    sameDay: line.filter((a) => a.effective === day && a !== mine),
  };
}

const lastDayOfMonth = (day: PlainDate) => addDays(startOfNextMonth(day), -1);
const isAzure = (offerKey: string) => offerKey.startsWith(`${AZURE_PLAN_PRODUCT_ID}|`);

function equal(a: Decimal | undefined, b: Decimal | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.eq(b);
}

/**
 * adjust-contract-line (decision 0012): the line is the item's additions on the agreement; on day `d` (a 1st)
 * it holds `unitsAfter`. Convergent: it reads first, writes absolute values, and checks for its own marked
 * addition before posting, so sending it again after a lost answer or a crash never doubles anything.
 */
export async function adjustLine(
  client: ConnectWiseClient,
  agreements: AgreementCache,
  ctx: TargetContext,
  op: Op<'adjust-contract-line'>,
): Promise<Applied> {
  const d = op.effectiveDate;
  const agreement = await agreements.get(ctx, op.contractId);
  if (!isMonthly(agreement)) {
    throw refused(
      `Agreement ${String(agreement.name ?? op.contractId)} is not billed monthly: billsync writes only to monthly agreements`,
    );
  }
  if (dateParts(d).day !== 1)
    throw refused(`ConnectWise lines change only on the 1st of a month, not on ${d}`);
  if (!op.unitsAfter.eq(op.unitsAfter.round(0, 0)))
    throw new RangeError(`units must be whole, not ${op.unitsAfter}`);
  const path = `finance/agreements/${wireId(op.contractId, 'agreement id')}/additions`;
  const view = viewAt(await itemAdditions(client, ctx, op.contractId, op.productId), op.productId, d);
  if (view.sameDay.length > 0) {
    throw refused(
      `Addition ${view.sameDay.map((a) => a.id).join(', ')} of this product also starts on ${d} and is not billsync's: end or remove it, then sync again`,
    );
  }
  const carry = view.before.at(-1) ?? view.mine;
  const price = op.unitPrice ?? carry?.unitPrice;
  const cost = op.unitCost ?? carry?.unitCost;
  // The new addition runs until the line's next addition, or as far as the one it continues did.
  const nextStart = view.later[0]?.effective;
  const openBefore = view.before.some((a) => a.cancelled === undefined);
  const beforeEnd = view.before
    .map((a) => a.cancelled)
    .sort()
    .at(-1);
  let end = nextStart ? dayBefore(nextStart) : openBefore ? undefined : beforeEnd;
  // Azure plan: one addition per month, ended with it (spec section 6; issue 15).
  if (isAzure(op.offerKey) && (end === undefined || end > lastDayOfMonth(d))) end = lastDayOfMonth(d);

  // 1. billsync's addition of d: edited in place, or posted.
  let bump = op.unitChange;
  if (view.mine) {
    const mine = view.mine;
    const included = mine.quantity.minus(mine.billed);
    const ops: PatchOp[] = [];
    if (!mine.billed.eq(op.unitsAfter))
      ops.push({ op: 'replace', path: 'quantity', value: toJsonNumber(op.unitsAfter.plus(included)) });
    if (op.unitPrice !== undefined && !equal(mine.unitPrice, op.unitPrice))
      ops.push({ op: 'replace', path: 'unitPrice', value: toJsonNumber(op.unitPrice) });
    if (op.unitCost !== undefined && !equal(mine.unitCost, op.unitCost))
      ops.push({ op: 'replace', path: 'unitCost', value: toJsonNumber(op.unitCost) });
    if (ops.length) await client.patch(ctx, `${path}/${mine.id}`, ops);
    // A re-sent write finds its addition done already: the later additions were handled with it.
    bump = op.unitsAfter.minus(mine.billed);
  } else if (!op.unitsAfter.eq(ZERO)) {
    await inactiveInWords(op, () =>
      client.post(ctx, path, {
        product: { id: wireId(op.productId, 'catalog item id') },
        quantity: toJsonNumber(op.unitsAfter),
        ...(price !== undefined ? { unitPrice: toJsonNumber(price) } : {}),
        ...(cost !== undefined ? { unitCost: toJsonNumber(cost) } : {}),
        billCustomer: 'Billable',
        effectiveDate: toCwDate(d),
        ...(end !== undefined ? { cancelledDate: toCwDate(end) } : {}),
        serialNumber: lineMarker(d),
      }),
    );
  }
  // 2. What ran into d ends the day before: after the new addition exists, so a refused one (an inactive catalog
  // item, a lost answer) leaves the line billing what it did instead of nothing from d on.
  for (const a of view.before) {
    await client.patch(ctx, `${path}/${a.id}`, [
      { op: 'replace', path: 'cancelledDate', value: toCwDate(dayBefore(d)) },
    ]);
  }
  // 3. Later additions move by the same delta (the planner's adjustment semantics; their prices stay theirs).
  // Not on the Azure plan: each month's addition is its own month's usage and ends with it (the planner writes
  // every month there, `azureByMonth`).
  if (!bump.eq(ZERO) && !isAzure(op.offerKey)) {
    for (const a of view.later) {
      await client.patch(ctx, `${path}/${a.id}`, [
        { op: 'replace', path: 'quantity', value: toJsonNumber(a.quantity.plus(bump)) },
      ]);
    }
  }
  return { targetId: lineId(op.contractId, op.productId) };
}

/**
 * ConnectWise refuses a new addition of an inactive catalog item (400 "Product X is inactive."; the emulator's
 * `inactiveProductOnAddition`). billsync leaves an item inactive when the MSP made it so (spec section 4), so the
 * refusal says what to do.
 */
async function inactiveInWords<T>(op: Op<'adjust-contract-line'>, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof IntegrationError && /\bproduct\b.*\bis inactive\b/i.test(error.message))
      throw refused(
        `The catalog item of ${op.offerKey.split('|').slice(0, 2).join(':')} is inactive in ConnectWise, which takes no new addition of it (ConnectWise: ${error.message.replace(/[.\s]+$/, '')}). Activate it in the product catalog, then sync again; the agreement keeps billing its earlier addition until then`,
      );
    throw error;
  }
}

/** Landed when the line shows the operation's state on its day; else absent (applying again converges). */
export async function probeAdjustment(
  client: ConnectWiseClient,
  ctx: TargetContext,
  op: Op<'adjust-contract-line'>,
): Promise<Applied | 'absent'> {
  const d = op.effectiveDate;
  const view = viewAt(await itemAdditions(client, ctx, op.contractId, op.productId), op.productId, d);
  if (view.before.length > 0 || view.sameDay.length > 0) return 'absent';
  const mine = view.mine;
  const units = mine?.billed ?? ZERO;
  if (!units.eq(op.unitsAfter)) return 'absent';
  if (mine && op.unitPrice !== undefined && !equal(mine.unitPrice, op.unitPrice)) return 'absent';
  if (mine && op.unitCost !== undefined && !equal(mine.unitCost, op.unitCost)) return 'absent';
  return { targetId: lineId(op.contractId, op.productId) };
}

/**
 * The month a charge bills in: its own, or the first one not invoiced yet (invoiced periods are frozen, §5.3),
 * and never before the agreement's first whole month. An agreement that starts billing mid-month bills its
 * first month partly: nothing, in full or prorated by days depending on the agreement and the ConnectWise version
 * (§5.2, UNVERIFIED; the emulator's `unproratedPartialPeriod` and `prorateFlag`). A charge covers one whole month
 * so that it bills its amount exactly once under each of them.
 */
export function chargeMonth(
  date: PlainDate,
  nextInvoice: PlainDate | undefined,
  billingStart?: PlainDate,
): PlainDate {
  let month = startOfMonth(date);
  if (nextInvoice !== undefined && nextInvoice > month)
    month = dateParts(nextInvoice).day === 1 ? nextInvoice : startOfNextMonth(nextInvoice);
  if (billingStart !== undefined && billingStart > month)
    month = dateParts(billingStart).day === 1 ? billingStart : startOfNextMonth(billingStart);
  return month;
}

/** The day an agreement's billing counts from: its bill start date, else its start date. */
function billingStartOf(agreement: Row): PlainDate | undefined {
  return fromCwDate(agreement.billStartDate) ?? fromCwDate(agreement.startDate);
}

function findCharge(additions: readonly Addition[], op: Op<'book-charge'>): Addition | undefined {
  const month = op.date.slice(0, 7);
  return additions.find(
    (a) =>
      a.productId === op.productId &&
      a.marker?.kind === 'charge' &&
      a.marker.sequence === op.sequence &&
      a.marker.day.slice(0, 7) === month,
  );
}

/**
 * book-charge (decision 0012): an addition of the item, quantity 1 at the amount, covering one whole month
 * (the same with and without proration), marked with the charge's month and sequence. Looked up first.
 */
export async function bookCharge(
  client: ConnectWiseClient,
  agreements: AgreementCache,
  ctx: TargetContext,
  op: Op<'book-charge'>,
): Promise<Applied> {
  const agreement = await agreements.get(ctx, op.contractId);
  const oneTime = isOneTime(agreement);
  if (!isMonthly(agreement) && !oneTime) {
    throw refused(
      `Agreement ${String(agreement.name ?? op.contractId)} is not billed monthly or one time: billsync writes only to monthly agreements (and annual subscriptions to one-time agreements)`,
    );
  }
  const existing = findCharge(await itemAdditions(client, ctx, op.contractId, op.productId), op);
  if (existing) return { targetId: String(existing.id) };
  if (oneTime) {
    // Annual subscriptions (decision 0015): a one-time agreement bills each addition's whole amount once, so
    // the charge is an addition on its own day.
    const created = await client.post(
      ctx,
      `finance/agreements/${wireId(op.contractId, 'agreement id')}/additions`,
      {
        product: { id: wireId(op.productId, 'catalog item id') },
        quantity: 1,
        unitPrice: toJsonNumber(op.amount),
        unitCost: toJsonNumber(op.cost),
        billCustomer: 'Billable',
        effectiveDate: toCwDate(op.date),
        cancelledDate: toCwDate(op.date),
        serialNumber: chargeMarker(op.date, op.sequence),
        invoiceDescription: `${op.name}. ${op.description}`.replace(/[\r\n]+/g, ' ').slice(0, 6000),
      },
    );
    return { targetId: typeof created.id === 'number' ? String(created.id) : undefined };
  }
  if (agreement.nextInvoiceDate === null) {
    throw refused(
      `Agreement ${String(agreement.name ?? op.contractId)} is invoiced to its end: nothing can be charged on it`,
    );
  }
  const month = chargeMonth(op.date, fromCwDate(agreement.nextInvoiceDate), billingStartOf(agreement));
  const text = `${op.name}. ${op.description}`.replace(/[\r\n]+/g, ' ').slice(0, 6000);
  const created = await client.post(
    ctx,
    `finance/agreements/${wireId(op.contractId, 'agreement id')}/additions`,
    {
      product: { id: wireId(op.productId, 'catalog item id') },
      quantity: 1,
      unitPrice: toJsonNumber(op.amount),
      unitCost: toJsonNumber(op.cost),
      billCustomer: 'Billable',
      effectiveDate: toCwDate(month),
      cancelledDate: toCwDate(lastDayOfMonth(month)),
      serialNumber: chargeMarker(op.date, op.sequence),
      invoiceDescription: text,
    },
  );
  return { targetId: typeof created.id === 'number' ? String(created.id) : undefined };
}

export async function probeCharge(
  client: ConnectWiseClient,
  ctx: TargetContext,
  op: Op<'book-charge'>,
): Promise<Applied | 'absent'> {
  const existing = findCharge(await itemAdditions(client, ctx, op.contractId, op.productId), op);
  return existing ? { targetId: String(existing.id) } : 'absent';
}
