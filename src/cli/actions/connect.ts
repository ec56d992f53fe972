import type { Command } from 'commander';
import { allowLocalPsa, checkVendorUrl } from '../../http';
import { systemClock } from '../../runtime/system-clock';
import { connectPax8 as connectPax8Source } from '../../services/pax8/connect';
import { connectTarget, statusInWords, testTargetConnection } from '../../services/sync';
import { TARGET_LABEL } from '../../services/sync/psa';
import { checkPax8Url } from '../../sources/pax8';
import { withContext } from '../context';
import { CliExit, usage } from '../exit';
import { output } from '../output';
import { parseTarget, withSync } from '../sync-context';
import { resolveCliWorkspace } from '../workspace-option';

export interface ConnectAutotaskOptions {
  username: string;
  secret?: string;
  integrationCode: string;
  zoneUrl?: string;
  workspace?: string;
}

export interface ConnectConnectWiseOptions {
  site: string;
  company: string;
  publicKey: string;
  privateKey?: string;
  workspace?: string;
}

export interface ConnectPax8Options {
  clientId: string;
  clientSecret?: string;
  apiUrl?: string;
  tokenUrl?: string;
  workspace?: string;
}

/**
 * A PSA URL by the URL policy (docs/url-policy.md): https on *.autotask.net / *.myconnectwise.net (loopback for
 * the sandbox). A ConnectWise site may be given as a bare host.
 */
function checkUrl(vendor: 'autotask' | 'connectwise', flag: string, value: string | undefined): void {
  if (value === undefined) return;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  const checked = checkVendorUrl(vendor, url, { allowLocal: allowLocalPsa() });
  if (!checked.ok) throw usage(`${flag} ${JSON.stringify(value)} is not allowed: ${checked.problem}`);
}

/** Saves the Autotask credentials (encrypted), tests them and says how it went. */
export async function connectAutotask(opts: ConnectAutotaskOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const secret = opts.secret ?? process.env.AUTOTASK_SECRET;
  if (!secret) throw usage('--secret is required (or set AUTOTASK_SECRET)');
  checkUrl('autotask', '--zone-url', opts.zoneUrl);
  const tested = await withSync({ workspace: opts.workspace }, out, ({ deps, ws, box }) =>
    connectTarget(deps, box, {
      workspaceId: ws,
      kind: 'autotask',
      settings: { username: opts.username, ...(opts.zoneUrl ? { zoneUrl: opts.zoneUrl } : {}) },
      secrets: { secret, integrationCode: opts.integrationCode },
      actor: 'cli',
    }),
  );
  out.result(
    { ok: tested.ok, status: tested.status, message: tested.message, connection: tested.connection },
    `Autotask: ${statusInWords(tested)}${tested.status === 'needs_setup' ? '\nNext: `billsync program options`, then `billsync program set`' : ''}`,
  );
  if (!tested.ok) {
    throw new CliExit(1, 'the connection is saved but does not work: fix the credentials and connect again', {
      afterOutput: true,
    });
  }
}

/** Saves the ConnectWise credentials (encrypted), tests them and says how it went (decision 0012). */
export async function connectConnectWise(opts: ConnectConnectWiseOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const privateKey = opts.privateKey ?? process.env.CONNECTWISE_PRIVATE_KEY;
  if (!privateKey) throw usage('--private-key is required (or set CONNECTWISE_PRIVATE_KEY)');
  checkUrl('connectwise', '--site', opts.site);
  const tested = await withSync({ workspace: opts.workspace }, out, ({ deps, ws, box }) =>
    connectTarget(deps, box, {
      workspaceId: ws,
      kind: 'connectwise',
      settings: { site: opts.site, companyId: opts.company, publicKey: opts.publicKey },
      secrets: { privateKey },
      actor: 'cli',
    }),
  );
  out.result(
    { ok: tested.ok, status: tested.status, message: tested.message, connection: tested.connection },
    `ConnectWise: ${statusInWords(tested)}${tested.status === 'needs_setup' ? '\nNext: `billsync program options --target connectwise`, then `billsync program set --target connectwise`' : ''}`,
  );
  if (!tested.ok) {
    throw new CliExit(1, 'the connection is saved but does not work: fix the credentials and connect again', {
      afterOutput: true,
    });
  }
}

/**
 * Saves the Pax8 credentials (the secret encrypted) as the workspace's source, tests them and says how it went.
 * Refused when the workspace's source is Microsoft's (one source per program, issue 18).
 */
export async function connectPax8(opts: ConnectPax8Options, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const clientSecret = opts.clientSecret ?? process.env.PAX8_CLIENT_SECRET;
  if (!clientSecret) throw usage('--client-secret is required (or set PAX8_CLIENT_SECRET)');
  for (const [flag, value] of [
    ['--api-url', opts.apiUrl],
    ['--token-url', opts.tokenUrl],
  ] as const) {
    const problem = value === undefined ? undefined : checkPax8Url(value, allowLocalPsa());
    if (problem) throw usage(`${flag} ${JSON.stringify(value)} is not allowed: ${problem}`);
  }
  const tested = await withContext(async ({ db, box }) => {
    const ws = await resolveCliWorkspace(db.pool, opts.workspace, out.info, { createIfNone: true });
    return connectPax8Source(
      { pool: db.pool, box, clock: systemClock },
      {
        workspaceId: ws,
        settings: {
          clientId: opts.clientId,
          ...(opts.apiUrl ? { apiUrl: opts.apiUrl } : {}),
          ...(opts.tokenUrl ? { tokenUrl: opts.tokenUrl } : {}),
        },
        secrets: { clientSecret },
        actor: 'cli',
      },
    );
  });
  out.result(
    { ok: tested.ok, status: tested.status, message: tested.message, connection: tested.connection },
    `Pax8: ${statusInWords(tested)}${tested.ok ? '\nNext: `billsync source pull --source pax8`' : ''}`,
  );
  if (!tested.ok) {
    throw new CliExit(1, 'the connection is saved but does not work: fix the credentials and connect again', {
      afterOutput: true,
    });
  }
}

/** `billsync connect test`: tests the saved connection again (the Connections page's Test), nothing changed. */
export async function connectTest(opts: { target: string; workspace?: string }, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const tested = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    testTargetConnection(deps, ws, target, 'cli'),
  );
  out.result(
    { ok: tested.ok, status: tested.status, message: tested.message, connection: tested.connection },
    `${TARGET_LABEL[target]}: ${statusInWords(tested)}`,
  );
  if (!tested.ok)
    throw new CliExit(1, 'the saved connection does not work: fix the credentials and connect again', {
      afterOutput: true,
    });
}
