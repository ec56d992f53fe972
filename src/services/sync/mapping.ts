import type { ZodError } from 'zod';
import type { WorkspaceId } from '../../core/ids';
import type { TargetContract, TargetSnapshot } from '../../core/ports/target';
import { formatDayMonthYear, startOfMonth, tryParsePlainDate } from '../../core/time/plain-date';
import type { Pool } from '../../db/pool';
import { recordAudit } from '../../db/repos/audit';
import { contractsWrittenFor } from '../../db/repos/runs';
import { listSourceCustomers } from '../../db/repos/source-data';
import { getMapping, saveMapping, type TargetKind } from '../../db/repos/sync';
import { AppError } from '../errors';
import { MappingInput } from './customer-schemas';
import { type CustomerView, getCustomer } from './customers';
import { whyUnusable } from './directory';
import { CONTRACT_WORDS, type Maybe, type SyncDeps, TARGET_LABEL, tryReadDirectory } from './psa';

export { MappingInput };

/** What each PSA calls the contract annual subscriptions are booked on (decision 0015). */
const ANNUAL_KIND: Record<TargetKind, string> = {
  autotask: 'Fixed Price contract',
  connectwise: 'agreement billed one time',
};

/**
 * A customer named the way people do: its tenant id, or a name or domain that matches exactly one customer
 * (exact matches first, then parts).
 */
export async function resolveCustomerRef(
  pool: Pool,
  ws: WorkspaceId,
  ref: string,
): Promise<{ tenantId: string; name: string }> {
  const text = ref.trim().toLowerCase();
  const all = await listSourceCustomers(pool, ws);
  const byId = all.find((c) => c.tenantId === text);
  if (byId) return byId;
  const exact = all.filter((c) => c.name.toLowerCase() === text || c.defaultDomain.toLowerCase() === text);
  const found =
    exact.length > 0
      ? exact
      : all.filter(
          (c) => c.name.toLowerCase().includes(text) || c.defaultDomain.toLowerCase().includes(text),
        );
  if (found.length === 1) return found[0]!;
  if (found.length === 0)
    throw new AppError(
      'not_found',
      `No customer matches "${ref}": use its tenant id or see \`billsync customers\``,
    );
  const some = found
    .slice(0, 5)
    .map((c) => `${c.name} (${c.tenantId})`)
    .join(', ');
  throw new AppError(
    'bad_request',
    `"${ref}" matches ${found.length} customers (${some}${found.length > 5 ? ', ...' : ''}): use the tenant id`,
  );
}

function invalid(error: ZodError): AppError {
  const first = error.issues[0];
  const where = first?.path.length ? ` (${first.path.join('.')})` : '';
  return new AppError(
    'validation_failed',
    `The mapping is not valid: ${first?.message ?? 'bad input'}${where}`,
    error.issues,
  );
}

/**
 * Saves a customer's mapping. The PSA company and contract are checked when the PSA answers (the contract must
 * belong to the company, be a Recurring Service contract and not have ended); their names are stored for the
 * table. A new mapping starts syncing from the first day of the current month (UTC) unless told otherwise.
 */
export async function saveCustomerMapping(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  tenantId: string,
  input: unknown,
  actor: string,
  /** The PSA directory when the caller has read it already (confirming many suggestions reads it once). */
  known?: Maybe<TargetSnapshot>,
): Promise<{ customer: CustomerView; warnings: string[] }> {
  const parsed = MappingInput.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const m = parsed.data;
  const customer = await getCustomer(deps, ws, target, tenantId);
  const existing = await getMapping(deps.pool, ws, target, customer.tenantId);
  const warnings: string[] = [];
  let companyName: string | null = null;
  let contractName: string | null = null;
  let annualName: string | null = null;
  const dir = known ?? (await tryReadDirectory(deps, ws, target));
  const label = TARGET_LABEL[target];
  const words = CONTRACT_WORDS[target];
  if (dir.ok) {
    const company = dir.value.companies.find((c) => c.id === m.companyId);
    if (!company)
      throw new AppError(
        'validation_failed',
        `${label} has no company ${m.companyId}: choose one from the list`,
      );
    const contract = dir.value.contracts.find((c) => c.id === m.contractId);
    if (!contract || contract.companyId !== company.id) {
      throw new AppError(
        'validation_failed',
        `${company.name} has no ${words.kind} ${m.contractId}: choose one of its ${words.one}s`,
      );
    }
    const why = whyUnusable(contract, deps.clock.today(), target);
    if (why)
      throw new AppError(
        'validation_failed',
        `${words.title} ${contract.name} ${why}: choose another ${words.one}, or fix it in ${label}`,
      );
    companyName = company.name;
    contractName = contract.name;
    warnings.push(...(await checkContractMove(deps, ws, target, customer, contract, m, dir.value)));
    if (m.annualContractId) {
      const annual = dir.value.contracts.find((c) => c.id === m.annualContractId);
      if (!annual || annual.companyId !== company.id || !annual.fixed)
        throw new AppError(
          'validation_failed',
          `${company.name} has no ${ANNUAL_KIND[target]} ${m.annualContractId}: choose one for the annual subscriptions`,
        );
      const late = whyUnusable({ ...annual, recurring: true }, deps.clock.today(), target);
      if (late)
        throw new AppError(
          'validation_failed',
          `${words.title} ${annual.name} ${late}: choose another one for the annual subscriptions, or fix it in ${label}`,
        );
      annualName = annual.name;
    }
  } else {
    const moved = (await contractsWrittenFor(deps.pool, ws, target, customer.tenantId)).some(
      (c) =>
        c.contractId !== m.contractId &&
        c.contractId !== (m.annualContractId ?? existing?.annual_contract_id),
    );
    if (moved)
      throw new AppError(
        'integration_failed',
        `${customer.name}'s seats were written to another ${CONTRACT_WORDS[target].one}, and ${TARGET_LABEL[target]} could not be read to check that the two would not bill the same days (${dir.message}): try again when it answers`,
      );
    warnings.push(
      `The company and contract could not be checked (${dir.message}); they are saved as entered`,
    );
  }
  const syncStart = m.syncStart ?? existing?.sync_start ?? startOfMonth(deps.clock.today());
  const strategy = m.strategy ?? existing?.strategy ?? 'cost-and-retail';
  await saveMapping(deps.pool, ws, target, {
    tenant_id: customer.tenantId,
    company_id: m.companyId,
    company_name: companyName,
    contract_id: m.contractId,
    contract_name: contractName,
    strategy,
    sync_start: tryParsePlainDate(syncStart) ?? startOfMonth(deps.clock.today()),
    sync_on: m.syncOn,
    ...(m.shadow !== undefined ? { shadow: m.shadow } : {}),
    ...(m.billing !== undefined ? { billing: m.billing } : {}),
    ...(m.annualContractId !== undefined
      ? { annual: { id: m.annualContractId, name: m.annualContractId ? annualName : null } }
      : {}),
  });
  if (existing && existing.strategy !== strategy) {
    const saved = await getMapping(deps.pool, ws, target, customer.tenantId);
    if (saved?.strategy_from)
      warnings.push(
        `The new pricing strategy applies from ${formatDayMonthYear(saved.strategy_from)} (the month after the last synced invoice): the days before keep the prices written so far`,
      );
  }
  await recordAudit(deps.pool, {
    workspaceId: ws,
    actor,
    action: 'mapping.save',
    targetType: 'customer',
    targetId: customer.tenantId,
    details: {
      target,
      companyId: m.companyId,
      contractId: m.contractId,
      strategy,
      syncStart,
      syncOn: m.syncOn,
      ...(m.shadow !== undefined ? { shadow: m.shadow } : {}),
      ...(m.billing !== undefined ? { billing: m.billing } : {}),
      ...(m.annualContractId !== undefined ? { annualContractId: m.annualContractId } : {}),
      ...(m.syncOn && existing?.paused_reason ? { resumed: existing.paused_reason } : {}),
    },
  });
  return { customer: await getCustomer(deps, ws, target, customer.tenantId), warnings };
}

/**
 * Clears a customer's mapping: sync goes off, the company and contract are forgotten; runs, links and the synced
 * invoices stay (history), and nothing is changed in the PSA.
 */
export async function clearCustomerMapping(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  tenantId: string,
  actor: string,
): Promise<CustomerView> {
  const customer = await getCustomer(deps, ws, target, tenantId);
  const existing = await getMapping(deps.pool, ws, target, customer.tenantId);
  if (existing) {
    await saveMapping(deps.pool, ws, target, {
      tenant_id: customer.tenantId,
      company_id: null,
      company_name: null,
      contract_id: null,
      contract_name: null,
      strategy: existing.strategy,
      sync_start: existing.sync_start,
      annual: { id: null, name: null },
      sync_on: false,
    });
    await recordAudit(deps.pool, {
      workspaceId: ws,
      actor,
      action: 'mapping.clear',
      targetType: 'customer',
      targetId: customer.tenantId,
      details: { target, companyId: existing.company_id, contractId: existing.contract_id },
    });
  }
  return getCustomer(deps, ws, target, customer.tenantId);
}

/**
 * Spec section 5 (a mapping never makes billsync change the PSA data it leaves): a customer moved to another
 * contract leaves its seats on the contract billsync wrote them to, which goes on billing them until it ends. The
 * move is refused while the two would bill the same days (the old contract has no end, or ends on or after the new
 * one's start), with what to do; allowed otherwise, with a warning that says from when the new one takes over.
 * A contract deleted in the PSA, or one that is not recurring (the annual one), bills nothing twice.
 */
async function checkContractMove(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  customer: CustomerView,
  contract: TargetContract,
  m: { contractId: string; annualContractId?: string | null | undefined },
  dir: TargetSnapshot,
): Promise<string[]> {
  const words = CONTRACT_WORDS[target];
  const label = TARGET_LABEL[target];
  const warnings: string[] = [];
  for (const written of await contractsWrittenFor(deps.pool, ws, target, customer.tenantId)) {
    if (written.contractId === contract.id || written.contractId === m.annualContractId) continue;
    const old = dir.contracts.find((c) => c.id === written.contractId);
    if (!old?.recurring) continue;
    if (old.endDate !== undefined && old.endDate < contract.startDate) {
      warnings.push(
        `${old.name} ended on ${formatDayMonthYear(old.endDate)}: billsync now writes ${customer.name}'s seats to ${contract.name} from its start on ${formatDayMonthYear(contract.startDate)} (changes dated before it are moved to that day) and no longer to ${old.name}`,
      );
      continue;
    }
    const through = written.lastDay ? ` (through ${formatDayMonthYear(written.lastDay)})` : '';
    const bills = old.endDate ? `until it ends on ${formatDayMonthYear(old.endDate)}` : 'with no end date';
    throw new AppError(
      'validation_failed',
      `${customer.name}'s seats are on ${words.one} ${old.name}: billsync wrote them there${through}, and it goes on billing them ${bills}. ${words.title} ${contract.name} starts on ${formatDayMonthYear(contract.startDate)}: both would bill the same days. End ${old.name} in ${label} on the day before ${contract.name} should take over (or choose a ${words.one} that starts after ${old.name} ends), then save again. billsync never changes ${old.name} itself.`,
    );
  }
  return warnings;
}
