import type { EntityMeta } from '../metadata/types';
import type { Row } from './state';
import { toWireValue } from './values';

/**
 * A record as the API returns it: every field of the metadata table in order (null when unset), camelCase,
 * plus `userDefinedFields` (always present, `[]` when none). With IncludeFields only those fields are sent
 * (userDefinedFields still comes back as `[]` [CLIENT apigrate README]). Internal `_` keys never leave.
 */
export function toWire(
  meta: EntityMeta,
  row: Row,
  includeFields?: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of meta.fields) {
    if (f.writeOnly) continue;
    if (includeFields && !includeFields.includes(f.name)) continue;
    out[f.name] = toWireValue(f, row[f.name]);
  }
  out.userDefinedFields = includeFields ? [] : (row.userDefinedFields ?? []);
  return out;
}
