import type { TargetKind } from '../../api/types';
import { programBase } from '../programs/program-paths';

/**
 * Where the reconciliation pages live: beside the program's other pages, `/programs/<target>/csp/reconciliation`,
 * a customer under `.../customers/<tenant id>`, a contract line's timeline under `.../timeline?offer=<offer key>`
 * (an offer key holds `|`, so it rides in the query). `period` (YYYY-MM) is kept in the query too.
 */
export function reconPath(target: TargetKind, period?: string | null): string {
  const base = `${programBase(target)}/reconciliation`;
  return period ? `${base}?period=${period}` : base;
}

export function reconCustomerPath(target: TargetKind, tenantId: string, period?: string | null): string {
  const base = `${programBase(target)}/reconciliation/customers/${encodeURIComponent(tenantId)}`;
  return period ? `${base}?period=${period}` : base;
}

export function timelinePath(target: TargetKind, tenantId: string, offerKey: string): string {
  return `${programBase(target)}/reconciliation/customers/${encodeURIComponent(tenantId)}/timeline?${new URLSearchParams({ offer: offerKey })}`;
}
