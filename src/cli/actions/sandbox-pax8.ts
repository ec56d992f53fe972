import type { Command } from 'commander';
import { createClock, readJsonFile } from '../../../emulators/kit';
import { createPax8Emulator, PARTNER_AUDIENCE, type Pax8Seed, parseSeed } from '../../../emulators/pax8';
import { output } from '../output';
import { untilStopped } from '../until-stopped';

export interface SandboxPax8Options {
  port: string;
  seed: string;
  host: string;
  now?: string;
}

/** Runs the Pax8 Partner API emulator until SIGINT/SIGTERM. The only place in src/ that may import emulators/ is src/cli. */
export async function sandboxPax8(opts: SandboxPax8Options, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port: not a port number: ${opts.port}`);
  // The demo is generated against the clock's today, so it is resolved by the emulator, not here.
  const seed: Pax8Seed | 'demo' =
    opts.seed === '' || opts.seed === 'demo' ? 'demo' : parseSeed(readJsonFile(opts.seed) as Pax8Seed);
  const clock = opts.now ? createClock({ start: opts.now, ticking: true }) : createClock();
  const emulator = createPax8Emulator({ seed, clock });
  const base = await emulator.listen(port, opts.host);
  const credentials = emulator.ctx.seed.credentials[0] ?? null;
  out.result(
    {
      baseUrl: base,
      apiUrl: `${base}/v1`,
      tokenUrl: `${base}/v1/token`,
      audience: PARTNER_AUDIENCE,
      admin: `${base}/_emulator`,
      credentials,
      today: emulator.clock.today(),
    },
    () =>
      [
        `Pax8 Partner API emulator listening on ${base}`,
        `  REST API:      ${base}/v1/ (companies, products, subscriptions, invoices, usage-summaries)`,
        `  token:         POST ${base}/v1/token (also /oauth/token), audience ${PARTNER_AUDIENCE}`,
        `  admin API:     ${base}/_emulator/state`,
        `  clock today:   ${emulator.clock.today()} (seed: ${opts.seed})`,
        ...(credentials
          ? [`  client id:     ${credentials.clientId}`, `  client secret: ${credentials.clientSecret}`]
          : ['  (the seed has no credentials)']),
        'Press Ctrl+C to stop.',
      ].join('\n'),
  );
  await untilStopped();
  out.info('Stopping the Pax8 emulator...');
  await emulator.close();
}
