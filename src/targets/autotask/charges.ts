import { ZERO } from '../../core/money/decimal';
import type { TargetCharge, TargetContract, TargetContractLine } from '../../core/ports/target';
import type { PlainDate } from '../../core/time/plain-date';
import { changeDays, periodStartOf, postedThrough, type UnitRow } from './change-days';
import type { Wire } from './client';
import { mapRow, optId, text } from './mapping';
import { fromAutotaskDate, idText, jsonDecimal } from './quirks';
import { parseChargeMarker } from './quirks-charges';

/**
 * One ContractCharges record as a port charge. amount = unitQuantity x unitPrice and cost = unitQuantity x
 * unitCost, exact (a credit is a negative quantity, quirks-charges.chargeUnits). billsync's own charges carry its
 * marker in internalPurchaseOrderNumber: they name the product (Autotask service) and sequence they correct.
 */
export const toCharge = (c: Wire): TargetCharge => {
  const quantity = jsonDecimal(c.unitQuantity) ?? ZERO;
  const marker = parseChargeMarker(c.internalPurchaseOrderNumber);
  return {
    id: idText(c.id),
    contractId: idText(c.contractID),
    productId: marker?.serviceId,
    contractLineId: optId(c.contractServiceID),
    date: fromAutotaskDate(c.datePurchased),
    name: text(c.name),
    description: text(c.description) || undefined,
    amount: quantity.times(jsonDecimal(c.unitPrice) ?? ZERO),
    cost: quantity.times(jsonDecimal(c.unitCost) ?? ZERO),
    billsync: marker !== undefined,
    sequence: marker?.sequence ?? 0,
    billed: c.isBilled === true,
  };
};

/** A ContractServiceUnits row as change-days input (inclusive end kept). */
const toUnitRow = (u: Wire): UnitRow & { lineId: string; contractId: string; posted: boolean } => ({
  lineId: idText(u.contractServiceID),
  contractId: idText(u.contractID),
  start: fromAutotaskDate(u.startDate),
  end: fromAutotaskDate(u.endDate),
  units: jsonDecimal(u.units) ?? ZERO,
  price: jsonDecimal(u.price),
  cost: jsonDecimal(u.cost),
  posted: u.approveAndPostDate !== null && u.approveAndPostDate !== undefined,
});

/**
 * The locked days of contracts and lines, from the unit rows already read (no extra request): each contract's
 * `postedThrough` and each line's `changeDays` (change-days.ts). Only lines and contracts whose rows were read
 * (readState's `contractIds`) get them; `from` is readState's `unitsFrom`.
 */
export function withLocks(
  contracts: TargetContract[],
  lines: TargetContractLine[],
  unitRows: readonly Wire[],
  from: PlainDate | undefined,
  scoped: ReadonlySet<string>,
): { contracts: TargetContract[]; lines: TargetContractLine[] } {
  const rows = unitRows
    .filter((u) => u.contractServiceID !== null && u.contractServiceID !== undefined)
    .map((u) => mapRow('ContractServiceUnits', u, toUnitRow));
  const group = <K extends 'lineId' | 'contractId'>(key: K) => {
    const out = new Map<string, typeof rows>();
    for (const r of rows) {
      const list = out.get(r[key]);
      if (list) list.push(r);
      else out.set(r[key], [r]);
    }
    return out;
  };
  const byLine = group('lineId');
  const byContract = group('contractId');
  const starts = new Map(contracts.map((c) => [c.id, periodStartOf(c.startDate)]));
  return {
    contracts: contracts.map((c) => {
      const through = postedThrough(byContract.get(c.id) ?? []);
      return through === undefined ? c : { ...c, postedThrough: through };
    }),
    lines: lines.map((l) =>
      scoped.has(l.contractId)
        ? { ...l, changeDays: changeDays(byLine.get(l.id) ?? [], from, starts.get(l.contractId)) }
        : l,
    ),
  };
}
