import type { WorkspaceId } from '../../core/ids';
import { type CompanySuggestion, createCompanyMatcher } from '../../core/match/company-match';
import type { BillingMode } from '../../core/planner/customer-plan';
import type { PricingStrategy } from '../../core/planner/types';
import type { PlainDate } from '../../core/time/plain-date';
import { listCustomerInvoiceRows } from '../../db/repos/customer-invoices';
import { type CustomerListQuery, type CustomerListRow, listCustomerRows } from '../../db/repos/customer-list';
import type { RunStatus } from '../../db/repos/runs';
import type { TargetKind } from '../../db/repos/sync';
import { AppError } from '../errors';
import { type DirectoryReader, LIVE_DIRECTORY } from './directory-cache';
import type { SyncDeps } from './psa';

/** One row of the customers table (spec section 5). */
export interface CustomerView {
  tenantId: string;
  name: string;
  domain: string;
  /** Mapped to a PSA company (the Sync switch is disabled until then). */
  mapped: boolean;
  companyId: string | null;
  companyName: string | null;
  contractId: string | null;
  contractName: string | null;
  strategy: PricingStrategy | null;
  syncStart: PlainDate | null;
  syncOn: boolean;
  /** Shadow first sync asked for: the first sync is compared and waits to be applied (issue 11). */
  shadow: boolean;
  /** Billing in arrears or in advance (issue 16). */
  billing: BillingMode;
  /** The contract annual subscriptions are booked on (issue 16, decision 0015). */
  annualContractId: string | null;
  annualContractName: string | null;
  /** Why billsync paused the sync (the PSA did not bill what it wrote); null when not paused. */
  pausedReason: string | null;
  pausedAt: string | null;
  lastRun: { id: string; status: RunStatus; at: string; message: string | null } | null;
  /** When the last run that brought the customer up to date finished (Success, Warning or No Change). */
  lastSyncedAt: string | null;
  /** For unmapped customers when asked: the PSA company that looks like this customer. */
  suggestion: CompanySuggestion | null;
}

export function toCustomerView(r: Omit<CustomerListRow, 'total'>): CustomerView {
  return {
    tenantId: r.tenant_id,
    name: r.name,
    domain: r.default_domain,
    mapped: r.company_id !== null,
    companyId: r.company_id,
    companyName: r.company_name,
    contractId: r.contract_id,
    contractName: r.contract_name,
    strategy: r.company_id !== null ? r.strategy : null,
    syncStart: r.company_id !== null ? r.sync_start : null,
    syncOn: r.sync_on === true,
    shadow: r.shadow === true,
    billing: r.billing === 'advance' ? 'advance' : 'arrears',
    annualContractId: r.company_id !== null ? (r.annual_contract_id ?? null) : null,
    annualContractName: r.company_id !== null ? (r.annual_contract_name ?? null) : null,
    pausedReason: r.paused_reason ?? null,
    pausedAt: r.paused_at?.toISOString() ?? null,
    lastRun:
      r.last_run_id && r.last_run_status && r.last_run_at
        ? {
            id: r.last_run_id,
            status: r.last_run_status,
            at: r.last_run_at.toISOString(),
            message: r.last_run_message,
          }
        : null,
    lastSyncedAt: r.last_synced_at?.toISOString() ?? null,
    suggestion: null,
  };
}

export interface CustomerPage {
  items: CustomerView[];
  total: number;
  limit: number;
  offset: number;
  /** Whether suggestions were asked for and could be made (they need the PSA's companies). */
  suggestions: { available: boolean; message: string | null };
}

export type CustomerListInput = Omit<CustomerListQuery, 'target' | 'limit' | 'offset'> & {
  limit?: number | undefined;
  offset?: number | undefined;
  /** Suggest a PSA company for the unmapped customers of the page (reads the PSA's companies). */
  suggest?: boolean | undefined;
};

/** A page of the customers table: searched, sorted and paged in the database; suggestions for the page only. */
export async function listCustomers(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  input: CustomerListInput = {},
  directory: DirectoryReader = LIVE_DIRECTORY,
): Promise<CustomerPage> {
  const query: CustomerListQuery = { ...input, target, limit: input.limit ?? 50, offset: input.offset ?? 0 };
  let rows = await listCustomerRows(deps.pool, ws, query);
  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && query.offset > 0) {
    total = (await listCustomerRows(deps.pool, ws, { ...query, limit: 1, offset: 0 }))[0]?.total ?? 0;
    rows = [];
  }
  const items = rows.map(toCustomerView);
  const suggestions = { available: false, message: null as string | null };
  const unmapped = items.filter((c) => !c.mapped);
  if (input.suggest && unmapped.length > 0) {
    const dir = await directory.tryRead(deps, ws, target);
    if (dir.ok) {
      const match = createCompanyMatcher(
        dir.value.companies.filter((c) => c.kind === 'customer' && c.active),
      );
      for (const c of unmapped) c.suggestion = match({ name: c.name, domain: c.domain }) ?? null;
      suggestions.available = true;
    } else {
      suggestions.message = `No suggestions: ${dir.message}`;
    }
  }
  return { items, total, limit: query.limit, offset: query.offset, suggestions };
}

/** One customer's row by tenant id (404 when the workspace has no such customer). */
export async function getCustomer(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  tenantId: string,
): Promise<CustomerView> {
  const id = tenantId.trim().toLowerCase();
  const [row] = await listCustomerRows(deps.pool, ws, { target, tenantId: id, limit: 1, offset: 0 });
  if (!row)
    throw new AppError('not_found', `No customer ${tenantId}: see the customers list`, undefined, {
      cli: '`billsync customers`',
    });
  return toCustomerView(row);
}

/** A customer's imported invoice as the mapping dialog's sync start hint uses it. */
export interface CustomerInvoiceView {
  id: string;
  billingPeriod: string;
  issueDate: string;
  currency: string;
  synced: boolean;
}

/**
 * The imported invoices that bill a customer, oldest first, with whether each was synced to the target (404 when
 * the workspace has no such customer): the mapping dialog says which ones a sync start includes.
 */
export async function getCustomerInvoices(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  tenantId: string,
): Promise<{ tenantId: string; syncStart: string | null; items: CustomerInvoiceView[] }> {
  const customer = await getCustomer(deps, ws, target, tenantId);
  const rows = await listCustomerInvoiceRows(deps.pool, ws, target, customer.tenantId);
  return {
    tenantId: customer.tenantId,
    syncStart: customer.syncStart,
    items: rows.map((r) => ({
      id: r.id,
      billingPeriod: r.billing_period,
      issueDate: r.issue_date,
      currency: r.currency,
      synced: r.synced,
    })),
  };
}
