import { expandRelativeDates } from '../../kit';
import { invoiceThrough } from '../billing/invoicing';
import { resourceOf } from '../schema/registry';
import { createRow } from '../writes/writer';
import {
  type ApiMember,
  createEmptyState,
  type EmulatorCtx,
  TABLES,
  type TableName,
  type Tenant,
} from './state';

type SeedRow = Record<string, unknown>;

/**
 * The seed file format (README "Seed format"): rows in the API's own JSON (references as `{"id": n}`, or
 * `{"identifier": ...}` / `{"name": ...}`), optional ids, date strings that may be relative tokens like
 * `@monthStart-3m`. Additions carry their `agreementId`.
 */
export type ConnectWiseSeed = {
  description?: string;
  tenant?: Partial<Tenant>;
  apiMembers: ApiMember[];
  /** First id handed out per table (default 1; always above every seeded id). */
  firstIds?: Partial<Record<TableName, number>>;
  /** Agreement invoicing runs after loading (admin `POST /_emulator/invoice`). */
  invoices?: Array<{ through: string; agreementId?: number }>;
} & Partial<Record<TableName, SeedRow[]>>;

/** Light structural validation with paths in the messages; the API's own rules run while loading. */
export function parseSeed(raw: unknown): ConnectWiseSeed {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('seed: must be a JSON object');
  const seed = raw as Record<string, unknown>;
  if (!Array.isArray(seed.apiMembers)) throw new Error('seed.apiMembers: must be an array');
  seed.apiMembers.forEach((m: Partial<ApiMember>, i) => {
    for (const k of ['identifier', 'publicKey', 'privateKey'] as const) {
      if (typeof m?.[k] !== 'string') throw new Error(`seed.apiMembers[${i}].${k}: must be a string`);
    }
  });
  for (const name of [...TABLES, 'invoices']) {
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
  return seed as ConnectWiseSeed;
}

/**
 * Replaces the context's state with the seed's (only once all of it loaded). Rows go through the API's create rules (required fields,
 * references, uniqueness, server defaults) with lenient dates; history is allowed where the API would refuse a
 * new write (additions on ended agreements, inactive products).
 */
export function loadSeed(ctx: EmulatorCtx, input: ConnectWiseSeed): void {
  const seed = parseSeed(expandRelativeDates(input, ctx.clock.today()));
  const state = createEmptyState();
  state.tenant = { ...state.tenant, ...seed.tenant };
  state.apiMembers = seed.apiMembers.map((m) => ({ ...m }));
  for (const t of TABLES) {
    const ids = (seed[t] ?? []).map((r) => r.id).filter((id): id is number => typeof id === 'number');
    state.nextIds[t] = Math.max(seed.firstIds?.[t] ?? 1, ...ids.map((id) => id + 1));
  }
  // Loaded aside: a seed that fails leaves the current state as it was.
  const loading: EmulatorCtx = {
    ...ctx,
    state,
    rules: {
      ...ctx.rules,
      dateFormat: 'lenient',
      closedAgreementWrites: 'allow',
      inactiveProductOnAddition: 'allow',
    },
  };
  for (const table of TABLES) {
    (seed[table] ?? []).forEach((raw, i) => {
      const { id, agreementId, ...body } = raw;
      try {
        if (table === 'additions' && !state.tables.agreements.has(agreementId as number)) {
          throw new Error(`agreementId ${String(agreementId)} is not a seeded agreement`);
        }
        createRow(loading, resourceOf(table), body, {
          actor: 'admin',
          ...(typeof id === 'number' ? { id } : {}),
          ...(typeof agreementId === 'number' ? { parentId: agreementId } : {}),
        });
      } catch (err) {
        throw new Error(`seed.${table}[${i}]: ${(err as Error).message}`);
      }
    });
  }
  for (const inv of seed.invoices ?? [])
    invoiceThrough({ ...ctx, state }, inv.through.slice(0, 10), inv.agreementId);
  ctx.state = state;
}
