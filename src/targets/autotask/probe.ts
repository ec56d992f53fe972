import { IntegrationError } from '../../core/integration-error';
import type { Decimal } from '../../core/money/decimal';
import type { Applied, PlannedOperation, TargetContext } from '../../core/ports/target';
import { addDays } from '../../core/time/plain-date';
import type { AutotaskClient, Wire } from './client';
import { FIELDS } from './mapping';
import type { Picklists } from './picklists';
import { eq } from './query';
import { fromAutotaskDate, idText, jsonDecimal, sameMoney, sameServiceName, wireId } from './quirks';

type Op<K extends PlannedOperation['kind']> = Extract<PlannedOperation, { kind: K }>;
export type ProbeAnswer = Applied | 'absent';

const conflict = (message: string) => new IntegrationError({ kind: 'conflict', vendor: 'autotask', message });

/** Service prices are compared to 4 places, unit-row prices to cents (quirks.sameMoney). */
const SERVICE_PLACES = 4;
const UNITS_PLACES = 2;

/**
 * create-product: a Service with that name (names are unique, §4.3). It landed when the name exists with our
 * period type and billing code; no such name = absent; the name with other settings = conflict (someone
 * else's service: neither state).
 */
export async function probeCreateProduct(
  client: AutotaskClient,
  picklists: Picklists,
  ctx: TargetContext,
  op: Op<'create-product'>,
): Promise<ProbeAnswer> {
  const rows = await client.query(ctx, 'Services', {
    filter: [eq('name', op.name)],
    includeFields: FIELDS.Services,
  });
  const named = rows.filter((s) => sameServiceName(String(s.name ?? ''), op.name));
  if (named.length === 0) return 'absent';
  const periods = await picklists.periodTypes(ctx);
  const ours = named.filter(
    (s) =>
      s.periodType === periods.toValue[op.period] &&
      String(s.billingCodeID) === op.billingCodeId &&
      (op.vendorId === undefined || String(s.vendorCompanyID) === op.vendorId),
  );
  if (ours.length === 1 && ours[0]) return { targetId: idText(ours[0].id) };
  throw conflict(
    `A service named "${op.name}" exists (id ${named.map((s) => String(s.id)).join(', ')}) but not with the ` +
      "period type, billing code and vendor being created: it is not this operation's.",
  );
}

/** update-product-price: the service's price/cost now equal the new ones (landed) or the old ones (absent). */
export async function probeUpdateProductPrice(
  client: AutotaskClient,
  ctx: TargetContext,
  op: Op<'update-product-price'>,
): Promise<ProbeAnswer> {
  const service = await client.get(ctx, 'Services', wireId(op.productId, 'product id'));
  if (!service) {
    throw new IntegrationError({
      kind: 'not_found',
      vendor: 'autotask',
      message: `Service ${op.productId} no longer exists in Autotask`,
    });
  }
  const price = jsonDecimal(service.unitPrice);
  // Without cost permission unitCost comes back empty (§5 rule 12): decide on the price alone then.
  const cost = jsonDecimal(service.unitCost);
  const matches = (p: Decimal, c: Decimal) =>
    sameMoney(price, p, SERVICE_PLACES) && (cost === undefined || sameMoney(cost, c, SERVICE_PLACES));
  if (matches(op.unitPrice, op.unitCost)) return { targetId: op.productId };
  if (matches(op.from.unitPrice, op.from.unitCost)) return 'absent';
  throw conflict(
    `Service ${op.productId} has price ${String(price)} / cost ${String(cost)}: neither the values before ` +
      `(${op.from.unitPrice} / ${op.from.unitCost}) nor after (${op.unitPrice} / ${op.unitCost}) the update.`,
  );
}

/**
 * adjust-contract-line, from the ContractServiceUnits timeline of that contract + service (adjustments
 * cannot be queried, §4.5). An adjustment always starts a unit row on its effective date. Landed: a row
 * starts on the date with `unitsAfter` and the given price/cost. Absent: no line at all, or the row on the
 * date shows `unitsBefore` (units change) / continues the previous row's prices (price-only change).
 * Anything else is a conflict: the PSA shows neither state.
 */
export async function probeAdjustment(
  client: AutotaskClient,
  ctx: TargetContext,
  op: Op<'adjust-contract-line'>,
): Promise<ProbeAnswer> {
  const rows = await client.query(ctx, 'ContractServiceUnits', {
    filter: [
      eq('contractID', wireId(op.contractId, 'contract id')),
      eq('serviceID', wireId(op.productId, 'product id')),
      ...(op.contractLineId !== undefined
        ? [eq('contractServiceID', wireId(op.contractLineId, 'contract line id'))]
        : []),
    ],
    includeFields: FIELDS.ContractServiceUnits,
  });
  const lineIds = rows.map((r) => Number(r.contractServiceID)).filter(Number.isInteger);
  // Without contractServiceID an adjustment goes to the service's first line (allowRepeatService false).
  if (lineIds.length === 0) {
    if (op.unitsBefore.eq(0)) return 'absent';
    throw conflictOn(op, 'the contract has no line of this service');
  }
  const lineId = op.contractLineId ?? String(Math.min(...lineIds));
  const line = rows.filter((r) => String(r.contractServiceID) === lineId);
  const day = op.effectiveDate;
  const covering = (d: string) => rowOn(line, d);
  const row = covering(day);
  const units = row ? jsonDecimal(row.units) : undefined;
  const startsThatDay = row !== undefined && fromAutotaskDate(row.startDate) === day;
  const pricesAre = (r: Wire | undefined, price?: Decimal, cost?: Decimal) =>
    (price === undefined || sameMoney(jsonDecimal(r?.price), price, UNITS_PLACES)) &&
    (cost === undefined || sameMoney(jsonDecimal(r?.cost), cost, UNITS_PLACES));
  const applied: Applied = { targetId: idText(lineId) };

  if (!op.unitsBefore.eq(op.unitsAfter)) {
    if (startsThatDay && units?.eq(op.unitsAfter) && pricesAre(row, op.unitPrice, op.unitCost))
      return applied;
    if ((units === undefined && op.unitsBefore.eq(0)) || units?.eq(op.unitsBefore)) return 'absent';
  } else if (!row) {
    if (op.unitsBefore.eq(0)) return 'absent';
  } else if (units?.eq(op.unitsBefore)) {
    // Price-only: units cannot tell; a row starting that day with the new prices can.
    if (startsThatDay && pricesAre(row, op.unitPrice, op.unitCost)) return applied;
    if (!startsThatDay) return 'absent';
    // A row may start that day anyway (a period start): absent when it just continues the previous prices.
    const before = covering(addDays(day, -1));
    const same = (field: string) =>
      sameMoney(jsonDecimal(row[field]), jsonDecimal(before?.[field]), UNITS_PLACES);
    if (before && same('price') && same('cost')) return 'absent';
  }
  throw conflictOn(
    op,
    row
      ? `the unit row from ${fromAutotaskDate(row.startDate)} shows ${String(units)} units at ${String(row.price)} / ${String(row.cost)}`
      : 'no unit row covers that day',
  );
}

/**
 * The unit row that bills `day`, read as segments by start date (§8.1): the row with the latest start on or before
 * it (of two with one start, the higher id), if it still covers the day, or if it is the line's last row (rows
 * may stop at the current period: the last state carries on).
 */
export function rowOn(rows: readonly Wire[], day: string): Wire | undefined {
  let best: Wire | undefined;
  let last: Wire | undefined;
  for (const r of rows) {
    const start = fromAutotaskDate(r.startDate);
    const later = (x: Wire | undefined, by: (w: Wire) => string) =>
      x === undefined || by(r) > by(x) || (by(r) === by(x) && Number(r.id) > Number(x.id));
    if (later(last, (w) => fromAutotaskDate(w.endDate))) last = r;
    if (start <= day && later(best, (w) => fromAutotaskDate(w.startDate))) best = r;
  }
  if (!best) return undefined;
  return fromAutotaskDate(best.endDate) >= day || best === last ? best : undefined;
}

function conflictOn(op: Op<'adjust-contract-line'>, seen: string): IntegrationError {
  return conflict(
    `Contract ${op.contractId}, service ${op.productId} on ${op.effectiveDate}: ${seen}; expected ` +
      `${op.unitsBefore} units (before) or ${op.unitsAfter} units${op.unitPrice ? ` at ${op.unitPrice}` : ''} (after).`,
  );
}
