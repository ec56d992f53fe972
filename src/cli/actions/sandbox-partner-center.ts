import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createClock } from '../../../emulators/kit';
import { createPartnerCenterEmulator } from '../../../emulators/partner-center';
import { AppError } from '../../services/errors';
import { output } from '../output';
import { untilStopped } from '../until-stopped';

export interface SandboxPartnerCenterOptions {
  port: string;
  seed?: string;
  host: string;
  now?: string;
}

/** Runs the Partner Center emulator seeded from a demo-data directory until SIGINT/SIGTERM. */
export async function sandboxPartnerCenter(opts: SandboxPartnerCenterOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new AppError('bad_request', `--port: not a port number: ${opts.port}`);
  if (opts.seed !== undefined && !existsSync(opts.seed)) {
    throw new AppError(
      'bad_request',
      `--seed: no directory ${opts.seed} (write one with \`billsync demo-data --out ${opts.seed}\`)`,
    );
  }
  const clock = opts.now ? createClock({ start: opts.now, ticking: true }) : createClock();
  const emulator = createPartnerCenterEmulator({ ...(opts.seed ? { seedDir: opts.seed } : {}), clock });
  const base = await emulator.listen(port, opts.host);
  const c = emulator.credentials;
  const env = {
    // The emulator is on loopback: the URL policy allows that only with this (docs/url-policy.md).
    BILLSYNC_ALLOW_LOCAL_PSA: '1',
    PARTNER_CENTER_AUTHORITY_URL: base,
    PARTNER_CENTER_API_URL: base,
    PARTNER_CENTER_TENANT_ID: c.tenantId,
    PARTNER_CENTER_CLIENT_ID: c.clientId,
    PARTNER_CENTER_CLIENT_SECRET: c.clientSecret,
  };
  out.result(
    {
      baseUrl: base,
      tokenUrl: `${base}/${c.tenantId}/oauth2/v2.0/token`,
      apiUrl: `${base}/v1`,
      admin: `${base}/_emulator`,
      credentials: {
        tenantId: c.tenantId,
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        refreshToken: c.refreshToken,
      },
      env,
      today: emulator.clock.today(),
    },
    () =>
      [
        `Partner Center emulator listening on ${base}`,
        `  token:       POST ${base}/${c.tenantId}/oauth2/v2.0/token`,
        `  REST API:    ${base}/v1/ (customers, invoices, line items); price sheet ${base}/v1.0/sales/...`,
        `  admin API:   ${base}/_emulator/state`,
        `  clock today: ${emulator.clock.today()} (seed: ${opts.seed ?? 'none: nothing is served'})`,
        `  tenant id:     ${c.tenantId}`,
        `  client id:     ${c.clientId}`,
        `  client secret: ${c.clientSecret}`,
        'Pull from it in another shell:',
        ...Object.entries(env).map(([k, v]) => `  export ${k}=${v}`),
        '  billsync source pull',
        'Press Ctrl+C to stop.',
      ].join('\n'),
  );
  await untilStopped();
  out.info('Stopping the Partner Center emulator...');
  await emulator.close();
}
