/** Wire types of the billsync HTTP API used by the web app. */

import type {
  ProgramOptionsWire,
  ProgramPatchWire,
  ProgramSavedWire,
  ProgramSettingsWire,
  ProgramWire,
} from '../../../src/services/sync/program-schemas';

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

export type PricingStrategy = 'cost-and-retail' | 'cost-only' | 'none' | 'none-on-update';

export type RunStatus =
  | 'preview'
  | 'awaiting_approval'
  | 'running'
  | 'interrupted'
  | 'no_change'
  | 'success'
  | 'warning'
  | 'error'
  | 'rejected'
  | 'superseded';

export type RunKind = 'product' | 'customer';

export type CustomerSort =
  | 'customer'
  | 'domain'
  | 'company'
  | 'contract'
  | 'strategy'
  | 'syncStart'
  | 'sync'
  | 'lastRun'
  | 'lastRunAt'
  | 'lastSynced';

export interface CompanySuggestion {
  companyId: string;
  companyName: string;
  score: number;
  reason: 'same name' | 'domain' | 'similar name';
}

export interface Customer {
  tenantId: string;
  name: string;
  domain: string;
  mapped: boolean;
  companyId: string | null;
  companyName: string | null;
  contractId: string | null;
  contractName: string | null;
  strategy: PricingStrategy | null;
  syncStart: string | null;
  syncOn: boolean;
  lastRun: { id: string; status: RunStatus; at: string } | null;
  lastSyncedAt: string | null;
  suggestion: CompanySuggestion | null;
}

/** `GET /api/customers`. */
export interface CustomerPage {
  items: Customer[];
  total: number;
  limit: number;
  offset: number;
  suggestions: { available: boolean; message: string | null };
}

export interface MappingInput {
  companyId: string;
  contractId: string;
  strategy?: PricingStrategy;
  syncStart?: string;
  syncOn: boolean;
}

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

export type ItemStatus = 'no_change' | 'ok' | 'warning' | 'error' | 'skipped';
export type ItemCounts = Record<ItemStatus, number>;

/** What a sync or a run action answers. */
export interface RunSummary {
  runId: string;
  kind: RunKind;
  tenantId: string | null;
  customerName: string | null;
  status: RunStatus;
  operations: number;
  items: ItemCounts;
  writes: number;
  probedApplied: number;
  message: string | null;
}

export interface RunView {
  id: string;
  target: string;
  kind: RunKind;
  tenantId: string | null;
  customerName: string | null;
  status: RunStatus;
  asOf: string;
  trigger: string;
  createdBy: string;
  operations: number;
  items: ItemCounts;
  writes: number;
  message: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** `GET /api/runs`. */
export interface RunList {
  items: RunView[];
  limit: number;
  offset: number;
  hasMore: boolean;
}

export interface RunMessage {
  level: 'info' | 'warning' | 'error';
  text: string;
}

export interface RunChange {
  field: string;
  from: string | null;
  to: string | null;
}

export interface RunLine {
  seq: number;
  key: string;
  label: string;
  action: string;
  status: ItemStatus;
  messages: RunMessage[];
  changes: RunChange[];
  monthlyDelta: string | null;
  offerKey: string | null;
  tenantId: string | null;
  targetId: string | null;
}

/** `GET /api/runs/{id}`. */
export interface RunDetail extends RunView {
  lines: RunLine[];
  monthlyDelta: string | null;
  journal: {
    pending: number;
    inFlight: number;
    done: number;
    failed: number;
    attempts: number;
    failures: string[];
  };
}

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
