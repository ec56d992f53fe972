/**
 * Validation of an emulator's behaviour switches (`rules`) and limits: each key accepts one of a list of values
 * or a bounded number. Used at creation and by `PUT /_emulator/rules`, so a typo fails loudly instead of running
 * a test under the default reading.
 */

/** What a switch accepts: one of a list of values, or a number bounded below. */
export type Accepts = { oneOf: readonly unknown[] } | { number: { integer: boolean; min: number } };

/** Result of checking a (partial) set of switches: the merged values, or the first problem. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

function accepted(accepts: Accepts, value: unknown): boolean {
  if ('oneOf' in accepts) return accepts.oneOf.includes(value);
  const { integer, min } = accepts.number;
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= min &&
    (!integer || Number.isInteger(value))
  );
}

function describe(accepts: Accepts): string {
  if ('oneOf' in accepts) return accepts.oneOf.map((v) => JSON.stringify(v)).join(' | ');
  return `${accepts.number.integer ? 'an integer' : 'a number'} >= ${accepts.number.min}`;
}

/** `current` with `patch` applied, every key of `patch` checked against `table`; `what` names the object in errors. */
export function mergeSwitches<T>(
  what: string,
  table: Record<keyof T, Accepts>,
  current: T,
  patch: unknown,
): Checked<T> {
  if (patch === undefined || patch === null) return { ok: true, value: { ...current } };
  if (typeof patch !== 'object' || Array.isArray(patch))
    return { ok: false, error: `${what}: must be an object` };
  const next: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    const accepts = (table as Record<string, Accepts | undefined>)[key];
    if (!accepts) return { ok: false, error: `${what}.${key}: unknown switch` };
    if (!accepted(accepts, value)) {
      return {
        ok: false,
        error: `${what}.${key}: must be ${describe(accepts)}, got ${JSON.stringify(value)}`,
      };
    }
    next[key] = value;
  }
  return { ok: true, value: next as T };
}

/** The merged value, or an Error (used at emulator creation). */
export function orThrow<T>(checked: Checked<T>): T {
  if (!checked.ok) throw new Error(checked.error);
  return checked.value;
}
