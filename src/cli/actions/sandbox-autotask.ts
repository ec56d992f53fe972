import type { Command } from 'commander';
import { createAutotaskEmulator, loadDemoSeed, parseSeed } from '../../../emulators/autotask';
import { createClock, resolveSeedArg } from '../../../emulators/kit';
import { output } from '../output';
import { untilStopped } from '../until-stopped';

export interface SandboxAutotaskOptions {
  port: string;
  seed: string;
  host: string;
  now?: string;
}

/** Runs the Autotask emulator until SIGINT/SIGTERM. The only place in src/ that may import emulators/ is src/cli. */
export async function sandboxAutotask(opts: SandboxAutotaskOptions, cmd: Command): Promise<void> {
  const out = output(Boolean(cmd.optsWithGlobals().json));
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port: not a port number: ${opts.port}`);
  const seed = resolveSeedArg(opts.seed, { demo: loadDemoSeed, parse: parseSeed });
  const clock = opts.now ? createClock({ start: opts.now, ticking: true }) : createClock();
  const emulator = createAutotaskEmulator({ seed, clock });
  const base = await emulator.listen(port, opts.host);
  const user = emulator.state.apiUsers[0];
  out.result(
    {
      baseUrl: base,
      apiUrl: `${base}/ATServicesRest/V1.0`,
      zoneLookup: user
        ? `${base}/atservicesrest/v1.0/zoneInformation?user=${encodeURIComponent(user.userName)}`
        : null,
      admin: `${base}/_emulator`,
      credentials: user
        ? { userName: user.userName, secret: user.secret, integrationCode: user.integrationCode }
        : null,
      today: emulator.clock.today(),
    },
    () =>
      [
        `Autotask emulator listening on ${base}`,
        `  REST API:    ${base}/ATServicesRest/V1.0/`,
        `  admin API:   ${base}/_emulator/state`,
        `  clock today: ${emulator.clock.today()} (seed: ${opts.seed})`,
        ...(user
          ? [
              `  UserName:           ${user.userName}`,
              `  Secret:             ${user.secret}`,
              `  ApiIntegrationCode: ${user.integrationCode}`,
            ]
          : ['  (the seed has no API users)']),
        'Connect billsync to it in another shell (billsync reaches loopback URLs only with BILLSYNC_ALLOW_LOCAL_PSA=1):',
        ...(user
          ? [
              `  BILLSYNC_ALLOW_LOCAL_PSA=1 AUTOTASK_SECRET=${user.secret} billsync connect autotask \\`,
              `    --username ${user.userName} --integration-code ${user.integrationCode} --zone-url ${base}/ATServicesRest/`,
            ]
          : []),
        'Press Ctrl+C to stop.',
      ].join('\n'),
  );
  await untilStopped();
  out.info('Stopping the Autotask emulator...');
  await emulator.close();
}
