/** Exit codes every command uses: 0 ok, 1 error, 2 usage error or finished with warnings (per command docs). */
export const EXIT = { ok: 0, error: 1, usage: 2, warnings: 2 } as const;

export interface Output {
  json: boolean;
  /** A result: JSON on stdout with --json, else the human text. */
  result(data: unknown, human: string | (() => string)): void;
  /** Progress and notes for people: stderr, silent with --json. */
  info(message: string): void;
  /** A warning about what the command did: stderr, also with --json (a script must not miss it). */
  warn(message: string): void;
}

export function output(json: boolean): Output {
  return {
    json,
    result(data, human) {
      process.stdout.write(
        json ? `${JSON.stringify(data, null, 2)}\n` : `${typeof human === 'function' ? human() : human}\n`,
      );
    },
    info(message) {
      if (!json) process.stderr.write(`${message}\n`);
    },
    warn(message) {
      process.stderr.write(`warning: ${message}\n`);
    },
  };
}

/** A fixed-width text table for human output. */
export function table(headers: string[], rows: (string | number | null | undefined)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(cells[0]!), line(widths.map((w) => '-'.repeat(w))), ...cells.slice(1).map(line)].join('\n');
}
