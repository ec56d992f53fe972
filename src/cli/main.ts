import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { appRoot } from '../runtime/app-root';
import { AppError, cliMessage } from '../services/errors';
import { registerConnect } from './commands/connect';
import { registerCustomers } from './commands/customers';
import { registerDb } from './commands/db';
import { registerDemo } from './commands/demo';
import { registerDemoData } from './commands/demo-data';
import { registerImport } from './commands/import';
import { registerJobs } from './commands/jobs';
import { registerListings } from './commands/listings';
import { registerNotifications } from './commands/notifications';
import { registerProgram } from './commands/program';
import { registerRecon } from './commands/recon';
import { registerRules } from './commands/rules';
import { registerRuns } from './commands/runs';
import { registerSandbox } from './commands/sandbox';
import { registerSchedule } from './commands/schedule';
import { registerServe } from './commands/serve';
import { registerSource } from './commands/source';
import { registerSync } from './commands/sync';
import { registerUser } from './commands/user';
import { registerWorker } from './commands/worker';
import { registerWorkspace } from './commands/workspace';
import { CliExit } from './exit';
import { EXIT } from './output';

// The command definitions below import no implementation: each action loads its module when it runs, so
// `--version` and `--help` start without the server, pg or fastify (docs/decisions/0011-compiled-cli.md).
const pkg = JSON.parse(readFileSync(join(appRoot(import.meta.url), 'package.json'), 'utf8')) as {
  version: string;
};

export function buildProgram(): Command {
  const program = new Command('billsync')
    .description('Keeps your PSA in step with what Microsoft CSP billed.')
    .version(pkg.version, '-v, --version')
    .option('--json', 'machine-readable output')
    .showHelpAfterError('(run `billsync --help` for the commands)')
    .exitOverride();
  registerServe(program);
  registerDb(program);
  registerUser(program);
  registerWorkspace(program);
  registerListings(program);
  registerSandbox(program);
  registerSource(program);
  registerImport(program);
  registerDemoData(program);
  registerConnect(program);
  registerProgram(program);
  registerRules(program);
  registerCustomers(program);
  registerSync(program);
  registerRuns(program);
  registerRecon(program);
  registerWorker(program);
  registerJobs(program);
  registerSchedule(program);
  registerNotifications(program);
  registerDemo(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 error, 2 usage (commands may use 2 for "finished with warnings"). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    const json = argv.includes('--json');
    if (error instanceof CliExit) {
      if (error.message && json && !error.afterOutput) {
        process.stdout.write(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
      } else if (error.message) process.stderr.write(`billsync: ${error.message}\n`);
      return error.exitCode;
    }
    const message = cliMessage(error);
    const code = error instanceof AppError ? error.code : 'error';
    if (json) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
    else process.stderr.write(`billsync: ${message}\n`);
    return error instanceof AppError && (error.code === 'bad_request' || error.code === 'validation_failed')
      ? EXIT.usage
      : EXIT.error;
  }
}
