import { additionWindow, proratedDays, prorates } from '../billing/bill-period';
import { centsOf, centsToNumber } from '../billing/money';
import { periodContaining } from '../billing/periods';
import type { EmulatorCtx, Row } from '../store/state';
import { agreementStatus } from './agreement-status';

const ZERO_PRORATE = { prorateCost: 0, proratePrice: 0, extendedProrateCost: 0, extendedProratePrice: 0 };

/**
 * The prorated amounts of the period the addition starts in (§4.5): when it prorates and its effective day is
 * after the period's first day, unit and extended amounts × days in effect / days of the period (days per
 * rules.prorateDays); 0 otherwise, as the notes' samples show.
 */
function prorated(ctx: EmulatorCtx, agreement: Row, addition: Row, billed: number) {
  if (!prorates(ctx, agreement, addition)) return ZERO_PRORATE;
  const w = additionWindow(agreement, addition);
  const p = periodContaining(ctx, agreement, w.from);
  if (!p || w.from <= p.start) return ZERO_PRORATE;
  const to = w.to !== undefined && w.to < p.end ? w.to : p.end;
  if (to < w.from) return ZERO_PRORATE;
  const days = proratedDays(ctx, p, w.from, to);
  const price = Number(addition.unitPrice ?? 0);
  const cost = Number(addition.unitCost ?? 0);
  return {
    proratePrice: centsToNumber(centsOf(1, price, days, p.days)),
    prorateCost: centsToNumber(centsOf(1, cost, days, p.days)),
    extendedProratePrice: centsToNumber(centsOf(billed, price, days, p.days)),
    extendedProrateCost: centsToNumber(centsOf(billed, cost, days, p.days)),
  };
}

/**
 * Read-only fields of an addition (§4.5): `agreementId`, `description` and `uom` of its product,
 * `billedQuantity` = quantity − lessIncluded (INFERRED), `extPrice`/`extCost` on the basis of
 * rules.extendedBasis, `margin` = extPrice − extCost, the prorated amounts, and the agreement's status.
 */
export function additionComputed(ctx: EmulatorCtx, addition: Row): Record<string, unknown> {
  const t = ctx.state.tables;
  const agreement = t.agreements.get(addition.agreementId as number);
  const product = t.catalog.get(addition.product as number);
  const quantity = Number(addition.quantity ?? 0);
  const billed = quantity - Number(addition.lessIncluded ?? 0);
  const basis = ctx.rules.extendedBasis === 'quantity' ? quantity : billed;
  const extPrice = centsOf(basis, Number(addition.unitPrice ?? 0));
  const extCost = centsOf(basis, Number(addition.unitCost ?? 0));
  const uom = product ? t.unitOfMeasures.get(product.unitOfMeasure as number) : undefined;
  return {
    description: product?.description ?? null,
    uom: uom?.name ?? null,
    billedQuantity: billed,
    extPrice: centsToNumber(extPrice),
    extCost: centsToNumber(extCost),
    margin: centsToNumber(extPrice - extCost),
    ...(agreement ? prorated(ctx, agreement, addition, billed) : ZERO_PRORATE),
    agreementStatus: agreement ? agreementStatus(agreement, ctx.clock.today()) : null,
  };
}
