import { FileParseError } from './file-error';

/** One column a parser reads: its canonical name, other spellings Microsoft used, and whether the file must have it. */
export interface ColumnSpec {
  name: string;
  aliases?: readonly string[];
  required: boolean;
}

/** Where each wanted column sits in the file, by canonical name; `undefined` for an absent optional column. */
export type ColumnIndex<N extends string> = { readonly [K in N]: number | undefined };

/**
 * Header names are matched ignoring case, spaces and underscores, so `ERP Price`, `ErpPrice` and `MPNID`/`MpnId`
 * all resolve. Column order does not matter; unknown columns are ignored (Microsoft adds columns over time).
 */
export function headerKey(name: string): string {
  return name.replace(/[\s_]/g, '').toLowerCase();
}

/**
 * Resolves the wanted columns against a file's header row. A missing required column is an error naming the
 * column; a wanted column present twice (or under two spellings) is an error too: the importer could not tell
 * which one to read.
 */
export function resolveColumns<N extends string>(
  header: readonly string[],
  specs: readonly (ColumnSpec & { name: N })[],
  file: string,
): ColumnIndex<N> {
  const positions = new Map<string, number[]>();
  header.forEach((raw, index) => {
    const key = headerKey(raw);
    if (key !== '') positions.set(key, [...(positions.get(key) ?? []), index]);
  });
  const index: Record<string, number | undefined> = {};
  for (const spec of specs) {
    const names = [spec.name, ...(spec.aliases ?? [])];
    const found = [...new Set(names.map(headerKey))].flatMap((k) => positions.get(k) ?? []);
    if (found.length > 1) {
      const spelled = found.map((p) => `"${header[p]?.trim()}"`).join(', ');
      throw new FileParseError({
        file,
        row: 1,
        column: spec.name,
        value: undefined,
        expected: `the column "${spec.name}" only once in the header (found ${spelled})`,
      });
    }
    if (found.length === 0 && spec.required) {
      throw new FileParseError({
        file,
        row: 1,
        column: spec.name,
        value: undefined,
        expected: `a column named "${spec.name}" in the header (it is missing)`,
      });
    }
    index[spec.name] = found[0];
  }
  return index as ColumnIndex<N>;
}

/** The header's own spelling of each resolved column, for error messages. */
export function columnLabels<N extends string>(
  header: readonly string[],
  index: ColumnIndex<N>,
): Record<N, string> {
  const labels: Record<string, string> = {};
  for (const [name, pos] of Object.entries(index) as [string, number | undefined][]) {
    labels[name] = pos === undefined ? name : (header[pos]?.trim() ?? name);
  }
  return labels as Record<N, string>;
}

/** True when the header has every one of the named columns (used to tell file kinds apart). */
export function hasColumns(header: readonly string[], names: readonly string[]): boolean {
  const keys = new Set(header.map(headerKey));
  return names.every((n) => keys.has(headerKey(n)));
}
