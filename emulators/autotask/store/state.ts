import type { Clock } from '../../kit';
import type { EntityName } from '../metadata/types';
import type { AutotaskRules } from '../options';
import { type Row, Table } from './table';

export { type Row, Table };

/** Entities kept in tables; ContractServiceUnits are derived on read. */
export type StoredEntity = Exclude<EntityName, 'ContractServiceUnits'>;

export const STORED_ENTITIES: readonly StoredEntity[] = [
  'Resources',
  'BillingCodes',
  'Companies',
  'Contracts',
  'Services',
  'ContractServices',
  'ContractServiceAdjustments',
  'ContractCharges',
  'BillingItems',
];

export interface ApiUser {
  userName: string;
  secret: string;
  integrationCode: string;
  /** The Resources id of this API-only user. */
  resourceId: number;
}

export interface ZoneInfo {
  zoneName: string;
  webUrl: string;
  ci: number;
}

export interface PostedPeriod {
  contractServiceId: number;
  startDate: string;
  /** The row's endDate when it was posted. */
  endDate: string;
  /** The last day the posting billed (the row read as a segment: before the next row's start). */
  billedThrough: string;
  approveAndPostDate: string;
  /** The billing item of the row; null when its days were billed otherwise (prorated items). */
  billingItemId: number | null;
}

/** Price and cost a unit row got when it came into existence (rules.unitRowPrice 'stored'). */
export interface StoredPrice {
  price: number | null;
  cost: number | null;
}

export interface AutotaskState {
  tables: Record<StoredEntity, Table>;
  /** Stable ids of derived ContractServiceUnits rows, by `contractServiceId|startDate`. */
  unitIds: Map<string, number>;
  /** Approved-and-posted unit rows, by `contractServiceId|startDate`. */
  posted: Map<string, PostedPeriod>;
  /** Price/cost fixed when each unit row came into existence, by `contractServiceId|startDate`. */
  storedPrices: Map<string, StoredPrice>;
  apiUsers: ApiUser[];
  zone: ZoneInfo;
  nextId: number;
}

/** What request handlers and rules work with. */
export interface EmulatorCtx {
  state: AutotaskState;
  clock: Clock;
  rules: AutotaskRules;
}

export const DEFAULT_ZONE: ZoneInfo = {
  zoneName: 'Emulator (America East)',
  webUrl: 'https://ww3.autotask.net/',
  ci: 0,
};

/** Ids start in the range real tenants show (e.g. 29683616) so clients never assume small ids. */
export const DEFAULT_FIRST_ID = 29_683_000;

export function createEmptyState(): AutotaskState {
  return {
    tables: Object.fromEntries(STORED_ENTITIES.map((e) => [e, new Table()])) as Record<StoredEntity, Table>,
    unitIds: new Map(),
    posted: new Map(),
    storedPrices: new Map(),
    apiUsers: [],
    zone: { ...DEFAULT_ZONE },
    nextId: DEFAULT_FIRST_ID,
  };
}

export function allocateId(state: AutotaskState): number {
  return state.nextId++;
}

export function table(state: AutotaskState, entity: StoredEntity): Table {
  return state.tables[entity];
}

/** Rows of a stored entity in id order (a fresh array: callers may sort or change it). */
export function sortedRows(state: AutotaskState, entity: StoredEntity): Row[] {
  return state.tables[entity].inIdOrder().slice();
}

export const unitKey = (contractServiceId: number, startDate: string) => `${contractServiceId}|${startDate}`;
