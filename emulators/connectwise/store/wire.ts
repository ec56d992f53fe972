import { visibleFields } from '../schema/registry';
import type { FieldDef, RefKind, ResourceDef } from '../schema/types';
import type { EmulatorCtx, Row } from './state';

/** How the request addressed the API, for the `_href` links, and the model version it is pinned to. */
export interface WireOptions {
  /** `https://host:port` */
  origin: string;
  /** The codebase segment the client used, e.g. `v4_6_release`. */
  codebase: string;
  /** Model version (versionNumber) of the answer. */
  version: number;
}

/**
 * Links carry the double slash after `3.0` that live answers show (§1.1, [OBSERVED]): clients must never build
 * URLs from them, and a client that does finds out here.
 */
export function hrefOf(opts: WireOptions, path: string): string {
  return `${opts.origin}/${opts.codebase}/apis/3.0//${path}`;
}

/** The stored row with its computed read-only values (what conditions, orderBy and answers see). */
export function viewRow(ctx: EmulatorCtx, resource: ResourceDef, row: Row): Row {
  return resource.compute ? { ...row, ...resource.compute(ctx, row) } : row;
}

export function refObject(
  ctx: EmulatorCtx,
  kind: RefKind,
  id: number,
  hrefKey: string,
  opts: WireOptions,
): Record<string, unknown> {
  const target = ctx.state.tables[kind.table].get(id);
  const out: Record<string, unknown> = { id };
  if (target) {
    const shown = kind.display ? { ...target, ...kind.display(target, ctx) } : target;
    for (const key of kind.shape) if (shown[key] !== null && shown[key] !== undefined) out[key] = shown[key];
  }
  out._info = { [hrefKey]: hrefOf(opts, `${kind.href}/${id}`) };
  return out;
}

function hrefKeyOf(f: FieldDef): string {
  return f.hrefKey ?? `${f.name}_href`;
}

/**
 * A row as the API answers it: camelCase fields of the pinned model version, null values left out (Manage
 * omits them), references as objects with an `_info` link, and the entity's `_info` (lastUpdated, updatedBy,
 * dateEntered, enteredBy and links).
 */
export function toWire(
  ctx: EmulatorCtx,
  resource: ResourceDef,
  stored: Row,
  opts: WireOptions,
): Record<string, unknown> {
  const row = viewRow(ctx, resource, stored);
  const out: Record<string, unknown> = {};
  for (const f of visibleFields(resource, opts.version)) {
    const value = row[f.name];
    if (value === null || value === undefined) continue;
    if (f.type === 'ref') out[f.name] = refObject(ctx, f.ref as RefKind, value as number, hrefKeyOf(f), opts);
    else if (f.type === 'refs') {
      out[f.name] = (value as number[]).map((id) => refObject(ctx, f.ref as RefKind, id, hrefKeyOf(f), opts));
    } else if (f.type === 'custom') out[f.name] = (value as unknown[]).map((c) => ({ ...(c as object) }));
    else out[f.name] = value;
  }
  const links = resource.links?.(stored) ?? {};
  out._info = {
    ...stored._meta,
    ...Object.fromEntries(Object.entries(links).map(([k, path]) => [k, hrefOf(opts, path)])),
  };
  return out;
}
