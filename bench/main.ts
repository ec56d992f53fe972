import { benchImport } from './import';
import { benchSync } from './sync';

/** `npm run bench -- <name>`: runs one benchmark and prints its figures. */
const BENCHES: Record<string, () => Promise<unknown>> = {
  import: () => benchImport(),
  sync: () => benchSync(),
};

const name = process.argv[2];
const bench = name ? BENCHES[name] : undefined;
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>`);
  process.exitCode = 2;
} else {
  await bench();
}
