// Runs billsync as bin/billsync.js does, registering `import` and `demo-data` on the program when
// src/cli/main.ts does not register them (yet): the lead wires registerImport / registerDemoData into main.ts.
import { register } from 'tsx/esm/api';

register();
const { Command } = await import('commander');
const { registerImport } = await import('../../../src/cli/commands/import.ts');
const { registerDemoData } = await import('../../../src/cli/commands/demo-data.ts');
const parseAsync = Command.prototype.parseAsync;
Command.prototype.parseAsync = function (...args) {
  if (this.parent === null && !this.commands.some((c) => c.name() === 'import')) {
    registerImport(this);
    registerDemoData(this);
    for (const cmd of this.commands) cmd.exitOverride();
  }
  return parseAsync.apply(this, args);
};
const { main } = await import('../../../src/cli/main.ts');
process.exitCode = await main(process.argv);
