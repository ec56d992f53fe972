import { AutotaskApiError, AutotaskRestApi } from '@apigrate/autotask-restapi';
import { type Decimal, dec, ZERO } from '../../src/core/money/decimal';
import { addDays, addMonths, daysBetween, parsePlainDate } from '../../src/core/time/plain-date';
import { CREDS } from './autotask-world';

/**
 * Reads the PSA back the way a third party would: the `@apigrate/autotask-restapi` client against the
 * emulator's REST API (never its admin API). Money and units come back as exact decimals.
 */

export interface ContractServiceView {
  id: number;
  contractId: number;
  serviceId: number;
  serviceName: string;
  unitPrice: Decimal | null;
  unitCost: Decimal | null;
  invoiceDescription: string | null;
}

/** A ContractServiceUnits row as a segment: from its start to the day before the next row (or its end). */
export interface UnitSegment {
  id: number;
  contractServiceId: number;
  start: string;
  /** Inclusive. */
  end: string;
  units: Decimal;
  price: Decimal | null;
  cost: Decimal | null;
  posted: boolean;
}

export interface ServiceMonth {
  contractServiceId: number;
  serviceName: string;
  amount: Decimal;
}

export interface ChargeView {
  id: number;
  name: string;
  date: string;
  amount: Decimal;
}

export interface MonthBill {
  month: string;
  services: ServiceMonth[];
  charges: ChargeView[];
  total: Decimal;
}

// biome-ignore lint/suspicious/noExplicitAny: the client returns parsed JSON.
type Json = any;

/** A wire number as an exact decimal (JSON numbers print back as written). */
export function decOf(value: unknown): Decimal {
  const text = String(value);
  return dec(/e/i.test(text) ? Number(value).toFixed(12) : text);
}
const decOrNull = (v: unknown) => (v === null || v === undefined ? null : decOf(v));
const day = (v: unknown) => String(v).slice(0, 10);

/** Resolves overlapping rows: by start date, a later row wins from its start (same start: higher id). */
export function segmentsOfRows(rows: readonly Json[]): UnitSegment[] {
  const byStart = new Map<string, Json>();
  for (const r of [...rows].sort((a, b) => a.id - b.id)) byStart.set(day(r.startDate), r);
  const starts = [...byStart.keys()].sort();
  return starts.map((start, i) => {
    const r = byStart.get(start);
    const next = starts[i + 1];
    const end = day(r.endDate);
    const cut = next === undefined ? end : addDays(parsePlainDate(next), -1);
    return {
      id: r.id,
      contractServiceId: r.contractServiceID,
      start,
      end: cut < end ? cut : end,
      units: decOf(r.units ?? 0),
      price: decOrNull(r.price),
      cost: decOrNull(r.cost),
      posted: r.approveAndPostDate !== null && r.approveAndPostDate !== undefined,
    };
  });
}

export class AutotaskReadback {
  readonly client: AutotaskRestApi;

  constructor(base: string, creds: { userName: string; secret: string; integrationCode: string } = CREDS) {
    this.client = new AutotaskRestApi(creds.userName, creds.secret, creds.integrationCode, {
      base_url: `${base}/ATServicesRest/`,
    });
  }

  /** Every row of a query, following nextPageUrl. Null (a 404: no such entity) reads as no rows. */
  async queryAll(entity: string, filter: Json[]): Promise<Json[]> {
    const body = { filter };
    let page = await this.client[entity].query(body);
    if (page === null) return [];
    const rows: Json[] = [...page.items];
    const prefix = `${this.client.zoneInfo?.url}V1.0`;
    while (page.pageDetails?.nextPageUrl) {
      page = await this.client._post(String(page.pageDetails.nextPageUrl).slice(prefix.length), body);
      rows.push(...page.items);
    }
    return rows;
  }

  async contractServices(contractId: number): Promise<ContractServiceView[]> {
    const lines = await this.queryAll('ContractServices', [
      { op: 'eq', field: 'contractID', value: contractId },
    ]);
    const ids = [...new Set(lines.map((l) => l.serviceID))];
    const services = ids.length
      ? await this.queryAll('Services', [{ op: 'in', field: 'id', value: ids }])
      : [];
    const names = new Map(services.map((s) => [s.id, String(s.name)]));
    return lines.map((l) => ({
      id: l.id,
      contractId: l.contractID,
      serviceId: l.serviceID,
      serviceName: names.get(l.serviceID) ?? '',
      unitPrice: decOrNull(l.unitPrice),
      unitCost: decOrNull(l.unitCost),
      invoiceDescription: l.invoiceDescription ?? null,
    }));
  }

  async unitSegments(contractServiceId: number): Promise<UnitSegment[]> {
    const filter = [{ op: 'eq', field: 'contractServiceID', value: contractServiceId }];
    return segmentsOfRows(await this.queryAll('ContractServiceUnits', filter));
  }

  /** Units billed on a day (0 outside every row). */
  async unitsOn(contractServiceId: number, onDay: string): Promise<Decimal> {
    const seg = (await this.unitSegments(contractServiceId)).find((s) => s.start <= onDay && onDay <= s.end);
    return seg?.units ?? ZERO;
  }

  /** The contract's ContractCharges; none while the PSA (emulator) has no such entity (404/405). */
  async charges(contractId: number): Promise<ChargeView[]> {
    let rows: Json[];
    try {
      rows = await this.queryAll('ContractCharges', [{ op: 'eq', field: 'contractID', value: contractId }]);
    } catch (error) {
      if (error instanceof AutotaskApiError && (error.status === 404 || error.status === 405)) return [];
      throw error;
    }
    return rows
      .filter((c) => c.isBillableToCompany !== false)
      .map((c) => ({
        id: c.id,
        name: String(c.name ?? ''),
        date: day(c.datePurchased),
        amount:
          c.billableAmount !== null && c.billableAmount !== undefined
            ? decOf(c.billableAmount)
            : decOf(c.unitQuantity ?? 0).times(decOf(c.unitPrice ?? 0)),
      }));
  }

  /**
   * What Autotask bills for the contract in a calendar month (YYYY-MM): per contract service, over its unit
   * segments within the month, units x price x days / days of the month; plus the charges dated in the month.
   */
  async billedPerMonth(contractId: number, month: string): Promise<MonthBill> {
    const first = parsePlainDate(`${month}-01`);
    const last = addDays(addMonths(first, 1), -1);
    const monthDays = dec(daysBetween(first, last) + 1);
    const services: ServiceMonth[] = [];
    for (const cs of await this.contractServices(contractId)) {
      let sum = ZERO;
      for (const s of await this.unitSegments(cs.id)) {
        const from = s.start > first ? s.start : first;
        const to = s.end < last ? s.end : last;
        if (from > to) continue;
        const days = daysBetween(parsePlainDate(from), parsePlainDate(to)) + 1;
        sum = sum.plus(s.units.times(s.price ?? ZERO).times(dec(days)));
      }
      services.push({ contractServiceId: cs.id, serviceName: cs.serviceName, amount: sum.div(monthDays) });
    }
    const charges = (await this.charges(contractId)).filter((c) => c.date.slice(0, 7) === month);
    const total = [...services, ...charges].reduce((t, x) => t.plus(x.amount), ZERO);
    return { month, services, charges, total };
  }
}
