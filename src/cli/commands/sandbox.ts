import type { Command } from 'commander';
import { registerSandboxAutotask } from './sandbox-autotask';
import { registerSandboxConnectWise } from './sandbox-connectwise';
import { registerSandboxPartnerCenter } from './sandbox-partner-center';
import { registerSandboxPax8 } from './sandbox-pax8';

/** `billsync sandbox <vendor>`: local emulators of the vendor APIs, for demos and trying billsync safely. */
export function registerSandbox(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description(
      'run a local emulator of a vendor API (Autotask, ConnectWise, Partner Center, Pax8) for demos and tests',
    );
  registerSandboxAutotask(sandbox);
  registerSandboxConnectWise(sandbox);
  registerSandboxPartnerCenter(sandbox);
  registerSandboxPax8(sandbox);
}
