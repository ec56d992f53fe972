import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of billsync's package.json (the checkout or install), from the URL of the calling module. A module
 * runs from src/<layer>/ under tsx and from the bundle in dist/ once built (docs/decisions/0011-compiled-cli.md):
 * paths relative to `import.meta.url` differ between the two, the package root does not.
 */
export function appRoot(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`);
    dir = parent;
  }
}
