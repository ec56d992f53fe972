import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main';
import { type CliResult, freePort } from '../support/cli';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { waitFor } from '../support/jobs';

// The compiled CLI (decision 0011), built here from the sources of this checkout into a directory of its own, so
// the test never runs a stale dist/ and never touches the one `npm ci` built. Inside the package (under .tmp/):
// the bundle finds node_modules and the package root from where it sits, as dist/ does.
const ROOT = join(import.meta.dirname, '..', '..');
const work = join(ROOT, '.tmp', `compiled-cli-${process.pid}`);
const dist = join(work, 'dist');
const dataDir = mkdtempSync(join(tmpdir(), 'billsync-compiled-cli-'));
let db: TestDatabase;

function node(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: work,
      env: { ...process.env, ...env },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** `billsync ARGS` on the compiled CLI, as bin/billsync.js runs dist/cli.js. */
const compiled = (args: string[], env: Record<string, string> = {}) => node(['run.mjs', ...args], env);

/** Every command's help, as text: what a user sees with `billsync [command...] --help`. */
function helpTree(program: Command): string {
  const lines: string[] = [];
  const walk = (cmd: Command, path: string) => {
    cmd.configureHelp({ helpWidth: 100 });
    lines.push(`== ${path}`, cmd.helpInformation());
    for (const c of cmd.commands) walk(c, `${path} ${c.name()}`);
  };
  walk(program, 'billsync');
  return lines.join('\n');
}

/** helpTree, in the child that loads the compiled CLI. */
const HELP_TREE_SCRIPT = `const { buildProgram } = await import('./dist/cli.js');
const lines = [];
const walk = (cmd, path) => {
  cmd.configureHelp({ helpWidth: 100 });
  lines.push('== ' + path, cmd.helpInformation());
  for (const c of cmd.commands) walk(c, path + ' ' + c.name());
};
walk(buildProgram(), 'billsync');
process.stdout.write(lines.join('\\n'));
`;

beforeAll(async () => {
  mkdirSync(work, { recursive: true });
  const built = await node([join(ROOT, 'scripts', 'build-node.mjs'), '--out', dist]);
  expect(built.code, built.stderr).toBe(0);
  writeFileSync(
    join(work, 'run.mjs'),
    "const { main } = await import('./dist/cli.js');\nprocess.exitCode = await main(process.argv);\n",
  );
  writeFileSync(join(work, 'help-tree.mjs'), HELP_TREE_SCRIPT);
  db = await createTestDatabase('compiled');
}, 120_000);

afterAll(async () => {
  await db?.drop();
  rmSync(work, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the compiled CLI (dist/)', () => {
  it('starts with commander only: the server, pg and the rest load when a command runs', () => {
    const meta = JSON.parse(readFileSync(join(dist, 'meta.json'), 'utf8')) as {
      outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
    };
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (out: string) => {
      if (seen.has(out)) return;
      seen.add(out);
      for (const imp of meta.outputs[out]?.imports ?? []) {
        if (imp.kind !== 'import-statement') continue;
        if (!imp.external) visit(imp.path);
        else if (!imp.path.startsWith('node:')) packages.add(imp.path);
      }
    };
    visit('cli.js');
    expect([...packages]).toEqual(['commander']);
    // ...and those packages are in the bundle's lazy chunks, external (node_modules, not copied in).
    const all = Object.values(meta.outputs).flatMap((o) =>
      o.imports.filter((i) => i.external).map((i) => i.path),
    );
    expect(all).toEqual(expect.arrayContaining(['pg', 'fastify', 'pg-boss']));
  });

  it('links: every chunk imports what it needs from node_modules and the other chunks', async () => {
    const chunks = readdirSync(dist).filter((f) => f.endsWith('.js'));
    const script = `for (const f of ${JSON.stringify(chunks)}) await import('./dist/' + f);`;
    const res = await node(['--input-type=module', '-e', script]);
    expect(res.code, res.stderr).toBe(0);
  });

  it('prints the version and the same help as the sources, for every command', async () => {
    const version = await compiled(['--version']);
    expect(version.code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = await compiled(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: billsync \[options\] \[command\]/);
    const tree = await node(['help-tree.mjs']);
    expect(tree.code, tree.stderr).toBe(0);
    expect(tree.stdout).toBe(helpTree(buildProgram()));
  });

  it('runs database commands: migrations from dist/migrations, then a write and a read', async () => {
    const env = { DATABASE_URL: db.url, BILLSYNC_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
    const migrate = await compiled(['db', 'migrate'], env);
    expect(migrate.code, migrate.stderr).toBe(0);
    // Opening the database applied every migration (logged); `db migrate` itself then found nothing to do.
    const sql = readdirSync(join(ROOT, 'src', 'db', 'migrations')).filter((f) => f.endsWith('.sql'));
    expect(migrate.stderr).toContain(
      `applied migrations: ${sql.map((f) => f.replace(/\.sql$/, '')).join(', ')}`,
    );
    expect(migrate.stdout.trim()).toBe('The database is up to date.');
    const created = await compiled(['--json', 'workspace', 'create', '--name', 'Compiled MSP'], env);
    expect(created.code, created.stderr).toBe(0);
    const list = await compiled(['--json', 'workspace', 'list'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([{ id: JSON.parse(created.stdout).id, name: 'Compiled MSP' }]);
    const usage = await compiled(['workspace', 'create', '--name', ' '], env);
    expect(usage.code).toBe(2);
  });

  it('serves the web app from web/dist (found from the package root, not from the bundle)', async () => {
    expect(existsSync(join(ROOT, 'web', 'dist', 'index.html'))).toBe(true);
    const port = await freePort();
    const env = {
      DATABASE_URL: db.url,
      BILLSYNC_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      BILLSYNC_EMBEDDED_WORKER: '0',
    };
    const server: ChildProcess = spawn(process.execPath, ['run.mjs', 'serve'], {
      cwd: work,
      env: { ...process.env, ...env },
      stdio: 'ignore',
    });
    try {
      const page = await waitFor('the compiled server answering (or exiting)', async () =>
        server.exitCode !== null ? null : await fetch(`http://127.0.0.1:${port}/`).catch(() => undefined),
      );
      expect(server.exitCode).toBeNull();
      expect(page?.status).toBe(200);
      expect(await page?.text()).toMatch(/<div id="root">/);
    } finally {
      await new Promise((resolve) => {
        if (server.exitCode !== null) return resolve(null);
        server.once('exit', resolve);
        server.kill('SIGTERM');
      });
    }
  });
});
