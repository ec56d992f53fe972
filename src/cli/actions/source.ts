import type { Command } from 'commander';
import type { WorkspaceId } from '../../core/ids';
import { IntegrationError } from '../../core/integration-error';
import { type BillingPeriod, tryParseBillingPeriod } from '../../core/time';
import { getConnectionByKind } from '../../db/repos/connections';
import { pullPlan } from '../../jobs/source-refresh';
import { systemClock } from '../../runtime/system-clock';
import { saveConnection } from '../../services/connections';
import { AppError } from '../../services/errors';
import { databaseStore, pullStoredSource } from '../../services/partner-center/pull-source';
import { sourceStatus } from '../../services/partner-center/status';
import { requireApiSource } from '../../services/partner-center/store';
import { testSource } from '../../services/partner-center/test-source';
import { assertMicrosoftAllowed } from '../../services/pax8/one-source';
import { type Pax8PullSummary, pullPax8Source } from '../../services/pax8/pull-source';
import {
  type ConnectionSettings,
  createPartnerCenterClient,
  type PullResult,
  pullFromPartnerCenter,
  resolveConnection,
} from '../../sources/partner-center/api';
import { type CliContext, withContext } from '../context';
import { CliExit, parseChoice } from '../exit';
import { output, table } from '../output';
import { resolveCliWorkspace } from '../workspace-option';

export interface PullOptions {
  source?: string;
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
 * _PARTNER_API_URL, _TENANT_ID, _CLIENT_ID, _CLIENT_SECRET, _TOKEN_ENDPOINT, _REFRESH_TOKEN). Without any of the
 * app's (tenant, client id, secret), `source pull` uses the workspace's stored source (the Microsoft CSP card).
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

/** `source pull` of the workspace's stored source: consent renewal, invoices and the price sheet, like Pull now. */
async function pullStored(
  workspace: string | undefined,
  since: BillingPeriod | undefined,
  out: ReturnType<typeof output>,
  cmd: Command,
): Promise<void> {
  const totals = await withContext(async ({ db, box }) => {
    const ws = await resolveCliWorkspace(db.pool, workspace, out.info);
    const loaded = await requireApiSource(db.pool, box, ws);
    const plan = await pullPlan(db.pool, ws, systemClock);
    out.info(`Pulling the workspace's Partner Center source (invoices from ${since ?? plan.since})...`);
    const deps = { pool: db.pool, box, clock: systemClock, log: out.info };
    return pullStoredSource(deps, loaded, { ...plan, ...(since ? { since } : {}) });
  });
  const { readSomething: _, ...result } = totals;
  out.result(result, () =>
    [
      `Invoices: ${result.invoicesPulled} new or corrected`,
      `Price list: ${result.priceEntries ?? 'not read'}${result.pricesChanged ? ' (changed)' : ''}`,
      ...result.errors.map((e) => `error: ${e}`),
    ].join('\n'),
  );
  if (result.errors.length > 0)
    cmd.error(`billsync: ${result.errors.length} part(s) could not be pulled (see errors)`, {
      exitCode: 2,
      code: 'billsync.source.partial',
    });
}

/** Whether the workspace's connected source is Pax8 (`source pull` without `--source` then pulls it). */
async function workspaceSourceIsPax8(workspace: string | undefined) {
  return withContext(async ({ db }) => {
    const ws = await resolveCliWorkspace(db.pool, workspace, () => {});
    const res = await db.pool.query(`select 1 from connections where workspace_id = $1 and kind = 'pax8'`, [
      ws,
    ]);
    return (res.rowCount ?? 0) > 0;
  });
}

function pax8Text(r: Pax8PullSummary): string {
  const rows = r.invoices.map((i) => [i.id, i.billingPeriod, i.status, i.lines]);
  return [
    `Customers: ${r.customers.read} read (${r.customers.created} new, ${r.customers.updated} changed, ${r.customers.unchanged} unchanged)`,
    `Price list: ${r.priceList.entries} entries (${r.priceList.created} new, ${r.priceList.updated} changed, ${r.priceList.unchanged} unchanged)`,
    rows.length > 0 ? table(['Invoice', 'Period', 'Status', 'Lines'], rows) : 'No invoices.',
    `Withdrawn (credited or void, removed): ${r.withdrawn.length ? r.withdrawn.join(', ') : 'none'}`,
    ...(r.linesWithoutCompany ? [`Lines without a Pax8 company (not stored): ${r.linesWithoutCompany}`] : []),
    `Seat disagreements: ${r.disagreements.length || 'none'}`,
    ...r.disagreements.map((d) => `warning: ${d}`),
    ...r.errors.map((e) => `error: ${e}`),
  ].join('\n');
}

/** `source pull --source pax8`: the workspace's Pax8 connection, read and stored (services/pax8/pull-source.ts). */
async function pullPax8Cli(
  workspace: string | undefined,
  since: BillingPeriod | undefined,
  out: ReturnType<typeof output>,
  cmd: Command,
): Promise<void> {
  const result = await withContext(async ({ db, box }) => {
    const ws = await resolveCliWorkspace(db.pool, workspace, out.info);
    out.info(`Pulling the workspace's Pax8 source${since ? ` (invoices from ${since})` : ''}...`);
    return pullPax8Source({ pool: db.pool, box, clock: systemClock, log: out.info }, ws, {
      ...(since ? { since } : {}),
      onProgress: out.info,
    });
  });
  out.result(result, () => pax8Text(result));
  if (result.state === 'failed')
    cmd.error(`billsync: the Pax8 pull failed: ${result.errors[0] ?? 'see errors'}`, {
      exitCode: 1,
      code: 'billsync.source.failed',
    });
  if (result.errors.length > 0)
    cmd.error(`billsync: ${result.errors.length} part(s) could not be pulled (see errors)`, {
      exitCode: 2,
      code: 'billsync.source.partial',
    });
}

/** `billsync source status`: what the Microsoft CSP card shows (consent and its expiry, last and next pull). */
type SourceView = Awaited<ReturnType<typeof sourceStatus>>;

/** The Microsoft CSP card's status, from inside a CLI context. */
function cardStatus(
  { db, box, config }: Pick<CliContext, 'db' | 'box' | 'config'>,
  ws: WorkspaceId,
): Promise<SourceView> {
  const defaults = { hour: config.jobs.scheduleHour, timeZone: config.jobs.timeZone };
  const redirectUri = `${config.publicUrl}/api/connections/partner-center/consent/callback`;
  return sourceStatus({ pool: db.pool, box, clock: systemClock }, ws, {
    redirectUri,
    scheduleDefaults: defaults,
  });
}

function statusLines(view: SourceView): string[] {
  const c = view.consent;
  return [
    `Mode: ${view.settings.mode ?? 'not connected'}${view.settings.clientId ? ` (app ${view.settings.clientId}, tenant ${view.settings.tenantId})` : ''}`,
    `Status: ${view.connection?.status ?? 'none'}${view.connection?.statusMessage ? `: ${view.connection.statusMessage}` : ''}`,
    `App+User consent: ${c.state}${c.user ? ` by ${c.user}` : ''}${c.expiresAt ? `, valid until ${c.expiresAt.slice(0, 10)} (${c.daysLeft} days)` : ''}`,
    ...(c.warning ? [`warning: ${c.warning}`] : []),
    `Last pull: ${view.pull ? `${view.pull.state}${view.pull.step ? `, ${view.pull.step}` : ''}` : 'never'}`,
    ...(view.pull?.errors ?? []).map((e) => `error: ${e}`),
    `Next pull: ${view.nextPull.at ?? '-'} (${view.nextPull.note})`,
    `Redirect URI to register: ${view.redirectUri}`,
  ];
}

export async function showSourceStatus(opts: { workspace?: string }, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const view = await withContext(async (ctx) =>
    cardStatus(ctx, await resolveCliWorkspace(ctx.db.pool, opts.workspace, out.info)),
  );
  out.result(view, () => statusLines(view).join('\n'));
}

export interface ConnectPartnerCenterOptions {
  mode: string;
  tenant?: string;
  clientId?: string;
  clientSecret?: string;
  authorityUrl?: string;
  apiUrl?: string;
  workspace?: string;
}

const pick = (o: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]]));

/**
 * `billsync connect partner-center`: the Microsoft CSP source card's Save (the app's credentials, the secret
 * sealed; or "import files", which needs none), then in API mode its Test: the app's sign-in, then the App+User
 * consent, which only a browser can give (Connections page, Connect). Exit 1 when the app cannot sign in.
 */
export async function connectPartnerCenter(opts: ConnectPartnerCenterOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const mode = parseChoice('--mode', opts.mode, ['api', 'files'] as const);
  const clientSecret = opts.clientSecret ?? process.env.PARTNER_CENTER_CLIENT_SECRET;
  const given = {
    mode,
    ...(opts.tenant ? { tenantId: opts.tenant } : {}),
    ...(opts.clientId ? { clientId: opts.clientId } : {}),
    ...(opts.authorityUrl ? { authority: opts.authorityUrl } : {}),
    ...(opts.apiUrl ? { apiUrl: opts.apiUrl } : {}),
  };
  const done = await withContext(async (ctx) => {
    const ws = await resolveCliWorkspace(ctx.db.pool, opts.workspace, out.info, { createIfNone: true });
    // As the card's form: what a flag does not give keeps its stored value (switch the mode, rotate the secret).
    const stored = (await getConnectionByKind(ctx.db.pool, ws, 'partner-center'))?.settings ?? {};
    const settings = { ...pick(stored, ['tenantId', 'clientId', 'authority', 'apiUrl']), ...given };
    await saveConnection(ctx.db.pool, ctx.box, {
      workspaceId: ws,
      kind: 'partner-center',
      settings,
      ...(clientSecret ? { secrets: { clientSecret } } : {}),
      actor: 'cli',
    });
    const tested =
      mode === 'api'
        ? await testSource({ pool: ctx.db.pool, box: ctx.box, clock: systemClock }, ws, 'cli')
        : null;
    return { tested, source: await cardStatus(ctx, ws) };
  });
  const { tested, source } = done;
  out.result(
    { ok: tested?.ok ?? true, status: tested?.status ?? null, message: tested?.message ?? null, source },
    () =>
      [
        tested
          ? `Microsoft CSP (Partner Center): ${tested.message}`
          : 'Microsoft CSP: saved; the source is "import files" (`billsync import`, or Sources in the browser)',
        ...statusLines(source),
        ...(tested?.ok && source.consent.state !== 'connected'
          ? [
              'Next: register the redirect URI above in the app, then open Connections in the browser and click Connect (the App+User consent is a Microsoft sign-in)',
            ]
          : []),
      ].join('\n'),
  );
  if (tested && !tested.ok) {
    throw new CliExit(
      1,
      'the source is saved but the app cannot sign in: fix the credentials and connect again',
      {
        afterOutput: true,
      },
    );
  }
}

/** `billsync source pull`: from the app given by flags or environment, else the workspace's stored source. */
export async function pullSource(opts: PullOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  let since: BillingPeriod | undefined;
  if (opts.since !== undefined) {
    since = tryParseBillingPeriod(opts.since);
    if (!since) throw new AppError('bad_request', `--since: not a billing period (YYYY-MM): "${opts.since}"`);
  }
  const settings = connectionSettings(opts, process.env);
  const flags = Boolean(settings.tenantId || settings.clientId || settings.clientSecret);
  const chosen =
    opts.source === undefined
      ? undefined
      : parseChoice('--source', opts.source, ['partner-center', 'pax8'] as const);
  if (chosen === 'pax8' || (chosen === undefined && !flags && (await workspaceSourceIsPax8(opts.workspace))))
    return pullPax8Cli(opts.workspace, since, out, cmd);
  if (!flags) return pullStored(opts.workspace, since, out, cmd);
  const conn = resolveConnection(settings);
  if (!conn.ok) throw new AppError('bad_request', `Partner Center connection: ${conn.problems.join('; ')}`);
  const client = createPartnerCenterClient({ connection: conn.value });
  const result = await withContext(async ({ db }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info);
    await assertMicrosoftAllowed(db.pool, ws);
    out.info(`Pulling from ${conn.value.apiUrl}${since ? ` (invoices from ${since})` : ''}...`);
    try {
      return await pullFromPartnerCenter(client, databaseStore({ pool: db.pool }, ws), {
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
}
