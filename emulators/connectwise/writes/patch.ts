import { badRequest } from '../http/errors';
import type { ConnectWiseRules } from '../options';
import type { FieldDef, FieldError, ResourceDef } from '../schema/types';

/** One operation of ConnectWise's JSON-Patch dialect (§3.4): `{op, path, value}`, path without or with `/`. */
export interface PatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value: unknown;
}

/** What an operation does to the row. */
export type PatchStep =
  | { kind: 'set'; field: FieldDef; value: unknown }
  | { kind: 'ignore'; reason: string }
  | { kind: 'error'; error: FieldError };

/** The body must be an array of `{op, path, value}`; anything else is a 400 (wording is the emulator's). */
export function parsePatchBody(body: unknown): PatchOp[] {
  if (!Array.isArray(body)) throw badRequest('The request body must be a JSON array of patch operations.');
  return body.map((raw, i) => {
    const o = raw as Record<string, unknown> | null;
    const op = typeof o?.op === 'string' ? o.op.toLowerCase() : undefined;
    if (op !== 'add' && op !== 'replace' && op !== 'remove') {
      throw badRequest(`Patch operation ${i}: op must be add, replace or remove.`);
    }
    if (typeof o?.path !== 'string' || o.path.replace(/^\//, '') === '') {
      throw badRequest(`Patch operation ${i}: path is required.`);
    }
    return { op, path: o.path, value: o.value ?? null };
  });
}

/**
 * Resolves one operation. The path is the case-sensitive property name, with or without a leading `/`
 * (§3.4). A sub-path of a reference (`company/identifier`) answers a "false 200" without applying [DOC];
 * read-only and create-only properties are ignored like unknown body properties; an unknown path is a field
 * error. Clearing a value follows rules.patchClear.
 */
export function stepOf(resource: ResourceDef, op: PatchOp, rules: ConnectWiseRules): PatchStep {
  const path = op.path.replace(/^\//, '');
  const [head, ...rest] = path.split('/');
  const field = resource.fields.find((f) => f.name === head);
  if (!field) {
    return {
      kind: 'error',
      error: {
        code: 'InvalidField',
        message: `${path} is not a property of ${resource.resourceName}.`,
        field: path,
      },
    };
  }
  if (rest.length > 0) {
    return field.type === 'ref' || field.type === 'refs'
      ? { kind: 'ignore', reason: 'sub-path of a reference' }
      : {
          kind: 'error',
          error: { code: 'InvalidField', message: `${path} is not a valid path.`, field: path },
        };
  }
  if (field.readOnly || field.createOnly || field.name === 'id')
    return { kind: 'ignore', reason: 'read-only' };
  const clears = op.op === 'remove' || op.value === null;
  if (clears) {
    const refused =
      (op.op === 'remove' && rules.patchClear === 'replace-null-only') ||
      (op.op !== 'remove' && rules.patchClear === 'remove-only');
    if (refused) {
      const how = rules.patchClear === 'remove-only' ? 'a remove operation' : 'replace with null';
      return {
        kind: 'error',
        error: { code: 'InvalidField', message: `Clear ${path} with ${how}.`, field: path },
      };
    }
    return { kind: 'set', field, value: null };
  }
  return { kind: 'set', field, value: op.value };
}
