import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pickRuntime, STAMP } from '../../bin/pick-runtime.js';

// bin/billsync.js runs dist/ only while it matches the sources it was built from (decision 0011).
let root: string;

function write(path: string, text = 'x'): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A dist/ whose stamp lists `files` with their mtimes now, as scripts/build-node.mjs writes it. */
function stamp(files: string[]): void {
  write('dist/cli.js', 'export {}');
  const mtimes = Object.fromEntries(files.map((f) => [f, statSync(join(root, f)).mtimeMs]));
  write(`dist/${STAMP}`, JSON.stringify({ builtAt: new Date().toISOString(), files: mtimes }));
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'billsync-pick-runtime-'));
  write('src/cli/main.ts');
  write('src/db/migrations/0001_a.sql');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('which code billsync runs', () => {
  it('runs dist/ when every file it was built from is unchanged', () => {
    stamp(['src/cli/main.ts', 'src/db/migrations', 'src/db/migrations/0001_a.sql']);
    expect(pickRuntime(root, {})).toEqual({ kind: 'dist', entry: join(root, 'dist', 'cli.js') });
  });

  it('runs the sources through tsx once a source file changed, even to an older mtime', () => {
    stamp(['src/cli/main.ts']);
    const older = new Date(Date.now() - 86_400_000);
    utimesSync(join(root, 'src/cli/main.ts'), older, older);
    const picked = pickRuntime(root, {});
    expect(picked.kind).toBe('src');
    expect(picked).toMatchObject({ reason: expect.stringContaining('src/cli/main.ts changed') });
  });

  it('runs the sources when a file it was built from is gone, or a migration was added', () => {
    stamp(['src/cli/main.ts', 'src/db/migrations']);
    const later = new Date(Date.now() + 5_000);
    write('src/db/migrations/0002_b.sql');
    utimesSync(join(root, 'src/db/migrations'), later, later);
    expect(pickRuntime(root, {}).kind).toBe('src');
    stamp(['src/cli/main.ts', 'src/db/migrations']);
    expect(pickRuntime(root, {}).kind).toBe('dist');
    rmSync(join(root, 'src/cli/main.ts'));
    expect(pickRuntime(root, {}).kind).toBe('src');
  });

  it('runs the sources when dist/ has no stamp (never built, or a build that did not finish)', () => {
    write('dist/cli.js', 'export {}');
    expect(pickRuntime(root, {})).toMatchObject({
      kind: 'src',
      reason: expect.stringContaining('not built'),
    });
  });

  it('BILLSYNC_RUNTIME forces one or the other', () => {
    expect(() => pickRuntime(root, { BILLSYNC_RUNTIME: 'dist' })).toThrow(/not built/);
    expect(() => pickRuntime(root, { BILLSYNC_RUNTIME: 'fast' })).toThrow(/auto, dist or src/);
    stamp(['src/cli/main.ts']);
    expect(pickRuntime(root, { BILLSYNC_RUNTIME: 'src' }).kind).toBe('src');
    write('src/cli/main.ts', 'changed');
    utimesSync(join(root, 'src/cli/main.ts'), new Date(0), new Date(0));
    expect(pickRuntime(root, { BILLSYNC_RUNTIME: 'dist' }).kind).toBe('dist');
    expect(pickRuntime(root, { BILLSYNC_RUNTIME: 'auto' }).kind).toBe('src');
  });
});
