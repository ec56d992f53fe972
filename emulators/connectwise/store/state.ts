import type { Clock } from '../../kit';
import type { ConnectWiseRules } from '../options';

/**
 * A stored record: field values by name (references as the referenced row's id), plus internal keys starting
 * with `_` that never go on the wire as such (`_info` is built from `_meta`).
 */
export type Row = { id: number; _meta: RowMeta; [field: string]: unknown };

export interface RowMeta {
  dateEntered: string;
  enteredBy: string;
  lastUpdated: string;
  updatedBy: string;
}

export const TABLES = [
  'companyStatuses',
  'companyTypes',
  'companies',
  'contacts',
  'billingCycles',
  'taxCodes',
  'agreementTypes',
  'agreements',
  'categories',
  'subcategories',
  'productTypes',
  'manufacturers',
  'unitOfMeasures',
  'catalog',
  'additions',
] as const;

export type TableName = (typeof TABLES)[number];

/** The tenant as `companyinfo` and `/system/info` describe it (§1.3, §1.7). */
export interface Tenant {
  /** The login company id (Basic auth username prefix, `companyinfo/{companyId}`). */
  companyId: string;
  companyName: string;
  /** Advertised by companyinfo, with its trailing slash (`v2025_1/`); `v4_6_release` is always served too. */
  codebase: string;
  /** Release and newest model version, e.g. `2025.8`. */
  version: string;
  /** Build number shown in version strings (`v4.6.104512`, `v2025.8.104512`). */
  build: number;
  isCloud: boolean;
  serverTimeZone: string;
  cloudRegion: string;
}

export interface ApiMember {
  /** Member identifier, written to `_info.updatedBy` / `enteredBy`. */
  identifier: string;
  publicKey: string;
  privateKey: string;
}

/** What one agreement invoice billed for one period (admin `POST /_emulator/invoice`). */
export interface InvoicedPeriod {
  agreementId: number;
  periodStart: string;
  periodEnd: string;
  invoicedAt: string;
  /** Per addition: what the invoice billed, in cents; catch-up lines name the period they correct. */
  lines: InvoiceLine[];
}

export interface InvoiceLine {
  additionId: number;
  amountCents: bigint;
  costCents: bigint;
  /** For a catch-up line (rules.invoicedPeriodEdits 'catch-up'): the earlier period it corrects. */
  correctsPeriod?: string;
}

export interface ConnectWiseState {
  tenant: Tenant;
  apiMembers: ApiMember[];
  tables: Record<TableName, RowTable>;
  nextIds: Record<TableName, number>;
  /** Invoiced periods by `agreementId|periodStart`. */
  invoiced: Map<string, InvoicedPeriod>;
  /** What each invoiced period has billed per addition so far (snapshot plus catch-ups), by `agreementId|periodStart`. */
  billed: Map<string, Map<number, { amountCents: bigint; costCents: bigint }>>;
}

export interface EmulatorCtx {
  state: ConnectWiseState;
  clock: Clock;
  rules: ConnectWiseRules;
}

export const DEFAULT_TENANT: Tenant = {
  companyId: 'demo',
  companyName: 'Northbridge IT (emulator)',
  codebase: 'v2025_8/',
  version: '2025.8',
  build: 104512,
  isCloud: true,
  serverTimeZone: 'Eastern Standard Time',
  cloudRegion: 'NA',
};

export function createEmptyState(): ConnectWiseState {
  const tables = {} as Record<TableName, RowTable>;
  for (const t of TABLES) tables[t] = new RowTable();
  const nextIds = Object.fromEntries(TABLES.map((t) => [t, 1])) as Record<TableName, number>;
  return {
    tenant: { ...DEFAULT_TENANT },
    apiMembers: [],
    tables,
    nextIds,
    invoiced: new Map(),
    billed: new Map(),
  };
}

/**
 * A table: rows by id, plus an index of rows by a parent field kept as rows are set and deleted, so a child list
 * (an agreement's additions) costs its own rows, not a scan of the tenant's (a bench seeds 300,000 additions).
 * Rows come back in the table's order (first set), as a scan would list them.
 */
export class RowTable extends Map<number, Row> {
  private readonly indexes = new Map<string, Map<unknown, Set<number>>>();
  /** Each row's place in the table's order (a Map lists its keys by first set). */
  private readonly order = new Map<number, number>();
  private placed = 0;

  override set(id: number, row: Row): this {
    if (!this.order.has(id)) this.order.set(id, this.placed++);
    for (const [field, index] of this.indexes) {
      const before = super.get(id);
      if (before && before[field] !== row[field]) index.get(before[field])?.delete(id);
      const ids = index.get(row[field]);
      if (ids) ids.add(id);
      else index.set(row[field], new Set([id]));
    }
    return super.set(id, row);
  }

  override delete(id: number): boolean {
    const before = super.get(id);
    if (before) for (const [field, index] of this.indexes) index.get(before[field])?.delete(id);
    this.order.delete(id);
    return super.delete(id);
  }

  override clear(): void {
    this.indexes.clear();
    this.order.clear();
    super.clear();
  }

  /** The rows whose `field` is `value`, in table order. */
  byField(field: string, value: unknown): Row[] {
    let index = this.indexes.get(field);
    if (!index) {
      index = new Map();
      for (const [id, row] of this) {
        const ids = index.get(row[field]);
        if (ids) ids.add(id);
        else index.set(row[field], new Set([id]));
      }
      this.indexes.set(field, index);
    }
    const place = (id: number) => this.order.get(id) ?? 0;
    return [...(index.get(value) ?? [])]
      .sort((a, b) => place(a) - place(b))
      .map((id) => super.get(id) as Row);
  }
}

export function allocateId(state: ConnectWiseState, table: TableName): number {
  const id = state.nextIds[table];
  state.nextIds[table] = id + 1;
  return id;
}

/** Rows of a table in id order (a fresh array). */
export function rowsOf(state: ConnectWiseState, table: TableName): Row[] {
  return [...state.tables[table].values()].sort((a, b) => a.id - b.id);
}

export const periodKey = (agreementId: number, periodStart: string) => `${agreementId}|${periodStart}`;
