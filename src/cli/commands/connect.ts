import type { Command } from 'commander';
import { allowLocalPsa, checkVendorUrl } from '../../http';
import { connectTarget, statusInWords } from '../../services/sync';
import { CliExit, usage } from '../exit';
import { output } from '../output';
import { withSync } from '../sync-context';
import { WORKSPACE_OPTION } from '../workspace-option';

interface ConnectAutotaskOptions {
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

/** `billsync connect autotask`: saves the PSA credentials (encrypted), tests them and says how it went. */
export function registerConnect(program: Command): void {
  const connect = program.command('connect').description('connect a PSA: save its credentials and test them');
  connect
    .command('autotask')
    .description('connect Autotask (API-only user); exit 1 when the test fails (the connection stays saved)')
    .requiredOption('--username <user>', 'the API user name (its zone is discovered from it)')
    .option('--secret <secret>', "the API user's secret (default: env AUTOTASK_SECRET)")
    .requiredOption('--integration-code <code>', 'the API tracking identifier (integration code)')
    .option('--zone-url <url>', 'the zone URL (https on *.autotask.net), to skip zone discovery')
    .option(...WORKSPACE_OPTION)
    .action(async (opts: ConnectAutotaskOptions, cmd: Command) => {
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
        throw new CliExit(
          1,
          'the connection is saved but does not work: fix the credentials and connect again',
          {
            afterOutput: true,
          },
        );
      }
    });
}
