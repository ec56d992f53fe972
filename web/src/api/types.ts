/**
 * Wire types of the billsync HTTP API used by the web app. Every one is the server's own zod schema (`z.infer`,
 * type-only imports: no zod code reaches the bundle), so a server change that breaks the web app fails
 * `npm run typecheck`. Nothing here is written by hand.
 */

import type { z } from 'zod';
import type {
  AuditListWire,
  LoginBodyWire,
  RoleWire,
  SessionWire,
  SetupBodyWire,
  SetupStatusWire,
  UserListWire,
  UserViewWire,
  UserWire,
  WorkspaceViewWire,
  WorkspaceWire,
} from '../../../src/services/account-schemas';
import type {
  AutotaskConnectionInputWire,
  ConnectionCheckWire,
  ConnectionInputWire,
  ConnectionKindWire,
  ConnectionStatusWire,
  ConnectionTestWire,
  ConnectionWire,
  ConnectWiseConnectionInputWire,
  TargetKindWire,
} from '../../../src/services/connection-schemas';
import type {
  NotificationListWire,
  NotificationWire,
  OutboxListWire,
} from '../../../src/services/notification-schemas';
import type {
  PricePreviewOut,
  PriceRuleAddedOut,
  PriceRuleInput as PriceRuleInputSchema,
  PriceRuleListOut,
  PriceRuleOut,
  PriceRuleRemovedOut,
  RuleBasisSchema,
  RuleEffectInput,
  RuleEffectOut,
  RuleMethodSchema,
  RuleOffersSchema,
  RuleRoundingSchema,
  SkuListOut,
} from '../../../src/services/pricing/price-rule-schemas';
import type {
  LeakageRowWire,
  LeakageWire,
  ReconChartWire,
  ReconCustomerRowWire,
  ReconCustomerWire,
  ReconFiguresWire,
  ReconFlagWire,
  ReconInvoiceLineWire,
  ReconMonthWire,
  ReconOfferRowWire,
  TimelineWire,
} from '../../../src/services/reports/reconciliation-schemas';
import type {
  CompanySuggestionWire,
  ContractCheckWire,
  CustomerInvoicesWire,
  CustomerInvoiceWire,
  CustomerPageWire,
  CustomerSortWire,
  CustomerWire,
  MappingInputWire,
  MappingSavedWire,
  PricingStrategyWire,
} from '../../../src/services/sync/customer-schemas';
import type {
  CompanyContractsWire,
  CompanyListWire,
  CompanyWire,
  ContractOptionWire,
  DirectoryRefreshWire,
} from '../../../src/services/sync/directory-schemas';
import type {
  EnqueuedWire,
  JobListWire,
  JobStateWire,
  JobWire,
  ScheduleWire,
  SyncCustomerBodyWire,
} from '../../../src/services/sync/job-schemas';
import type {
  ProgramOptionsWire,
  ProgramPatchWire,
  ProgramSavedWire,
  ProgramSettingsWire,
  ProgramWire,
} from '../../../src/services/sync/program-schemas';
import type {
  MonthFiguresWire,
  MonthlyReportWire,
  OverviewWire,
} from '../../../src/services/sync/report-schemas';
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
import type {
  ConfirmSuggestionsInputWire,
  ConfirmSuggestionsWire,
  SuggestionReviewItemWire,
  SuggestionReviewWire,
} from '../../../src/services/sync/suggestion-schemas';
import type {
  AdoptBodyWire,
  AdoptedWire,
  RunSummaryListWire,
} from '../../../src/services/sync/sync-request-schemas';

// Sessions, setup, users and the workspace

export type Role = RoleWire;
export type User = UserViewWire;
export type Workspace = WorkspaceViewWire;
/** `GET /api/me`, and the body of a successful login or setup. */
export type Session = SessionWire;
export type SetupStatus = SetupStatusWire;
export type LoginRequest = LoginBodyWire;
export type SetupRequest = SetupBodyWire;
export type WorkspaceUser = UserWire;
export type UserList = UserListWire;
export type WorkspaceDetails = WorkspaceWire;
export type AuditList = AuditListWire;

// Connections and programs (spec sections 2 and 3)

export type TargetKind = TargetKindWire;
export type ConnectionKind = ConnectionKindWire;
export type ConnectionStatus = ConnectionStatusWire;
/** `GET /api/connections` item: secrets only as "set" / "not set". */
export type Connection = ConnectionWire;
/** `POST /api/connections/{kind}/test`: saved, tested, recorded on the card. */
export type ConnectionTest = ConnectionTestWire;
/** `POST /api/connections/{kind}/check`: the entered credentials tested, nothing saved. */
export type ConnectionCheck = ConnectionCheckWire;
export type ConnectionInput = ConnectionInputWire;
/** What the Autotask connect dialog sends. */
export type AutotaskConnectionInput = AutotaskConnectionInputWire;
/** What the ConnectWise connect dialog sends. */
export type ConnectWiseConnectionInput = ConnectWiseConnectionInputWire;
/** What either PSA connect dialog sends. */
export type TargetConnectionInput = AutotaskConnectionInput | ConnectWiseConnectionInput;
export type ProgramSettings = ProgramSettingsWire;
export type ProductSyncMode = ProgramSettings['mode'];
export type Program = ProgramWire;
export type ProgramPatch = ProgramPatchWire;
export type ProgramSaved = ProgramSavedWire;
export type ProgramOptions = ProgramOptionsWire;
export type Option = CompanyWire;

// Customers and mapping (spec section 5)

export type PricingStrategy = PricingStrategyWire;
export type CustomerSort = CustomerSortWire;
export type CompanySuggestion = CompanySuggestionWire;
/** One row of the customers table; `pausedReason` is set while billsync has paused the customer's sync. */
export type Customer = CustomerWire;
export type CustomerPage = CustomerPageWire;
export type MappingInput = MappingInputWire;
export type MappingSaved = MappingSavedWire;
export type ContractCheck = ContractCheckWire;
/** `GET /api/customers/{id}/invoices`: the sync start hint. */
export type CustomerInvoices = CustomerInvoicesWire;
export type CustomerInvoice = CustomerInvoiceWire;
export type SuggestionReview = SuggestionReviewWire;
export type SuggestionReviewItem = SuggestionReviewItemWire;
export type ConfirmSuggestionsInput = ConfirmSuggestionsInputWire;
export type ConfirmSuggestionsResult = ConfirmSuggestionsWire;
export type CompanyList = CompanyListWire;
export type ContractOption = ContractOptionWire;
export type CompanyContracts = CompanyContractsWire;
export type DirectoryRefresh = DirectoryRefreshWire;

// Runs (spec section 7)

export type RunStatus = RunStatusWire;
export type RunKind = RunKindWire;
export type ItemStatus = ItemStatusWire;
export type ItemCounts = ItemCountsWire;
/** What a sync or a run action answers. */
export type RunSummary = RunSummaryWire;
export type RunSummaryList = RunSummaryListWire;
export type RunView = RunViewWire;
export type RunList = RunListWire;
export type RunMessage = RunMessageWire;
export type RunChange = RunChangeWire;
/** Shadow first sync: one month of an item, what the PSA bills today and once the run is applied. */
export type MonthComparison = MonthComparisonWire;
export type RunLine = RunLineWire;
export type RunDetail = RunDetailWire;
export type AdoptRequest = AdoptBodyWire;
export type Adopted = AdoptedWire;

// Jobs, schedule and notifications

export type JobState = JobStateWire;
/** `POST /api/jobs/...`: `jobId` is null when the same job was already waiting. */
export type Enqueued = EnqueuedWire;
export type Job = JobWire;
export type JobList = JobListWire;
export type SyncCustomerRequest = SyncCustomerBodyWire;
export type Schedule = ScheduleWire;
export type AppNotification = NotificationWire;
export type NotificationList = NotificationListWire;
export type OutboxList = OutboxListWire;

// Reports (dashboard)

export type MonthFigures = MonthFiguresWire;
export type MonthlyReport = MonthlyReportWire;
export type Overview = OverviewWire;

// Price rules (issue 16)

/** `GET /api/price-rules` item: the rule, and in words (`description`). */
export type PriceRule = z.infer<typeof PriceRuleOut>;
export type PriceRuleList = z.infer<typeof PriceRuleListOut>;
/** `POST /api/price-rules`: the stored rule and the server's warnings (e.g. a back-dated start). */
export type PriceRuleAdded = z.infer<typeof PriceRuleAddedOut>;
/** `DELETE /api/price-rules/{id}`: deleted (not started) or ended with the current month (then listed with its end). */
export type PriceRuleRemoved = z.infer<typeof PriceRuleRemovedOut>;
/** What the Add rule form sends (`POST /api/price-rules`, and `add` of the money effect). */
export type PriceRuleInput = z.input<typeof PriceRuleInputSchema>;
export type RuleOffers = z.infer<typeof RuleOffersSchema>;
export type RuleBasis = z.infer<typeof RuleBasisSchema>;
export type RuleMethod = z.infer<typeof RuleMethodSchema>;
export type RuleRounding = z.infer<typeof RuleRoundingSchema>;
/** `GET /api/price-rules/preview`: per offer of the SKU, cost, list retail, the rule that applies, the price. */
export type PricePreview = z.infer<typeof PricePreviewOut>;
export type RuleEffectRequest = z.input<typeof RuleEffectInput>;
/** `GET /api/price-rules/skus`: price-list SKU codes matching a search, for the pickers. */
export type SkuList = z.infer<typeof SkuListOut>;
/** `POST /api/price-rules/effect`: the next contract period's money effect, per customer and in total. */
export type RuleEffect = z.infer<typeof RuleEffectOut>;

// Reconciliation, leakage and the contract timeline (issue 17)

/** What can be wrong with a figure: `kind` picks the badge, `text` says it in words. */
export type ReconFlag = ReconFlagWire;
/** Microsoft's cost, the expected retail, what the PSA bills, the margin and the difference of one period. */
export type ReconFigures = ReconFiguresWire;
export type ReconCustomerRow = ReconCustomerRowWire;
/** `GET /api/reconciliation`: a month's totals and customers. */
export type ReconMonth = ReconMonthWire;
/** An invoice line behind an offer's figures (the evidence). */
export type ReconInvoiceLine = ReconInvoiceLineWire;
export type ReconOfferRow = ReconOfferRowWire;
/** `GET /api/reconciliation/customer`: one customer's offers with their invoice lines. */
export type ReconCustomer = ReconCustomerWire;
/** `GET /api/reconciliation/chart`: 12 months, for the workspace or one customer. */
export type ReconChart = ReconChartWire;
export type ReconChartMonth = ReconChart['months'][number];
/** `GET /api/reconciliation/timeline`: one contract line, day by day. */
export type Timeline = TimelineWire;
export type LeakageRow = LeakageRowWire;
/** `GET /api/reconciliation/leakage`: Microsoft charges nobody is billed for. */
export type Leakage = LeakageWire;
