import type { TargetKind } from '../../api/types';

/** The only program so far is Microsoft CSP; its pages live under `/programs/<target>/csp/...`. */
export const PROGRAM_SEGMENT = 'csp';
export const PROGRAM_NAME = 'Microsoft CSP';

export const TARGET_LABEL: Record<TargetKind, string> = { autotask: 'Autotask', connectwise: 'ConnectWise' };

/** What each PSA calls the contract billsync writes to (spec section 5). */
export const CONTRACT_WORD: Record<TargetKind, { one: string; title: string; kind: string }> = {
  autotask: { one: 'contract', title: 'Contract', kind: 'Recurring Service contract' },
  connectwise: { one: 'agreement', title: 'Agreement', kind: 'monthly agreement' },
};

export type ProgramTab = 'settings' | 'customers' | 'products' | 'history' | 'reconciliation';

export function programBase(target: TargetKind): string {
  return `/programs/${target}/${PROGRAM_SEGMENT}`;
}

export function programPath(target: TargetKind, tab: ProgramTab): string {
  return `${programBase(target)}/${tab}`;
}

export function runPath(target: string, runId: string): string {
  return `${programBase(asTarget(target))}/history/${runId}`;
}

export function isTarget(value: string | undefined): value is TargetKind {
  return value === 'autotask' || value === 'connectwise';
}

export function asTarget(value: string): TargetKind {
  return isTarget(value) ? value : 'autotask';
}
