import type { Command } from 'commander';
import type { WorkspaceId } from '../../core/ids';
import { IntegrationError } from '../../core/integration-error';
import { type BillingPeriod, tryParseBillingPeriod } from '../../core/time';
import type { Pool } from '../../db/pool';
import { storeInvoice, upsertSourceCustomers } from '../../db/repos/source-data';
import { AppError } from '../../services/errors';
import {
  type ConnectionSettings,
  createPartnerCenterClient,
  type PullResult,
  type PullStore,
  pullFromPartnerCenter,
  resolveConnection,
} from '../../sources/partner-center/api';
import { withContext } from '../context';
import { output, table } from '../output';
import { resolveCliWorkspace, WORKSPACE_OPTION } from '../workspace-option';

interface PullOptions {
  since?: string;
  workspace?: string;
  authorityUrl?: string;
  apiUrl?: string;
  partnerApiUrl?: string;
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
  tokenEndpoint?: string;
}

/**
 * Connection settings: each flag, else its environment variable (PARTNER_CENTER_AUTHORITY_URL, _API_URL,
 * _PARTNER_API_URL, _TENANT_ID, _CLIENT_ID, _CLIENT_SECRET, _TOKEN_ENDPOINT, _REFRESH_TOKEN). Until the Microsoft
 * CSP source card stores them (encrypted) in the workspace, this is where `source pull` gets them.
 */
export function connectionSettings(opts: PullOptions, env: NodeJS.ProcessEnv): ConnectionSettings {
  return {
    authorityUrl: opts.authorityUrl ?? env.PARTNER_CENTER_AUTHORITY_URL,
    apiUrl: opts.apiUrl ?? env.PARTNER_CENTER_API_URL,
    partnerApiUrl: opts.partnerApiUrl ?? env.PARTNER_CENTER_PARTNER_API_URL,
    tenantId: opts.tenant ?? env.PARTNER_CENTER_TENANT_ID,
    clientId: opts.clientId ?? env.PARTNER_CENTER_CLIENT_ID,
    clientSecret: opts.clientSecret ?? env.PARTNER_CENTER_CLIENT_SECRET,
    tokenEndpoint: opts.tokenEndpoint ?? env.PARTNER_CENTER_TOKEN_ENDPOINT,
    refreshToken: env.PARTNER_CENTER_REFRESH_TOKEN,
  };
}

/** The pull's store: part A's repository functions of src/db/repos/source-data.ts. */
export function databaseStore(pool: Pool, ws: WorkspaceId): PullStore {
  return {
    upsertCustomers: (customers) => upsertSourceCustomers(pool, ws, customers),
    async storeInvoice(header, lines, usage) {
      const result = await storeInvoice(pool, ws, header, lines, usage);
      const parts = [result.lines?.counts, result.usage?.counts];
      const counts = { created: 0, updated: 0, unchanged: 0 };
      for (const c of parts) {
        if (!c) continue;
        counts.created += c.created;
        counts.updated += c.updated;
        counts.unchanged += c.unchanged;
      }
      return { status: result.status, counts };
    },
  };
}

function humanSummary(r: PullResult): string {
  const rows = r.invoices.map((i) => [
    i.id,
    i.billingPeriod,
    i.status,
    i.counts.created,
    i.counts.updated,
    i.counts.unchanged,
  ]);
  const lines = [
    `Customers: ${r.customers.created} new, ${r.customers.updated} changed, ${r.customers.unchanged} unchanged`,
    rows.length > 0
      ? table(['Invoice', 'Period', 'Status', 'Created', 'Updated', 'Unchanged'], rows)
      : 'No invoices.',
    `Total rows: ${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged`,
  ];
  for (const e of r.errors)
    lines.push(`error (${e.stage}${e.invoiceId ? ` ${e.invoiceId}` : ''}): ${e.message}`);
  return lines.join('\n');
}

/** `billsync source ...`: reading Microsoft CSP data from Partner Center (the API or its emulator). */
export function registerSource(program: Command): void {
  const source = program.command('source').description('Microsoft CSP source data (Partner Center)');
  source
    .command('pull')
    .description(
      'read customers, invoices and their line items from the Partner Center API (or its emulator) and store them',
    )
    .option('--since <YYYY-MM>', 'only invoices of this billing period and later')
    .option(...WORKSPACE_OPTION)
    .option(
      '--authority-url <url>',
      'Entra ID authority (env PARTNER_CENTER_AUTHORITY_URL; default https://login.microsoftonline.com)',
    )
    .option(
      '--api-url <url>',
      'Partner Center API (env PARTNER_CENTER_API_URL; default https://api.partnercenter.microsoft.com)',
    )
    .option(
      '--partner-api-url <url>',
      "price-sheet API (env PARTNER_CENTER_PARTNER_API_URL; default: --api-url when it is not Microsoft's)",
    )
    .option('--tenant <id>', 'partner tenant id (env PARTNER_CENTER_TENANT_ID)')
    .option('--client-id <id>', 'app (client) id (env PARTNER_CENTER_CLIENT_ID)')
    .option(
      '--client-secret <secret>',
      'app secret (env PARTNER_CENTER_CLIENT_SECRET; prefer the variable: flags show in ps)',
    )
    .option(
      '--token-endpoint <v1|v2>',
      'token endpoint version (env PARTNER_CENTER_TOKEN_ENDPOINT; default v2)',
    )
    .action(async (opts: PullOptions, cmd: Command) => {
      const out = output(Boolean(cmd.optsWithGlobals().json));
      let since: BillingPeriod | undefined;
      if (opts.since !== undefined) {
        since = tryParseBillingPeriod(opts.since);
        if (!since)
          throw new AppError('bad_request', `--since: not a billing period (YYYY-MM): "${opts.since}"`);
      }
      const conn = resolveConnection(connectionSettings(opts, process.env));
      if (!conn.ok)
        throw new AppError('bad_request', `Partner Center connection: ${conn.problems.join('; ')}`);
      const client = createPartnerCenterClient({ connection: conn.value });
      const result = await withContext(async ({ db }) => {
        const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
        out.info(`Pulling from ${conn.value.apiUrl}${since ? ` (invoices from ${since})` : ''}...`);
        try {
          return await pullFromPartnerCenter(client, databaseStore(db.pool, ws), {
            ...(since ? { since } : {}),
            onProgress: out.info,
          });
        } catch (error) {
          if (error instanceof IntegrationError)
            throw new AppError('integration_failed', error.message, error.toJSON());
          throw error;
        }
      });
      out.result(
        {
          created: result.created,
          updated: result.updated,
          unchanged: result.unchanged,
          errors: result.errors,
        },
        () => humanSummary(result),
      );
      // Exit 2 ("finished with issues"): some invoices could not be read; the others are stored.
      if (result.errors.length > 0) {
        cmd.error(`billsync: ${result.errors.length} part(s) could not be pulled (see errors)`, {
          exitCode: 2,
          code: 'billsync.source.partial',
        });
      }
    });
}
