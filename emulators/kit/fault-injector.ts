/**
 * Registry of injected faults. A rule matches a method and a path glob and fires for its next `count` matching
 * requests. Protocol-agnostic: `registerFaultHooks` (fault-hooks.ts) applies the rules to a Fastify app.
 */
export type FaultKind = '429' | '500' | '503' | 'hang' | 'slow' | 'lost-response';

export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', '503', 'hang', 'slow', 'lost-response'];

export interface FaultSpec {
  kind: FaultKind;
  /**
   * Path glob, case-insensitive, matched against the URL path without the query string.
   * `*` matches within one segment, `**` matches across segments: `**` + `/ServiceAdjustments`.
   */
  path: string;
  /** HTTP method or `*` (default). */
  method?: string;
  /** How many matching requests the fault hits (default 1). */
  count?: number;
  /** `429`: the Retry-After header in seconds (default 1). */
  retryAfter?: number;
  /** `slow`: delay before handling. `hang`: close the socket after this delay (default: never answer). */
  delayMs?: number;
  /** Response body for `429`/`500`/`503` (default: the emulator's vendor-shaped error body). */
  body?: unknown;
  /**
   * Fire on every Nth matching request only (the others pass), e.g. `every: 10` = 10% of the calls; with
   * `offset`, it first fires on matching request `offset + every`. For soak tests of clients.
   */
  every?: number;
  offset?: number;
}

export interface FaultRule {
  id: string;
  kind: FaultKind;
  path: string;
  method: string;
  count: number;
  remaining: number;
  hits: number;
  retryAfter?: number;
  delayMs?: number;
  body?: unknown;
  every?: number;
  offset?: number;
}

export interface FaultInjector {
  inject(spec: FaultSpec): FaultRule;
  /** Remove one rule, or all rules when no id is given. Returns how many were removed. Spent rules stay listed. */
  clear(id?: string): number;
  list(): FaultRule[];
  /** The first live rule matching the request, with one occurrence consumed; undefined if none. */
  take(method: string, path: string): FaultRule | undefined;
}

export function globToRegExp(glob: string): RegExp {
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*' && glob[i + 1] === '*') {
      src += '.*';
      i++;
    } else if (ch === '*') {
      src += '[^/]*';
    } else {
      src += ch.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${src}/?$`, 'i');
}

export function validateFaultSpec(spec: unknown): FaultSpec {
  const s = spec as Partial<FaultSpec> | null;
  if (!s || typeof s !== 'object') throw new Error('fault spec must be an object');
  if (!FAULT_KINDS.includes(s.kind as FaultKind)) {
    throw new Error(`fault kind must be one of ${FAULT_KINDS.join(', ')}`);
  }
  if (typeof s.path !== 'string' || s.path === '') throw new Error('fault path (a glob) is required');
  if (s.count !== undefined && !(Number.isInteger(s.count) && s.count > 0)) {
    throw new Error('fault count must be a positive integer');
  }
  for (const key of ['every'] as const) {
    const v = s[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0))
      throw new Error(`fault ${key} must be a positive integer`);
  }
  for (const key of ['retryAfter', 'delayMs', 'offset'] as const) {
    const v = s[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0)) throw new Error(`fault ${key} must be >= 0`);
  }
  return s as FaultSpec;
}

export function createFaultInjector(): FaultInjector {
  let rules: Array<FaultRule & { re: RegExp; seen: number }> = [];
  let seq = 0;
  const view = ({ re: _re, seen: _seen, ...rule }: FaultRule & { re: RegExp; seen: number }): FaultRule => ({
    ...rule,
  });
  return {
    inject(input) {
      const spec = validateFaultSpec(input);
      const count = spec.count ?? 1;
      const rule: FaultRule & { re: RegExp; seen: number } = {
        seen: 0,
        id: `f${++seq}`,
        kind: spec.kind,
        path: spec.path,
        method: (spec.method ?? '*').toUpperCase(),
        count,
        remaining: count,
        hits: 0,
        re: globToRegExp(spec.path),
        ...(spec.retryAfter !== undefined ? { retryAfter: spec.retryAfter } : {}),
        ...(spec.delayMs !== undefined ? { delayMs: spec.delayMs } : {}),
        ...(spec.body !== undefined ? { body: spec.body } : {}),
        ...(spec.every !== undefined ? { every: spec.every } : {}),
        ...(spec.offset !== undefined ? { offset: spec.offset } : {}),
      };
      rules.push(rule);
      return view(rule);
    },
    clear(id) {
      const before = rules.length;
      rules = id === undefined ? [] : rules.filter((r) => r.id !== id);
      return before - rules.length;
    },
    list: () => rules.map(view),
    take(method, path) {
      const m = method.toUpperCase();
      let rule: (FaultRule & { re: RegExp; seen: number }) | undefined;
      for (const r of rules) {
        if (r.remaining <= 0 || (r.method !== '*' && r.method !== m) || !r.re.test(path)) continue;
        r.seen++;
        // An `every` rule counts each matching request and fires on its turn; a plain rule fires at once.
        const past = r.seen - (r.offset ?? 0);
        const due = r.every === undefined || (past > 0 && past % r.every === 0);
        if (due && !rule) rule = r;
      }
      if (!rule) return undefined;
      rule.remaining--;
      rule.hits++;
      return view(rule);
    },
  };
}
