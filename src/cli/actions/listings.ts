import type { Command } from 'commander';
import type { RunStatus } from '../../db/repos/runs';
import { listUsers, userView } from '../../db/repos/users';
import { listConnectionViews } from '../../services/connections';
import { dashboardOverview } from '../../services/reports/dashboard';
import { importHistory } from '../../services/sources/import-history';
import { resolveCustomerRef } from '../../services/sync';
import { checkContract } from '../../services/sync/contract-check';
import { getCustomerInvoices } from '../../services/sync/customers';
import { listCompanies, listCompanyContracts } from '../../services/sync/directory';
import { CONTRACT_WORDS, TARGET_LABEL } from '../../services/sync/psa';
import { confirmSuggestions, reviewSuggestions } from '../../services/sync/suggestions';
import { withContext } from '../context';
import { parseCount, parseOnOff, usage } from '../exit';
import { output, table } from '../output';
import { STATUS_WORDS } from '../run-output';
import { parseTarget, withCustomer, withSync } from '../sync-context';
import { resolveCliWorkspace } from '../workspace-option';

/*
 * Listings the web app shows, for the command line (spec section 9: a CLI for everything the UI does). Each prints
 * what the matching API route answers (`--json`), or a table.
 */

/** `billsync user list`: GET /api/users. */
export async function userList(opts: { workspace?: string }, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const users = await withContext(async ({ db }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
    return (await listUsers(db.pool, ws)).map(userView);
  });
  out.result({ items: users }, () =>
    table(
      ['EMAIL', 'ROLE', 'CREATED', 'LAST SIGN-IN'],
      users.map((u) => [u.email, u.role, u.createdAt.slice(0, 16), u.lastLoginAt?.slice(0, 16) ?? 'never']),
    ),
  );
}

/** `billsync connections`: GET /api/connections (secrets only as "set" / "not set"). */
export async function connectionList(opts: { workspace?: string }, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const items = await withContext(async ({ db }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
    return listConnectionViews(db.pool, ws);
  });
  out.result({ items }, () =>
    items.length
      ? table(
          ['KIND', 'STATUS', 'CREDENTIALS', 'CHECKED', 'MESSAGE'],
          items.map((c) => [
            c.kind,
            c.status,
            c.credentials,
            c.checkedAt?.slice(0, 16) ?? '',
            c.statusMessage ?? '',
          ]),
        )
      : 'No connections yet: `billsync connect autotask|connectwise|pax8` saves one.',
  );
}

/** `billsync imports`: GET /api/sources/imports, newest first (uploads and the CLI's imports). */
export async function importList(
  opts: { workspace?: string; limit: string; offset: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const page = {
    limit: Math.min(200, Math.max(1, parseCount('--limit', opts.limit))),
    offset: parseCount('--offset', opts.offset),
  };
  const history = await withContext(async ({ db }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
    return importHistory(db.pool, ws, page);
  });
  out.result(history, () =>
    history.items.length
      ? table(
          ['WHEN', 'BY', 'FILE', 'KIND', 'INVOICE', 'OUTCOME'],
          history.items.map((i) => [
            i.at.slice(0, 16),
            i.by?.email ?? 'cli',
            i.fileName,
            i.kind ?? '',
            i.invoiceId ?? '',
            i.outcome === 'stored' ? (i.status ?? 'stored') : `failed: ${i.error?.message ?? ''}`,
          ]),
        ) + (history.total > page.offset + history.items.length ? '\n(more: use --offset)' : '')
      : 'No file imported yet.',
  );
}

/** `billsync companies`: GET /api/psa/{target}/companies (the mapping dialog's company search). */
export async function companyList(
  opts: { target: string; search?: string; limit: string; workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const limit = parseCount('--limit', opts.limit);
  if (limit < 1 || limit > 1000) throw usage(`--limit must be 1 to 1000, not "${opts.limit}"`);
  const page = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    listCompanies(deps, ws, target, { search: opts.search, limit }),
  );
  out.result(page, () =>
    page.items.length
      ? table(
          ['ID', 'COMPANY'],
          page.items.map((c) => [c.id, c.name]),
        ) + (page.total > page.items.length ? `\n(${page.total} in all: narrow with --search)` : '')
      : `No company matches${opts.search ? ` "${opts.search}"` : ''}.`,
  );
}

/** `billsync contracts COMPANY_ID`: GET /api/psa/{target}/companies/{id}/contracts (what can be mapped). */
export async function contractList(
  companyId: string,
  opts: { target: string; annual?: boolean; workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const list = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    listCompanyContracts(deps, ws, target, companyId.trim(), undefined, opts.annual ? 'annual' : 'recurring'),
  );
  const words = CONTRACT_WORDS[target];
  out.result(list, () =>
    [
      list.items.length
        ? table(
            ['ID', words.one.toUpperCase(), 'START', 'END'],
            list.items.map((c) => [c.id, c.name, c.startDate, c.endDate ?? '']),
          )
        : `${list.company.name} has no ${words.one} that can be mapped.`,
      ...(list.hidden.count ? [`(${list.hidden.count} hidden: ${list.hidden.reason ?? ''})`] : []),
    ].join('\n'),
  );
}

/**
 * `billsync invoices CUSTOMER`: GET /api/customers/{id}/invoices, the imported invoices that bill a customer with
 * whether each was synced (what the mapping dialog's sync start hint reads).
 */
export async function customerInvoiceList(
  customer: string,
  opts: { target: string; workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const list = await withCustomer({ workspace: opts.workspace }, out, customer, ({ deps, ws, tenantId }) =>
    getCustomerInvoices(deps, ws, target, tenantId),
  );
  out.result(list, () =>
    [
      `Sync start: ${list.syncStart ?? 'not mapped'}`,
      list.items.length
        ? table(
            ['INVOICE', 'PERIOD', 'ISSUED', 'CURRENCY', 'SYNCED'],
            list.items.map((i) => [i.id, i.billingPeriod, i.issueDate, i.currency, i.synced ? 'yes' : 'no']),
          )
        : 'No imported invoice bills this customer.',
    ].join('\n'),
  );
}

/**
 * `billsync contract-check CUSTOMER --contract ID`: GET /api/customers/{id}/contract-check, whether the contract
 * already bills one of the customer's invoiced offers (then map with `--shadow on`: the cutover never double
 * charges).
 */
export async function contractCheck(
  customer: string,
  opts: { contract: string; target: string; workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const check = await withCustomer({ workspace: opts.workspace }, out, customer, ({ deps, ws, tenantId }) =>
    checkContract(deps, ws, target, tenantId, opts.contract),
  );
  out.result(check, () =>
    check.billsCustomerOffers
      ? [
          `Contract ${check.contractId} already bills the customer's offers:`,
          table(
            ['PRODUCT', 'UNITS'],
            check.lines.map((l) => [l.productName, l.units]),
          ),
          'Map it with `--shadow on`: the first sync is compared with what the PSA bills and written only once applied.',
        ].join('\n')
      : `Contract ${check.contractId} bills none of the customer's offers yet: a plain first sync adds them.`,
  );
}

/**
 * `billsync suggestions [--confirm all|CUSTOMER,...] [--sync on|off]`: the review of "Confirm suggested matches"
 * (GET /api/customers/suggestions), and with --confirm the confirmation of several at once (POST
 * /api/customers/suggestions/confirm): each chosen customer is mapped to its suggested company's only mappable
 * contract, or skipped with the reason.
 */
export async function suggestions(
  opts: { confirm?: string; sync: string; target: string; workspace?: string },
  cmd: Command,
): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const syncOn = parseOnOff('--sync', opts.sync);
  const confirm = opts.confirm?.trim();
  if (confirm === '')
    throw usage('--confirm needs "all" or customers (tenant id, name or domain, comma-separated)');
  if (confirm === undefined) {
    const review = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
      reviewSuggestions(deps, ws, target),
    );
    out.result(review, () =>
      review.available
        ? review.items.length
          ? [
              table(
                ['CUSTOMER', 'SUGGESTED COMPANY', 'CONTRACT', 'NOTE'],
                review.items.map((i) => [
                  i.name,
                  i.suggestion.companyName,
                  i.contract?.name ?? '',
                  i.note ?? '',
                ]),
              ),
              'Confirm with `billsync suggestions --confirm all` (or --confirm CUSTOMER,...); add `--sync on` to switch their sync on.',
            ].join('\n')
          : 'No unmapped customer has a suggested company.'
        : (review.message ?? 'No suggestions'),
    );
    return;
  }
  const result = await withSync({ workspace: opts.workspace }, out, async ({ deps, ws, pool }) => {
    const tenantIds =
      confirm.toLowerCase() === 'all'
        ? (await reviewSuggestions(deps, ws, target)).items.map((i) => i.tenantId)
        : await Promise.all(
            confirm
              .split(',')
              .map((c) => c.trim())
              .filter(Boolean)
              .map(async (c) => (await resolveCustomerRef(pool, ws, c)).tenantId),
          );
    if (tenantIds.length === 0) return { confirmed: [], skipped: [] };
    return confirmSuggestions(deps, ws, target, { tenantIds, syncOn }, 'cli');
  });
  for (const s of result.skipped) out.warn(`${s.name}: not mapped: ${s.reason}`);
  out.result(result, () =>
    [
      ...result.confirmed.map(
        (c) =>
          `Mapped ${c.name} to ${c.companyName ?? c.companyId} / ${c.contractName ?? c.contractId}; sync ${c.syncOn ? 'on' : 'off'}`,
      ),
      `${result.confirmed.length} confirmed, ${result.skipped.length} skipped`,
    ].join('\n'),
  );
}

/**
 * `billsync overview`: GET /api/reports/overview, the dashboard's cards: the customers' syncs (mapped, sync on,
 * the last successful one, the latest runs by status), the products' sync and what the source holds.
 */
export async function overview(opts: { target: string; workspace?: string }, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const view = await withContext(async ({ db }) =>
    dashboardOverview(db.pool, await resolveCliWorkspace(db.pool, opts.workspace, out.info), target),
  );
  const at = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : 'never');
  const c = view.customers;
  const latest = Object.entries(c.latest)
    .map(([status, n]) => `${n} ${STATUS_WORDS[status as RunStatus] ?? status}`)
    .join(', ');
  const p = view.products;
  const src = view.source;
  out.result(view, () =>
    [
      `Customers (${TARGET_LABEL[target]}): ${c.total} known, ${c.mapped} mapped, ${c.syncOn} with sync on`,
      `  last successful sync: ${at(c.lastSuccessAt)}; latest runs (${at(c.latestAt)}): ${latest || 'none'}`,
      `Products: last successful sync ${at(p.lastSuccessAt)}${p.latestRun ? `; latest run ${p.latestRun.status} (${at(p.latestRun.startedAt)})` : '; never run'}`,
      `Source: ${src.customers} customer(s), ${src.invoices} invoice(s)${src.latestPeriod ? ` up to ${src.latestPeriod}` : ''}, ${src.priceListEntries} price-list entries; last import ${at(src.lastImportAt)}`,
      ...src.imports.map((i) => `  ${i.kind}: ${i.files} file(s), last ${at(i.lastAt)}`),
    ].join('\n'),
  );
}
