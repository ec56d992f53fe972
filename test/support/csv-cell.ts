import { readFileSync } from 'node:fs';

/** The cells of one CSV line as written (quotes kept). */
function cellsOf(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  return [...cells, cell];
}

/**
 * The text of a Microsoft CSV file with one cell replaced: `row` is the file's 1-based line (the header is row
 * 1), `column` a header name. For making a bad file, or a corrected re-issue, from a good one.
 */
export function withCell(path: string, row: number, column: string, value: string): string {
  const lines = readFileSync(path, 'utf8').split('\r\n');
  const header = cellsOf(lines[0]!);
  const col = header.indexOf(column);
  if (col < 0) throw new Error(`no column ${column} in ${path}`);
  const cells = cellsOf(lines[row - 1]!);
  cells[col] = value;
  lines[row - 1] = cells.join(',');
  return lines.join('\r\n');
}
