/** Wire types of the billsync HTTP API used by the web app. */

import type {
  CompanySuggestionWire,
  ContractCheckWire,
  CustomerPageWire,
  CustomerSortWire,
  CustomerWire,
  MappingInputWire,
  MappingSavedWire,
  PricingStrategyWire,
} from '../../../src/services/sync/customer-schemas';
import type {
  ProgramOptionsWire,
  ProgramPatchWire,
  ProgramSavedWire,
  ProgramSettingsWire,
  ProgramWire,
} from '../../../src/services/sync/program-schemas';
import type {
  ItemCountsWire,
  ItemStatusWire,
  MonthComparisonWire,
  RunChangeWire,
  RunDetailWire,
  RunKindWire,
  RunLineWire,
  RunListWire,
  RunMessageWire,
  RunStatusWire,
  RunSummaryWire,
  RunViewWire,
} from '../../../src/services/sync/run-schemas';

export type Role = 'admin' | 'operator' | 'viewer';

export interface User {
  id: string;
  email: string;
  role: Role;
}

export interface Workspace {
  id: string;
  name: string;
}

/** `GET /api/me`, and the body of a successful login or setup. */
export interface Session {
  user: User;
  workspace: Workspace;
  csrfToken: string;
}

/** `GET /api/setup`. */
export interface SetupStatus {
  needed: boolean;
}

export interface LoginRequest {
  email: string;
  password: string;
}

export interface SetupRequest {
  workspaceName: string;
  email: string;
  password: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Connections and programs (spec sections 2 and 3)

export type TargetKind = 'autotask' | 'connectwise';
export type ConnectionKind = TargetKind | 'partner-center';
export type ConnectionStatus = 'unknown' | 'connected' | 'error' | 'needs_setup';

/** `GET /api/connections` item: secrets only as "set" / "not set". */
export interface Connection {
  id: string;
  kind: ConnectionKind;
  settings: Record<string, unknown>;
  credentials: 'set' | 'not set';
  status: ConnectionStatus;
  statusMessage: string | null;
  checkedAt: string | null;
  updatedAt: string;
}

/** `POST /api/connections/{kind}/test`. */
export interface ConnectionTest {
  connection: Connection;
  ok: boolean;
  status: ConnectionStatus;
  message: string;
}

export interface AutotaskConnectionInput {
  settings: { username: string; zoneUrl?: string };
  secrets?: { secret: string; integrationCode: string };
}

/** `GET /api/programs/{target}` settings: the server's schema is the one contract (type-only import). */
export type ProgramSettings = ProgramSettingsWire;
export type ProductSyncMode = ProgramSettings['mode'];

/** `GET /api/programs/{target}`. */
export type Program = ProgramWire;

/** `PUT /api/programs/{target}`: the change sent, and the saved program with warnings. */
export type ProgramPatch = ProgramPatchWire;
export type ProgramSaved = ProgramSavedWire;

export interface Option {
  id: string;
  name: string;
}

/** `GET /api/programs/{target}/options`. */
export type ProgramOptions = ProgramOptionsWire;

// ---------------------------------------------------------------------------------------------------------------
// Customers and mapping (spec section 5)

// The server's schemas are the one contract (type-only imports: no zod code reaches the bundle).

export type PricingStrategy = PricingStrategyWire;
export type RunStatus = RunStatusWire;
export type RunKind = RunKindWire;
export type CustomerSort = CustomerSortWire;
export type CompanySuggestion = CompanySuggestionWire;

/** One row of the customers table; `pausedReason` is set while billsync has paused the customer's sync. */
export type Customer = CustomerWire;

/** `GET /api/customers`. */
export type CustomerPage = CustomerPageWire;

/** `PUT /api/customers/{id}/mapping`: the body, and the answer. */
export type MappingInput = MappingInputWire;
export type MappingSaved = MappingSavedWire;

/** `GET /api/customers/{id}/contract-check`: what the chosen contract already bills of the customer's offers. */
export type ContractCheck = ContractCheckWire;

/** `GET /api/psa/{target}/companies`. */
export interface CompanyList {
  items: Option[];
  total: number;
}

export interface ContractOption {
  id: string;
  name: string;
  startDate: string;
  endDate: string | null;
}

/** `GET /api/psa/{target}/companies/{id}/contracts`. */
export interface CompanyContracts {
  company: Option;
  items: ContractOption[];
  hidden: { count: number; reason: string | null };
}

// ---------------------------------------------------------------------------------------------------------------
// Runs (spec section 7)

export type ItemStatus = ItemStatusWire;
export type ItemCounts = ItemCountsWire;

/** What a sync or a run action answers. */
export type RunSummary = RunSummaryWire;

export type RunView = RunViewWire;

/** `GET /api/runs`. */
export type RunList = RunListWire;

export type RunMessage = RunMessageWire;
export type RunChange = RunChangeWire;

/** Shadow first sync: one month of an item, what the PSA bills today and once the run is applied. */
export type MonthComparison = MonthComparisonWire;

export type RunLine = RunLineWire;

/** `GET /api/runs/{id}`. */
export type RunDetail = RunDetailWire;

// ---------------------------------------------------------------------------------------------------------------
// Jobs and notifications

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

/** `POST /api/jobs/...`: `jobId` is null when the same job was already waiting. */
export interface Enqueued {
  jobId: string | null;
  alreadyQueued: boolean;
}

export interface Job {
  id: string;
  name: string;
  state: JobState;
  workspaceId: string | null;
  target: string | null;
  tenantId: string | null;
  runId: string | null;
  retryCount: number;
  retryLimit: number;
  createdOn: string;
  startAfter: string;
  startedOn: string | null;
  completedOn: string | null;
  error: string | null;
}

export interface AppNotification {
  id: string;
  runId: string | null;
  level: 'info' | 'warning' | 'error';
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

/** `GET /api/notifications`. */
export interface NotificationList {
  items: AppNotification[];
  unread: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Reports (dashboard)

export interface MonthFigures {
  period: string;
  cost: string;
  retail: string;
  margin: string;
  marginPercent: number | null;
  customers: number;
  invoicedCost: string;
  unpricedLines: number;
}

/** `GET /api/reports/monthly`. */
export interface MonthlyReport {
  target: TargetKind;
  currency: string | null;
  months: MonthFigures[];
}

/** `GET /api/reports/overview`. */
export interface Overview {
  target: TargetKind;
  customers: {
    total: number;
    mapped: number;
    syncOn: number;
    lastSuccessAt: string | null;
    latestAt: string | null;
    latest: Partial<Record<RunStatus, number>>;
  };
  products: { lastSuccessAt: string | null; latestRun: RunView | null };
  source: {
    customers: number;
    priceListEntries: number;
    invoices: number;
    latestPeriod: string | null;
    lastImportAt: string | null;
    imports: { kind: string; files: number; lastAt: string }[];
  };
}
