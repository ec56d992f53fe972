import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  createConnectWiseEmulator,
  loadDemoSeed,
  parseSeed,
  selfSignedCertificate,
} from '../../../emulators/connectwise';
import { createClock, resolveSeedArg } from '../../../emulators/kit';
import { output } from '../output';
import { untilStopped } from '../until-stopped';

export interface SandboxConnectWiseOptions {
  port: string;
  seed: string;
  host: string;
  now?: string;
  tls?: boolean;
}

/** Runs the ConnectWise PSA emulator until SIGINT/SIGTERM. The only place in src/ that may import emulators/ is src/cli. */
export async function sandboxConnectWise(opts: SandboxConnectWiseOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port: not a port number: ${opts.port}`);
  const seed = resolveSeedArg(opts.seed, { demo: loadDemoSeed, parse: parseSeed });
  const clock = opts.now ? createClock({ start: opts.now, ticking: true }) : createClock();
  // ConnectWise serves HTTPS only; --tls does too, with a throwaway certificate clients must be told to trust.
  const tls = opts.tls ? selfSignedCertificate() : undefined;
  const certFile = tls ? join(tmpdir(), `billsync-connectwise-${process.pid}.pem`) : undefined;
  if (tls && certFile) writeFileSync(certFile, tls.cert);
  const emulator = createConnectWiseEmulator({ seed, clock, ...(tls ? { tls } : {}) });
  const base = await emulator.listen(port, opts.host);
  const { tenant } = emulator.state;
  const member = emulator.state.apiMembers[0];
  out.result(
    {
      baseUrl: base,
      apiUrl: `${base}/v4_6_release/apis/3.0`,
      companyInfo: `${base}/login/companyinfo/${encodeURIComponent(tenant.companyId)}`,
      admin: `${base}/_emulator`,
      credentials: member
        ? {
            companyId: tenant.companyId,
            publicKey: member.publicKey,
            privateKey: member.privateKey,
            clientId: 'any',
          }
        : null,
      certificate: certFile ?? null,
      today: emulator.clock.today(),
    },
    () =>
      [
        `ConnectWise PSA emulator listening on ${base}`,
        `  REST API:     ${base}/v4_6_release/apis/3.0/ (also /${tenant.codebase}apis/3.0/)`,
        `  codebase:     ${base}/login/companyinfo/${tenant.companyId}`,
        `  admin API:    ${base}/_emulator/state`,
        `  clock today:  ${emulator.clock.today()} (seed: ${opts.seed})`,
        ...(member
          ? [
              `  company id:   ${tenant.companyId}`,
              `  public key:   ${member.publicKey}`,
              `  private key:  ${member.privateKey}`,
              '  clientId:     any value (the header is required)',
            ]
          : ['  (the seed has no API members)']),
        ...(certFile ? [`  certificate:  ${certFile} (trust it, e.g. NODE_EXTRA_CA_CERTS=${certFile})`] : []),
        'Press Ctrl+C to stop.',
      ].join('\n'),
  );
  await untilStopped();
  out.info('Stopping the ConnectWise emulator...');
  await emulator.close();
  if (certFile) rmSync(certFile, { force: true });
}
