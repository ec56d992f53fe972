import type { WorkspaceId } from '../../core/ids';
import { type CompanySuggestion, createCompanyMatcher } from '../../core/match/company-match';
import type { TargetSnapshot } from '../../core/ports/target';
import { listCustomerRows } from '../../db/repos/customer-list';
import type { TargetKind } from '../../db/repos/sync';
import { type CustomerView, toCustomerView } from './customers';
import { type ContractOption, mappableContracts } from './directory';
import { type DirectoryReader, LIVE_DIRECTORY } from './directory-cache';
import { saveCustomerMapping } from './mapping';
import { CONTRACT_WORDS, type SyncDeps, tryReadDirectory } from './psa';

/** Enough for every unmapped customer of a large MSP; the review is one list. */
const MAX_CUSTOMERS = 5000;

export interface SuggestionReviewItem {
  tenantId: string;
  name: string;
  domain: string;
  suggestion: CompanySuggestion;
  /** The company's only mappable contract (what confirming maps), else null. */
  contract: ContractOption | null;
  contracts: number;
  /** Why it cannot be confirmed here, in words. */
  note: string | null;
}

function reviewOf(
  c: Pick<CustomerView, 'tenantId' | 'name' | 'domain'>,
  suggestion: CompanySuggestion,
  dir: TargetSnapshot,
  deps: SyncDeps,
  target: TargetKind,
): SuggestionReviewItem {
  const found = mappableContracts(dir, suggestion.companyId, deps.clock.today(), target);
  const word = CONTRACT_WORDS[target].one;
  const only = found.items.length === 1 ? found.items[0]! : null;
  const note =
    found.items.length > 1
      ? `${suggestion.companyName} has ${found.items.length} ${word}s that can be mapped: choose one in the mapping dialog`
      : found.items.length === 0
        ? `${suggestion.companyName} has no ${word} that can be mapped${found.hidden.reason ? ` (${found.hidden.reason})` : ''}`
        : null;
  return { ...c, suggestion, contract: only, contracts: found.items.length, note };
}

/** The suggestions of every unmapped customer: the matcher over the PSA's active customer companies. */
async function suggested(deps: SyncDeps, ws: WorkspaceId, target: TargetKind, dir: TargetSnapshot) {
  const rows = await listCustomerRows(deps.pool, ws, {
    target,
    mapped: false,
    limit: MAX_CUSTOMERS,
    offset: 0,
  });
  const match = createCompanyMatcher(dir.companies.filter((c) => c.kind === 'customer' && c.active));
  return rows.flatMap((r) => {
    const c = toCustomerView(r);
    const suggestion = match({ name: c.name, domain: c.domain });
    return suggestion ? [reviewOf(c, suggestion, dir, deps, target)] : [];
  });
}

/**
 * "Confirm all suggested matches": every unmapped customer with a suggested PSA company, and what confirming it
 * maps (the company's only mappable contract) or why it cannot be confirmed here. One read of the PSA (or none,
 * through the web's directory cache).
 */
export async function reviewSuggestions(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  directory: DirectoryReader = LIVE_DIRECTORY,
): Promise<{ items: SuggestionReviewItem[]; available: boolean; message: string | null }> {
  const dir = await directory.tryRead(deps, ws, target);
  if (!dir.ok) return { items: [], available: false, message: `No suggestions: ${dir.message}` };
  return { items: await suggested(deps, ws, target, dir.value), available: true, message: null };
}

/**
 * Confirms the suggestions of the chosen customers: each is mapped to its suggested company's only mappable
 * contract (the suggestion is made again here, from the PSA as it is now). The others are skipped with the reason.
 */
export async function confirmSuggestions(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  input: { tenantIds: readonly string[]; syncOn: boolean },
  actor: string,
): Promise<{ confirmed: CustomerView[]; skipped: { tenantId: string; name: string; reason: string }[] }> {
  const dir = await tryReadDirectory(deps, ws, target);
  if (!dir.ok) {
    const reason = `not confirmed: ${dir.message}`;
    return {
      confirmed: [],
      skipped: input.tenantIds.map((tenantId) => ({ tenantId, name: tenantId, reason })),
    };
  }
  const byTenant = new Map((await suggested(deps, ws, target, dir.value)).map((s) => [s.tenantId, s]));
  const confirmed: CustomerView[] = [];
  const skipped: { tenantId: string; name: string; reason: string }[] = [];
  for (const raw of new Set(input.tenantIds.map((t) => t.trim().toLowerCase()))) {
    const item = byTenant.get(raw);
    if (!item) {
      skipped.push({
        tenantId: raw,
        name: raw,
        reason: 'no suggestion (already mapped, or no company matches)',
      });
      continue;
    }
    if (!item.contract) {
      skipped.push({ tenantId: raw, name: item.name, reason: item.note ?? 'no contract to map' });
      continue;
    }
    const mapping = {
      companyId: item.suggestion.companyId,
      contractId: item.contract.id,
      syncOn: input.syncOn,
    };
    const saved = await saveCustomerMapping(deps, ws, target, raw, mapping, actor, dir);
    confirmed.push(saved.customer);
  }
  return { confirmed, skipped };
}
