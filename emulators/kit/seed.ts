import { readFileSync } from 'node:fs';
import { addDays, addMonths, endOfMonth, startOfMonth } from './dates';

/** Reads and parses a JSON file, naming the file in any error. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`Cannot read seed file ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`Seed file ${path} is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * Resolves a `--seed` argument: the word `demo` (or empty) gives the built-in demo seed, anything else is a
 * JSON file path handed to `parse` (which validates it).
 */
export function resolveSeedArg<T>(
  arg: string | undefined,
  options: { demo: () => T; parse: (raw: unknown) => T },
): T {
  if (arg === undefined || arg === '' || arg === 'demo') return options.demo();
  return options.parse(readJsonFile(arg));
}

const TOKEN_RE = /^@(today|monthStart|monthEnd)(?:([+-]\d+)([dm]))?$/;

/**
 * Seeds can hold dates relative to a `today`, so a hand-written seed stays valid as time passes.
 * A string that is exactly a token is replaced by a `YYYY-MM-DD` date:
 * `@today`, `@today+3d`, `@today-1m`, `@monthStart`, `@monthStart+1m`, `@monthEnd-1m`
 * (`d` = days, `m` = calendar months; `@monthEnd±Nm` is the last day of that month).
 * Other values are returned unchanged; objects and arrays are copied recursively.
 */
export function expandRelativeDates(value: unknown, today: string): unknown {
  if (typeof value === 'string') {
    const m = TOKEN_RE.exec(value);
    if (!m) return value;
    const [, anchor, offsetText, unit] = m;
    const offset = offsetText === undefined ? 0 : Number(offsetText);
    if (anchor === 'today') return unit === 'm' ? addMonths(today, offset) : addDays(today, offset);
    const month = addMonths(startOfMonth(today), unit === 'm' ? offset : 0);
    const base = anchor === 'monthStart' ? month : endOfMonth(month);
    return unit === 'd' ? addDays(base, offset) : base;
  }
  if (Array.isArray(value)) return value.map((v) => expandRelativeDates(v, today));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandRelativeDates(v, today)]));
  }
  return value;
}
