import { badRequest } from '../http/errors';
import { visibleFields } from '../schema/registry';
import type { ResourceDef } from '../schema/types';
import type { EmulatorCtx, Row } from '../store/state';
import { bindPath } from './bind';
import { ConditionError } from './lexer';

/** `orderBy=company/name desc, id asc` (§2.4): a comparator; nulls sort first ascending (SQL Server). */
export function compileOrderBy(
  ctx: EmulatorCtx,
  resource: ResourceDef,
  src: string,
): (a: Row, b: Row) => number {
  const fold = ctx.rules.collation === 'case-insensitive';
  const keys = src.split(',').map((part) => {
    const [path = '', dir = 'asc', ...extra] = part.trim().split(/\s+/);
    const direction = dir.toLowerCase();
    if (extra.length > 0 || (direction !== 'asc' && direction !== 'desc')) {
      throw badRequest(`orderBy: '${part.trim()}' is not "field asc" or "field desc".`);
    }
    try {
      const acc = bindPath(ctx, resource, path.split('/'), 'conditions');
      return { get: acc.get, sign: direction === 'desc' ? -1 : 1 };
    } catch (err) {
      if (err instanceof ConditionError) throw badRequest(`orderBy: ${err.message}`);
      throw err;
    }
  });
  const cmp = (a: unknown, b: unknown): number => {
    const an = a === null || a === undefined;
    const bn = b === null || b === undefined;
    if (an || bn) return an && bn ? 0 : an ? -1 : 1;
    if (typeof a === 'string' && typeof b === 'string') {
      const x = fold ? a.toLowerCase() : a;
      const y = fold ? b.toLowerCase() : b;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return Number(a) - Number(b);
  };
  return (a, b) => {
    for (const k of keys) {
      const c = cmp(k.get(a), k.get(b));
      if (c !== 0) return k.sign * c;
    }
    return a.id - b.id;
  };
}

/**
 * `fields=id,product/identifier,_info` (§2.4): only those properties; nested with `/`. `_info` comes back only
 * when listed [OBSERVED]. A property the model does not have is a 400 [OBSERVED].
 */
export function compileFields(
  resource: ResourceDef,
  version: number,
  src: string,
): (wire: Record<string, unknown>) => Record<string, unknown> {
  const names = new Map(visibleFields(resource, version).map((f) => [f.name.toLowerCase(), f.name]));
  names.set('_info', '_info');
  const paths = src
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const [head = '', ...rest] = p.split('/');
      const name = names.get(head.toLowerCase());
      if (!name) throw badRequest(`fields: ${head} is not a property of ${resource.resourceName}.`);
      return [name, ...rest];
    });
  return (wire) => {
    const out: Record<string, unknown> = {};
    for (const path of paths) copyPath(wire, out, path);
    return out;
  };
}

function copyPath(from: Record<string, unknown>, to: Record<string, unknown>, path: string[]): void {
  const [head = '', ...rest] = path;
  const key = Object.keys(from).find((k) => k.toLowerCase() === head.toLowerCase());
  if (key === undefined) return;
  const value = from[key];
  if (rest.length === 0 || value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (rest.length === 0) to[key] = value;
    return;
  }
  const inner = (to[key] as Record<string, unknown> | undefined) ?? {};
  copyPath(value as Record<string, unknown>, inner, rest);
  if (Object.keys(inner).length > 0) to[key] = inner;
}
