import { expandRelativeDates } from '../../kit';
import { entityMeta, findVisibleField } from '../metadata/registry';
import { createAdjustment } from '../rules/adjustments';
import { chargeAmounts } from '../rules/contract-charges';
import { approveAndPost } from '../units/approve-post';
import { materializePrices } from '../units/row-prices';
import {
  type ApiUser,
  createEmptyState,
  DEFAULT_FIRST_ID,
  type EmulatorCtx,
  type Row,
  type StoredEntity,
  type ZoneInfo,
} from './state';
import { coerceValue } from './values';

type SeedRow = Record<string, unknown>;

/** The seed file format (see README). Date strings may be relative tokens like `@monthStart-3m`. */
export interface AutotaskSeed {
  description?: string;
  zone?: Partial<ZoneInfo>;
  /** First id handed out for new records (default 29683000; always above every seeded id). */
  firstId?: number;
  apiUsers: ApiUser[];
  Resources?: SeedRow[];
  BillingCodes?: SeedRow[];
  Companies?: SeedRow[];
  Contracts?: SeedRow[];
  Services?: SeedRow[];
  /** May carry `startDate` (`YYYY-MM-DD`): the first day the line bills (default: the contract start). */
  ContractServices?: SeedRow[];
  /** Applied through the same rules as the API (window, same-day, auto-create of the contract service). */
  ContractServiceAdjustments?: SeedRow[];
  /** Trusted like the tables above; the read-only amounts (billableAmount, extendedCost...) are computed. */
  ContractCharges?: SeedRow[];
  /** Approve and post unit rows ending on or before `through` (of one contract, or all). */
  approveAndPost?: Array<{ contractID?: number; through: string }>;
}

const TABLE_ORDER = [
  'Resources',
  'BillingCodes',
  'Companies',
  'Contracts',
  'Services',
  'ContractServices',
  'ContractCharges',
] as const;

/** Light structural validation with paths in the messages; business rules run while loading. */
export function parseSeed(raw: unknown): AutotaskSeed {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('seed: must be a JSON object');
  const seed = raw as Record<string, unknown>;
  if (!Array.isArray(seed.apiUsers)) throw new Error('seed.apiUsers: must be an array');
  seed.apiUsers.forEach((u: Partial<ApiUser>, i) => {
    for (const k of ['userName', 'secret', 'integrationCode'] as const) {
      if (typeof u?.[k] !== 'string') throw new Error(`seed.apiUsers[${i}].${k}: must be a string`);
    }
    if (typeof u.resourceId !== 'number') throw new Error(`seed.apiUsers[${i}].resourceId: must be a number`);
  });
  for (const name of [...TABLE_ORDER, 'ContractServiceAdjustments', 'approveAndPost']) {
    const rows = seed[name];
    if (rows === undefined) continue;
    if (!Array.isArray(rows)) throw new Error(`seed.${name}: must be an array`);
    rows.forEach((r, i) => {
      if (!r || typeof r !== 'object') throw new Error(`seed.${name}[${i}]: must be an object`);
      const id = (r as SeedRow).id;
      if (id !== undefined && !Number.isInteger(id))
        throw new Error(`seed.${name}[${i}].id: must be an integer`);
    });
  }
  return seed as unknown as AutotaskSeed;
}

/** A seed row with canonical field names and typed values; unknown keys are dropped. */
function normalizeRow(entity: StoredEntity, raw: SeedRow, where: string): Row {
  const meta = entityMeta(entity);
  const row: Row = { id: 0 };
  for (const f of meta.fields) if (f.defaultValue !== undefined) row[f.name] = f.defaultValue;
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'userDefinedFields' || (key === 'startDate' && entity === 'ContractServices')) continue;
    const f = findVisibleField(meta, key);
    if (!f) continue;
    try {
      row[f.name] = f.name === 'id' ? value : coerceValue(f, value);
    } catch (err) {
      throw new Error(`${where}.${key}: ${(err as Error).message}`);
    }
  }
  row.userDefinedFields = Array.isArray(raw.userDefinedFields) ? raw.userDefinedFields : [];
  return row;
}

/** Replaces the context's state with the seed's, resolving relative dates against the emulator clock's today. */
export function loadSeed(ctx: EmulatorCtx, input: AutotaskSeed): void {
  const seed = parseSeed(expandRelativeDates(input, ctx.clock.today()));
  const state = createEmptyState();
  state.apiUsers = seed.apiUsers.map((u) => ({ ...u }));
  state.zone = { ...state.zone, ...seed.zone };
  const ids = [...TABLE_ORDER]
    .flatMap((t) => (seed[t] ?? []).map((r) => r.id))
    .filter((id) => typeof id === 'number');
  state.nextId = Math.max(seed.firstId ?? DEFAULT_FIRST_ID, ...ids.map((id) => (id as number) + 1));
  ctx.state = state;
  const now = ctx.clock.now().toISOString();
  for (const entity of TABLE_ORDER) {
    (seed[entity] ?? []).forEach((raw, i) => {
      const row = normalizeRow(entity, raw, `seed.${entity}[${i}]`);
      row.id = typeof raw.id === 'number' ? raw.id : state.nextId++;
      if (entity === 'Services')
        Object.assign(row, { createDate: row.createDate ?? now, lastModifiedDate: now });
      if (entity === 'ContractCharges') {
        chargeAmounts(row);
        row.createDate = row.createDate ?? now;
      }
      if (entity === 'ContractServices') {
        const contract = state.tables.Contracts.get(row.contractID as number);
        const service = state.tables.Services.get(row.serviceID as number);
        if (!contract || !service)
          throw new Error(`seed.ContractServices[${i}]: unknown contractID or serviceID`);
        row.unitPrice = row.unitPrice ?? service.unitPrice ?? null;
        row.unitCost = row.unitCost ?? service.unitCost ?? null;
        Object.assign(row, {
          internalCurrencyUnitPrice: row.unitPrice,
          internalCurrencyAdjustedPrice: row.unitPrice,
          _startDate: typeof raw.startDate === 'string' ? raw.startDate.slice(0, 10) : contract.startDate,
          _basePrice: row.unitPrice,
          _baseCost: row.unitCost,
        });
      }
      state.tables[entity].set(row.id, row);
    });
  }
  // The seeded lines' unit rows exist from the start: their stored prices are the lines' own.
  for (const cs of state.tables.ContractServices.values()) materializePrices(ctx, cs);
  (seed.ContractServiceAdjustments ?? []).forEach((raw, i) => {
    try {
      createAdjustment(ctx, raw);
    } catch (err) {
      throw new Error(`seed.ContractServiceAdjustments[${i}]: ${(err as Error).message}`);
    }
  });
  for (const p of seed.approveAndPost ?? []) approveAndPost(ctx, p.through.slice(0, 10), p.contractID);
}
