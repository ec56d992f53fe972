import type { WorkspaceId } from '../../core/ids';
import { normalizeCompanyName } from '../../core/match/company-match';
import type { TargetContract, TargetSnapshot } from '../../core/ports/target';
import { formatDayMonthYear, type PlainDate } from '../../core/time/plain-date';
import type { TargetKind } from '../../db/repos/sync';
import { AppError } from '../errors';
import { type DirectoryReader, LIVE_DIRECTORY } from './directory-cache';
import { byName } from './program-settings';
import { CONTRACT_WORDS, type SyncDeps, TARGET_LABEL } from './psa';

export interface CompanyOption {
  id: string;
  name: string;
}

/** Customer companies of the PSA for the mapping dropdown, searched by name (case, punctuation, legal form ignored). */
export async function listCompanies(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  query: { search?: string | undefined; limit?: number | undefined } = {},
  directory: DirectoryReader = LIVE_DIRECTORY,
): Promise<{ items: CompanyOption[]; total: number }> {
  const dir = await directory.read(deps, ws, target);
  const needle = query.search?.trim() ? normalizeCompanyName(query.search) : '';
  const raw = query.search?.trim().toLowerCase() ?? '';
  const found = dir.companies
    .filter((c) => c.kind === 'customer' && c.active)
    .filter(
      (c) =>
        !raw ||
        c.name.toLowerCase().includes(raw) ||
        c.id === raw ||
        normalizeCompanyName(c.name).includes(needle),
    )
    .map((c) => ({ id: c.id, name: c.name }))
    .sort(byName);
  return { items: found.slice(0, query.limit ?? 100), total: found.length };
}

export interface ContractOption {
  id: string;
  name: string;
  startDate: PlainDate;
  endDate: PlainDate | null;
}

export interface CompanyContracts {
  company: CompanyOption;
  items: ContractOption[];
  /** Contracts of the company that cannot be mapped, and why (spec section 5: say how many are hidden). */
  hidden: { count: number; reason: string | null };
}

/** Which contracts a list is for: the recurring one of the lines, or the annual one of annual subscriptions. */
export type ContractKind = 'recurring' | 'annual';

/**
 * Why a contract cannot take billsync's lines on `today` (`ended on 30 Jun 2025`, dated as the run's error
 * `Contract <name> ended on <date>` is), or undefined when it can.
 */
export function whyUnusable(
  c: TargetContract,
  today: PlainDate,
  target: TargetKind = 'autotask',
): string | undefined {
  if (!c.recurring) return `is not a ${CONTRACT_WORDS[target].kind}`;
  if (c.endDate !== undefined && c.endDate < today) return `ended on ${formatDayMonthYear(c.endDate)}`;
  if (!c.active) return 'is inactive';
  return undefined;
}

function hiddenReason(
  count: { ended: number; inactive: number; other: number },
  target: TargetKind,
): string | null {
  const label = TARGET_LABEL[target];
  const parts = [];
  if (count.ended) parts.push(`${count.ended} ended (extend the end date in ${label} to map it)`);
  if (count.inactive) parts.push(`${count.inactive} inactive (activate it in ${label} to map it)`);
  if (count.other) parts.push(`${count.other} not billed monthly (billsync writes monthly agreements)`);
  const total = count.ended + count.inactive + count.other;
  if (total === 0) return null;
  return `${total} ${CONTRACT_WORDS[target].one}(s) hidden: ${parts.join('; ')}`;
}

/**
 * A company's contracts of the right kind that can be mapped on `today`, and the hidden ones (spec section 5).
 * Autotask: Recurring Service contracts (other kinds are not offered at all). ConnectWise: every agreement is
 * listed by the PSA, so agreements not billed monthly are hidden and counted with the ended ones (decision 0012).
 */
export function mappableContracts(
  dir: Pick<TargetSnapshot, 'contracts'>,
  companyId: string,
  today: PlainDate,
  target: TargetKind,
  kind: ContractKind = 'recurring',
): Pick<CompanyContracts, 'items' | 'hidden'> {
  const count = { ended: 0, inactive: 0, other: 0 };
  const items: ContractOption[] = [];
  for (const c of dir.contracts.filter((x) => x.companyId === companyId)) {
    if (kind === 'annual') {
      // Annual subscriptions' contracts (decision 0015): only those kinds are offered, others are not counted.
      if (!c.fixed) continue;
      const why = whyUnusable({ ...c, recurring: true }, today, target);
      if (why?.startsWith('ended')) count.ended += 1;
      else if (why) count.inactive += 1;
      else items.push({ id: c.id, name: c.name, startDate: c.startDate, endDate: c.endDate ?? null });
      continue;
    }
    if (!c.recurring) {
      if (target === 'connectwise') count.other += 1;
      continue;
    }
    const why = whyUnusable(c, today, target);
    if (why?.startsWith('ended')) count.ended += 1;
    else if (why) count.inactive += 1;
    else items.push({ id: c.id, name: c.name, startDate: c.startDate, endDate: c.endDate ?? null });
  }
  items.sort(byName);
  const hidden = count.ended + count.inactive + count.other;
  return { items, hidden: { count: hidden, reason: hiddenReason(count, target) } };
}

/** A company's Recurring Service contracts that can be mapped; ended and inactive ones are counted, not listed. */
export async function listCompanyContracts(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  companyId: string,
  directory: DirectoryReader = LIVE_DIRECTORY,
  kind: ContractKind = 'recurring',
): Promise<CompanyContracts> {
  const dir = await directory.read(deps, ws, target);
  const company = dir.companies.find((c) => c.id === companyId);
  if (!company) throw new AppError('not_found', `${TARGET_LABEL[target]} has no company ${companyId}`);
  return {
    company: { id: company.id, name: company.name },
    ...mappableContracts(dir, companyId, deps.clock.today(), target, kind),
  };
}
