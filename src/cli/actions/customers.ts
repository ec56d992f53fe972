import type { Command } from 'commander';
import { PRICING_STRATEGIES } from '../../core/planner/types';
import { CUSTOMER_SORTS } from '../../db/repos/customer-list';
import {
  type CustomerView,
  clearCustomerMapping,
  listCustomers,
  saveCustomerMapping,
} from '../../services/sync';
import { parseChoice, parseCount, parseOnOff } from '../exit';
import { output, table } from '../output';
import { STATUS_WORDS } from '../run-output';
import { parseDateOption, parseTarget, withCustomer, withSync } from '../sync-context';

export interface CustomersOptions {
  target: string;
  search?: string;
  sort: string;
  order: string;
  mapped?: string;
  limit?: string;
  offset?: string;
  suggest: boolean;
  workspace?: string;
}

const day = (iso: string | null) => iso?.slice(0, 10) ?? '';

export function customersTable(items: readonly CustomerView[]): string {
  if (items.length === 0)
    return 'No customers: import the Microsoft CSP data first (`billsync source pull` or `billsync import`).';
  return table(
    [
      'customer',
      'tenant',
      'domain',
      'PSA company',
      'contract',
      'strategy',
      'sync start',
      'sync',
      'last run',
      'last synced',
      'suggestion',
    ],
    items.map((c) => [
      c.name,
      c.tenantId,
      c.domain,
      c.companyName ?? c.companyId ?? '',
      c.contractName ?? c.contractId ?? '',
      c.strategy,
      c.syncStart,
      c.mapped ? (c.pausedReason ? 'paused' : c.syncOn ? (c.shadow ? 'on (shadow)' : 'on') : 'off') : '-',
      c.lastRun ? `${STATUS_WORDS[c.lastRun.status]} ${day(c.lastRun.at)}` : '',
      day(c.lastSyncedAt),
      c.suggestion ? `${c.suggestion.companyName} (${c.suggestion.companyId}, ${c.suggestion.reason})` : '',
    ]),
  );
}

export interface MapOptions {
  target: string;
  company: string;
  contract: string;
  strategy?: string;
  start?: string;
  sync: string;
  shadow?: string;
  billing?: string;
  annualContract?: string;
  workspace?: string;
}

/** `billsync customers`: the customers table. */
export async function customers(opts: CustomersOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const query = {
    sort: parseChoice('--sort', opts.sort, CUSTOMER_SORTS),
    order: parseChoice('--order', opts.order, ['asc', 'desc'] as const),
    ...(opts.search ? { search: opts.search } : {}),
    ...(opts.mapped !== undefined ? { mapped: parseOnOff('--mapped', opts.mapped) } : {}),
    limit: opts.limit !== undefined ? parseCount('--limit', opts.limit) : 1_000_000,
    offset: opts.offset !== undefined ? parseCount('--offset', opts.offset) : 0,
    suggest: opts.suggest,
  };
  const page = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    listCustomers(deps, ws, target, query),
  );
  if (page.suggestions.message) out.info(page.suggestions.message);
  out.result(
    page.items,
    () => `${customersTable(page.items)}\n${page.items.length} of ${page.total} customer(s)`,
  );
}

/** `billsync map`: maps a customer to a PSA company and contract. */
export async function mapCustomer(customer: string, opts: MapOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const syncStart = parseDateOption('--start', opts.start);
  const input = {
    companyId: opts.company,
    contractId: opts.contract,
    syncOn: parseOnOff('--sync', opts.sync),
    ...(opts.strategy ? { strategy: parseChoice('--strategy', opts.strategy, PRICING_STRATEGIES) } : {}),
    ...(syncStart ? { syncStart } : {}),
    ...(opts.shadow !== undefined ? { shadow: parseOnOff('--shadow', opts.shadow) } : {}),
    ...(opts.annualContract !== undefined
      ? { annualContractId: opts.annualContract.trim() === 'none' ? null : opts.annualContract.trim() }
      : {}),
    ...(opts.billing !== undefined
      ? { billing: parseChoice('--billing', opts.billing, ['arrears', 'advance'] as const) }
      : {}),
  };
  const saved = await withCustomer({ workspace: opts.workspace }, out, customer, ({ deps, ws, tenantId }) =>
    saveCustomerMapping(deps, ws, target, tenantId, input, 'cli'),
  );
  for (const w of saved.warnings) out.warn(w);
  const c = saved.customer;
  out.result(
    c,
    `Mapped ${c.name} to ${c.companyName ?? c.companyId} / ${c.contractName ?? c.contractId} (${c.strategy}, from ${c.syncStart}); sync ${c.syncOn ? 'on' : 'off'}${c.shadow ? '; shadow first sync' : ''}${c.billing === 'advance' ? '; billed in advance' : ''}${c.annualContractId ? `; annual subscriptions on ${c.annualContractName ?? c.annualContractId}` : ''}`,
  );
}

/** `billsync unmap`: clears a mapping. */
export async function unmapCustomer(
  customer: string,
  opts: { target: string; workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const c = await withCustomer({ workspace: opts.workspace }, out, customer, ({ deps, ws, tenantId }) =>
    clearCustomerMapping(deps, ws, target, tenantId, 'cli'),
  );
  out.result(c, `${c.name} is no longer mapped; its sync is off and its history is kept`);
}
