import { IntegrationError } from '../../src/core/integration-error';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import type {
  Applied,
  PlannedOperation,
  TargetAdapter,
  TargetCharge,
  TargetContract,
  TargetProduct,
  TargetSnapshot,
  TargetUnitSegment,
} from '../../src/core/ports/target';
import { err, ok } from '../../src/core/result';
import { addDays, addMonths, daysBetween, type PlainDate } from '../../src/core/time/plain-date';

interface Adjustment {
  date: PlainDate;
  unitChange: Decimal;
  price: Decimal | undefined;
  cost: Decimal | undefined;
}

interface Line {
  id: string;
  contractId: string;
  productId: string;
  price: Decimal | undefined;
  cost: Decimal | undefined;
  adjustments: Adjustment[];
}

/**
 * An in-memory PSA behind the TargetAdapter port, with Autotask's unit semantics: contract periods step monthly
 * from the contract start; an adjustment changes units by a delta from its day on and sets price/cost from its
 * day on; segments are the periods split at adjustment days. For planner/engine tests; the Autotask emulator is
 * the faithful one.
 */
export class FakeTarget implements TargetAdapter {
  readonly kind = 'autotask' as const;
  products: TargetProduct[] = [];
  contracts: TargetContract[] = [];
  lines: Line[] = [];
  charges: TargetCharge[] = [];
  /** Contract id -> last posted day (inclusive): adjustments on or before it are refused, like Autotask's default. */
  posted = new Map<string, PlainDate>();
  writes = 0;
  private nextId = 1000;

  newId(): string {
    this.nextId += 1;
    return String(this.nextId);
  }

  async check() {
    return ok({ detail: 'fake' });
  }

  segmentsOf(line: Line): TargetUnitSegment[] {
    const contract = this.contracts.find((c) => c.id === line.contractId)!;
    const end = addDays(contract.endDate ?? addMonths(contract.startDate, 36), 1);
    const out: TargetUnitSegment[] = [];
    const first = line.adjustments.map((a) => a.date).sort()[0];
    if (!first) return out;
    for (let ps = contract.startDate; ps < end; ps = addMonths(ps, 1)) {
      const pe = addMonths(ps, 1) < end ? addMonths(ps, 1) : end;
      if (pe <= first) continue;
      const cuts = [ps, ...line.adjustments.map((a) => a.date).filter((d) => d > ps && d < pe)].sort();
      const uniq = [...new Set(cuts)] as PlainDate[];
      uniq.forEach((start, i) => {
        const segEnd = uniq[i + 1] ?? pe;
        if (segEnd <= first) return;
        const s = start < first ? first : start;
        const applied = line.adjustments
          .filter((a) => a.date <= s)
          .sort((a, b) => (a.date < b.date ? -1 : 1));
        const units = applied.reduce((n, a) => n.plus(a.unitChange), ZERO);
        const priced = [...applied].reverse();
        out.push({
          contractLineId: line.id,
          contractId: line.contractId,
          productId: line.productId,
          start: s,
          end: segEnd,
          units,
          price: priced.find((a) => a.price !== undefined)?.price ?? line.price,
          cost: priced.find((a) => a.cost !== undefined)?.cost ?? line.cost,
          posted: segEnd <= addDays(this.posted.get(line.contractId) ?? ('0000-01-01' as PlainDate), 1),
        });
      });
    }
    return out;
  }

  async readState(): Promise<TargetSnapshot> {
    return {
      takenAt: '2026-01-01T00:00:00.000Z',
      companies: [],
      contracts: this.contracts.map((c) => ({ ...c, postedThrough: this.posted.get(c.id) })),
      billingCodes: [],
      products: this.products.map((p) => ({ ...p })),
      contractLines: this.lines.map((l) => ({
        id: l.id,
        contractId: l.contractId,
        productId: l.productId,
        unitPrice: l.price,
        unitCost: l.cost,
        changeDays: [...new Set(l.adjustments.map((a) => a.date))].sort(),
      })),
      unitSegments: this.lines.flatMap((l) => this.segmentsOf(l)),
      charges: this.charges.map((c) => ({ ...c })),
    };
  }

  /**
   * Faults to play on the next writes: 'lost' applies the write but loses the answer; 'unavailable' refuses it;
   * 'throttled' refuses it with a Retry-After of an hour (Autotask's hourly threshold).
   */
  faults: ('lost' | 'unavailable' | 'throttled')[] = [];

  async apply(_ctx: unknown, op: PlannedOperation) {
    this.writes += 1;
    const fault = this.faults.shift();
    if (fault === 'throttled') {
      return err(
        new IntegrationError({
          kind: 'rate_limited',
          vendor: 'fake',
          message: 'The PSA is rate limiting billsync (429)',
          retryAfterSeconds: 3600,
        }),
      );
    }
    if (fault === 'unavailable') {
      return err(
        new IntegrationError({
          kind: 'unavailable',
          vendor: 'fake',
          message: 'The PSA is unavailable (503)',
        }),
      );
    }
    const applied = this.applyNow(op);
    if (fault === 'lost') {
      return err(
        new IntegrationError({
          kind: 'timeout',
          vendor: 'fake',
          message: 'response lost',
          outcomeUnknown: true,
        }),
      );
    }
    return ok(applied);
  }

  applyNow(op: PlannedOperation): Applied {
    switch (op.kind) {
      case 'create-product': {
        if (this.products.some((p) => p.name === op.name)) throw new Error(`duplicate product ${op.name}`);
        const id = this.newId();
        this.products.push({
          id,
          name: op.name,
          description: op.description,
          unitPrice: op.unitPrice,
          unitCost: op.unitCost,
          period: op.period,
          active: true,
          billingCodeId: op.billingCodeId,
          vendorId: op.vendorId,
        });
        return { targetId: id };
      }
      case 'update-product-price': {
        const p = this.products.find((x) => x.id === op.productId)!;
        p.unitPrice = op.unitPrice;
        p.unitCost = op.unitCost;
        return { targetId: p.id };
      }
      case 'adjust-contract-line': {
        const contract = this.contracts.find((c) => c.id === op.contractId)!;
        if (
          op.effectiveDate < contract.startDate ||
          (contract.endDate && op.effectiveDate > contract.endDate)
        ) {
          throw new Error('effectiveDate outside the contract');
        }
        let line = this.lines.find((l) => l.contractId === op.contractId && l.productId === op.productId);
        if (!line) {
          line = {
            id: this.newId(),
            contractId: op.contractId,
            productId: op.productId,
            price: op.unitPrice,
            cost: op.unitCost,
            adjustments: [],
          };
          this.lines.push(line);
        }
        if (line.adjustments.some((a) => a.date === op.effectiveDate))
          throw new Error('duplicate same-day adjustment');
        const posted = this.posted.get(op.contractId);
        if (posted && op.effectiveDate <= posted) throw new Error('adjustment in a posted period');
        line.adjustments.push({
          date: op.effectiveDate,
          unitChange: op.unitChange,
          price: op.unitPrice,
          cost: op.unitCost,
        });
        // As Autotask (by default) and ConnectWise: no day of a line may carry fewer than 0 units.
        if (this.segmentsOf(line).some((x) => x.units.lt(0))) {
          line.adjustments.pop();
          throw new Error('The number of units of a contract service cannot be less than zero');
        }
        return { targetId: line.id };
      }
      case 'book-charge': {
        if (this.chargeOf(op)) throw new Error('duplicate charge marker');
        const line = this.lines.find((l) => l.contractId === op.contractId && l.productId === op.productId);
        const charge: TargetCharge = {
          id: this.newId(),
          contractId: op.contractId,
          productId: op.productId,
          contractLineId: op.contractLineId ?? line?.id,
          date: op.date,
          name: op.name,
          amount: op.amount,
          cost: op.cost,
          billsync: true,
          sequence: op.sequence,
          billed: false,
        };
        this.charges.push(charge);
        return { targetId: charge.id };
      }
    }
  }

  private chargeOf(op: Extract<PlannedOperation, { kind: 'book-charge' }>): TargetCharge | undefined {
    return this.charges.find(
      (c) =>
        c.billsync &&
        c.contractId === op.contractId &&
        c.productId === op.productId &&
        c.date.slice(0, 7) === op.date.slice(0, 7) &&
        c.sequence === op.sequence,
    );
  }

  async probe(_ctx: unknown, op: PlannedOperation) {
    if (op.kind === 'create-product') {
      const p = this.products.find((x) => x.name === op.name);
      return ok(p ? { targetId: p.id } : ('absent' as const));
    }
    if (op.kind === 'update-product-price') {
      const p = this.products.find((x) => x.id === op.productId);
      const landed = p && p.unitPrice.eq(op.unitPrice) && p.unitCost.eq(op.unitCost);
      return ok(landed ? { targetId: op.productId } : ('absent' as const));
    }
    if (op.kind === 'book-charge') {
      const c = this.chargeOf(op);
      return ok(c ? { targetId: c.id } : ('absent' as const));
    }
    const line = this.lines.find((l) => l.contractId === op.contractId && l.productId === op.productId);
    const landed = line?.adjustments.some(
      (a) => a.date === op.effectiveDate && a.unitChange.eq(op.unitChange),
    );
    return ok(landed && line ? { targetId: line.id } : ('absent' as const));
  }

  /** A comparable picture of everything billable: products and every line's adjustments. */
  state(): unknown {
    return {
      products: this.products
        .map((p) => [p.name, p.unitPrice.toString(), p.unitCost.toString(), p.active])
        .sort(),
      lines: this.lines
        .map((l) => [
          l.contractId,
          l.productId,
          l.adjustments
            .map((a) => [a.date, a.unitChange.toString(), a.price?.toString(), a.cost?.toString()])
            .sort(),
        ])
        .sort(),
      charges: this.charges
        .map((c) => [c.contractId, c.productId, c.date, c.sequence, c.amount.toString(), c.cost.toString()])
        .sort(),
    };
  }

  addContract(c: Partial<TargetContract> & { id: string; startDate: PlainDate }): TargetContract {
    const contract: TargetContract = {
      companyId: 'c1',
      name: `Contract ${c.id}`,
      recurring: true,
      active: true,
      // Autotask requires an end date on Recurring Service contracts: default to three years.
      endDate: addDays(addMonths(c.startDate, 36), -1),
      ...c,
    };
    this.contracts.push(contract);
    return contract;
  }

  /**
   * What the PSA bills for a product on a contract in the calendar month starting `first`: every unit segment
   * prorated by days (units x price x days / days in the month) plus the charges dated in the month; or the
   * same for the cost. Exact.
   */
  billedInMonth(
    contractId: string,
    productId: string,
    first: PlainDate,
    what: 'price' | 'cost' = 'price',
  ): Decimal {
    const next = addMonths(first, 1);
    const dim = dec(daysBetween(first, next));
    let total = ZERO;
    for (const line of this.lines.filter((l) => l.contractId === contractId && l.productId === productId)) {
      for (const s of this.segmentsOf(line)) {
        const start = s.start < first ? first : s.start;
        const end = s.end > next ? next : s.end;
        if (start >= end) continue;
        const unit = (what === 'price' ? s.price : s.cost) ?? ZERO;
        total = total.plus(s.units.times(unit).times(daysBetween(start, end)).div(dim));
      }
    }
    for (const c of this.charges) {
      if (c.contractId === contractId && c.productId === productId && c.date >= first && c.date < next)
        total = total.plus(what === 'price' ? c.amount : c.cost);
    }
    return total;
  }

  /** Units on a day for a product on a contract (what the PSA bills that day). */
  unitsOn(contractId: string, productId: string, day: PlainDate): string {
    const line = this.lines.find((l) => l.contractId === contractId && l.productId === productId);
    if (!line) return '0';
    const seg = this.segmentsOf(line).find((s) => s.start <= day && day < s.end);
    return (seg?.units ?? dec(0)).toString();
  }
}
