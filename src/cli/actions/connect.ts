import type { Command } from 'commander';
import { allowLocalPsa, checkVendorUrl } from '../../http';
import { connectTarget, statusInWords } from '../../services/sync';
import { CliExit, usage } from '../exit';
import { output } from '../output';
import { withSync } from '../sync-context';

export interface ConnectAutotaskOptions {
  username: string;
  secret?: string;
  integrationCode: string;
  zoneUrl?: string;
  workspace?: string;
}

/** The zone URL by the URL policy (docs/url-policy.md): https on *.autotask.net (loopback for the sandbox). */
function checkUrl(value: string | undefined): void {
  if (value === undefined) return;
  const checked = checkVendorUrl('autotask', value, { allowLocal: allowLocalPsa() });
  if (!checked.ok) throw usage(`--zone-url ${JSON.stringify(value)} is not allowed: ${checked.problem}`);
}

/** Saves the Autotask credentials (encrypted), tests them and says how it went. */
export async function connectAutotask(opts: ConnectAutotaskOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const secret = opts.secret ?? process.env.AUTOTASK_SECRET;
  if (!secret) throw usage('--secret is required (or set AUTOTASK_SECRET)');
  checkUrl(opts.zoneUrl);
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
