import type { Command } from 'commander';
import { registerSandboxAutotask } from './sandbox-autotask';

/** `billsync sandbox <vendor>`: local emulators of the vendor APIs, for demos and trying billsync safely. */
export function registerSandbox(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('run a local emulator of a vendor API (Autotask, Partner Center) for demos and tests');
  registerSandboxAutotask(sandbox);
}
