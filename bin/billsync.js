#!/usr/bin/env node
// The billsync command. Runs the TypeScript sources through tsx (see docs/decisions/0002-run-typescript-with-tsx.md).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
