import type { Command } from 'commander';
import { listUsers, userView } from '../../db/repos/users';
import { listConnectionViews } from '../../services/connections';
import { importHistory } from '../../services/sources/import-history';
import { resolveCustomerRef } from '../../services/sync';
import { getCustomerInvoices } from '../../services/sync/customers';
import { listCompanies, listCompanyContracts } from '../../services/sync/directory';
import { CONTRACT_WORDS } from '../../services/sync/psa';
import { withContext } from '../context';
import { parseCount, usage } from '../exit';
import { output, table } from '../output';
import { parseTarget, withSync } from '../sync-context';
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
  const list = await withSync({ workspace: opts.workspace }, out, async ({ deps, ws, pool }) => {
    const { tenantId } = await resolveCustomerRef(pool, ws, customer);
    return getCustomerInvoices(deps, ws, target, tenantId);
  });
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
