import { dec } from '../core/money/decimal';
import type { PlannedOperation } from '../core/ports/target';

const DECIMAL_FIELDS = [
  'unitPrice',
  'unitCost',
  'unitChange',
  'unitsBefore',
  'unitsAfter',
  'amount',
  'cost',
] as const;

/** A planned operation as stored in the journal (decimals as strings: JSON has no exact numbers). */
export function encodeOperation(op: PlannedOperation): Record<string, unknown> {
  return JSON.parse(JSON.stringify(op)) as Record<string, unknown>;
}

export function decodeOperation(json: Record<string, unknown>): PlannedOperation {
  const op: Record<string, unknown> = { ...json };
  for (const f of DECIMAL_FIELDS) {
    if (typeof op[f] === 'string') op[f] = dec(op[f] as string);
    else if (op[f] === null) op[f] = undefined;
  }
  if (op.from && typeof op.from === 'object') {
    const from = op.from as { unitPrice: string; unitCost: string };
    op.from = { unitPrice: dec(from.unitPrice), unitCost: dec(from.unitCost) };
  }
  for (const f of ['contractLineId', 'vendorId', 'chargeCodeId']) if (op[f] === null) op[f] = undefined;
  return op as unknown as PlannedOperation;
}

/** Which plan item an operation belongs to (the item shows its outcome). */
export function itemKeyOf(op: PlannedOperation): string {
  return op.kind === 'adjust-contract-line' || op.kind === 'book-charge'
    ? `${op.customerTenantId}:${op.offerKey}`
    : op.offerKey;
}

/**
 * JSON with object keys in sorted order: a plan read back from Postgres jsonb (which reorders keys) compares
 * equal to the same plan made afresh.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
