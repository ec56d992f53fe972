import type { ResourceDef } from '../schema/types';
import type { EmulatorCtx, Row } from '../store/state';
import { type Accessor, bindPath, checkComparison, type Scope } from './bind';
import type { Literal } from './lexer';
import { type Comparison, type Condition, parseConditions } from './parser';

export type Predicate = (row: Row) => boolean;

/** `like` pattern -> RegExp: `%` and `*` any run [CLIENT][DOC], `_` one character (SQL LIKE). */
export function likeRegExp(pattern: string, ignoreCase: boolean): RegExp {
  let src = '';
  for (const ch of pattern) {
    if (ch === '%' || ch === '*') src += '.*';
    else if (ch === '_') src += '.';
    else src += ch.replace(/[.+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${src}$`, ignoreCase ? 'is' : 's');
}

function literalValue(l: Literal): unknown {
  return l.kind === 'null' ? null : l.value;
}

/** Compares two non-null values of one kind: -1, 0, 1. Strings per collation (case and trailing spaces). */
function order(a: unknown, b: unknown, fold: boolean): number {
  // Date-times are stored as ISO strings and written as [literals] (epoch ms); custom values may be text.
  if (typeof a === 'string' && typeof b === 'number') {
    return order(/^\d{4}-\d{2}-\d{2}/.test(a) ? Date.parse(a) : Number(a), b, fold);
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const x = fold ? a.trimEnd().toLowerCase() : a;
    const y = fold ? b.trimEnd().toLowerCase() : b;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return a === b ? 0 : 1;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * One comparison on one value, with SQL's null semantics: `= null` / `!= null` test for null; any other
 * comparison involving a null value is not true (negations included).
 */
function test(c: Comparison, value: unknown, fold: boolean): boolean {
  const values = Array.isArray(c.value) ? c.value : [c.value];
  const first = values[0] as Literal;
  if (first.kind === 'null' && !Array.isArray(c.value)) {
    return c.op === '=' ? value === null || value === undefined : value !== null && value !== undefined;
  }
  if (value === null || value === undefined) return false;
  let hit: boolean;
  switch (c.op) {
    case 'contains': {
      const s = String(value);
      const needle = String(literalValue(first));
      hit = fold ? s.toLowerCase().includes(needle.toLowerCase()) : s.includes(needle);
      break;
    }
    case 'like':
      hit = likeRegExp(String(literalValue(first)), fold).test(String(value));
      break;
    case 'in':
      hit = values.some((v) => v.kind !== 'null' && order(value, literalValue(v), fold) === 0);
      break;
    default: {
      const o = order(value, literalValue(first), fold);
      hit =
        c.op === '='
          ? o === 0
          : c.op === '!='
            ? o !== 0
            : c.op === '<'
              ? o < 0
              : c.op === '<='
                ? o <= 0
                : c.op === '>'
                  ? o > 0
                  : o >= 0;
    }
  }
  return c.negate ? !hit : hit;
}

function compileNode(ctx: EmulatorCtx, resource: ResourceDef, node: Condition, scope: Scope): Predicate {
  if (node.kind !== 'cmp') {
    const l = compileNode(ctx, resource, node.left, scope);
    const r = compileNode(ctx, resource, node.right, scope);
    return node.kind === 'and' ? (row) => l(row) && r(row) : (row) => l(row) || r(row);
  }
  const acc: Accessor = bindPath(ctx, resource, node.path, scope);
  checkComparison(node, acc, scope);
  const fold = ctx.rules.collation === 'case-insensitive';
  // A path through an array (childConditions) matches when some element matches.
  if (acc.many) return (row) => (acc.get(row) as unknown[]).some((v) => test(node, v, fold));
  return (row) => test(node, acc.get(row), fold);
}

/**
 * A predicate over rows for one query parameter. `customFieldConditions` tests each `customFields` entry with
 * the whole expression: a row matches when one entry does.
 */
export function compileConditions(
  ctx: EmulatorCtx,
  resource: ResourceDef,
  src: string,
  scope: Scope,
): Predicate {
  const tree = parseConditions(src);
  const p = compileNode(ctx, resource, tree, scope);
  if (scope !== 'customFieldConditions') return p;
  return (row) => ((row.customFields as Row[] | null) ?? []).some((entry) => p(entry));
}
