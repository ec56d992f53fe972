import type { StoredProgram } from '../db/repos/sync';
import type { ProgramPatch, ProgramView } from '../services/sync';
import { TARGET_LABEL } from '../services/sync/psa';
import { parseChoice, parseCount, parseOnOff, usage } from './exit';

// `billsync program`: its flags as a settings change, and the settings as text. Kept out of the command's
// definition and its action so the tests can use them without loading either.

export interface ProgramSetOptions {
  target: string;
  sync?: string;
  mode?: string;
  monthly?: string;
  annual?: string;
  azure?: string;
  billingCode?: string;
  vendor?: string;
  chargeCode?: string;
  emails?: string;
  prefix?: string;
  azureMarkup?: string;
  approvalThreshold?: string;
  reconEmail?: string;
  workspace?: string;
}

const NONE = new Set(['none', 'off', '']);

/** The flags given, as a settings change (the service validates the values). */
export function programPatchOf(o: ProgramSetOptions): ProgramPatch {
  const patch: ProgramPatch = {};
  if (o.sync !== undefined) patch.syncEnabled = parseOnOff('--sync', o.sync);
  if (o.mode !== undefined) patch.mode = parseChoice('--mode', o.mode, ['all', 'in-use'] as const);
  const motions: NonNullable<ProgramPatch['motions']> = {};
  if (o.monthly !== undefined) motions.monthly = parseOnOff('--monthly', o.monthly);
  if (o.annual !== undefined) motions.annual = parseOnOff('--annual', o.annual);
  if (o.azure !== undefined) motions.azure = parseOnOff('--azure', o.azure);
  if (Object.keys(motions).length > 0) patch.motions = motions;
  if (o.billingCode !== undefined) patch.billingCodeId = o.billingCode.trim();
  if (o.vendor !== undefined)
    patch.vendorId = NONE.has(o.vendor.trim().toLowerCase()) ? null : o.vendor.trim();
  if (o.chargeCode !== undefined)
    patch.chargeCodeId = NONE.has(o.chargeCode.trim().toLowerCase()) ? null : o.chargeCode.trim();
  if (o.emails !== undefined) {
    patch.emails = NONE.has(o.emails.trim().toLowerCase())
      ? []
      : o.emails
          .split(/[,;\s]+/)
          .map((e) => e.trim())
          .filter((e) => e.length > 0);
  }
  if (o.prefix !== undefined) patch.namePrefix = o.prefix;
  if (o.azureMarkup !== undefined) patch.azureMarkupPercent = o.azureMarkup.trim().replace(/%$/, '');
  if (o.approvalThreshold !== undefined) {
    patch.approvalThresholdPercent = NONE.has(o.approvalThreshold.trim().toLowerCase())
      ? null
      : parseCount('--approval-threshold', o.approvalThreshold);
  }
  if (o.reconEmail !== undefined) patch.reconEmail = parseOnOff('--recon-email', o.reconEmail);
  if (Object.keys(patch).length === 0)
    throw usage('Nothing to set: give at least one option (see `billsync program set --help`)');
  return patch;
}

/** What the adapter uses for correction charges when no charge code is set. */
export const DEFAULT_CHARGE_CODE: Record<ProgramView['target'], string> = {
  autotask: "Autotask's first active Material Cost Code (lowest id)",
  connectwise: "ConnectWise's default",
};

const onOff = (b: boolean) => (b ? 'on' : 'off');

export function programText(v: ProgramView): string {
  const s: StoredProgram = v.settings;
  return [
    `Microsoft CSP program on ${TARGET_LABEL[v.target]}${v.configured ? '' : ' (not set up yet: these are the defaults)'}`,
    `  Sync:                ${onOff(s.syncEnabled)}`,
    `  Product sync mode:   ${s.mode === 'all' ? 'All products' : 'In Use products only'}`,
    `  Billing motions:     monthly ${onOff(s.motions.monthly)}, annual ${onOff(s.motions.annual)}, Azure ${onOff(s.motions.azure)}`,
    `  Billing code:        ${s.billingCodeId ?? '(none: choose one)'}`,
    `  Vendor:              ${s.vendorId ?? '(none)'}`,
    `  Charge code:         ${s.chargeCodeId ?? `(default: ${DEFAULT_CHARGE_CODE[v.target]})`}`,
    `  Product name prefix: ${s.namePrefix}`,
    `  Azure markup:        ${s.azureMarkupPercent} %`,
    `  Approval:            ${s.approvalThresholdPercent === null ? 'changes apply at once' : `when a contract's monthly value changes by more than ${s.approvalThresholdPercent} %`}`,
    `  Notify:              ${s.emails.length ? s.emails.join(', ') : '(nobody)'}`,
    `  Monthly reconciliation e-mail: ${onOff(s.reconEmail)}`,
  ].join('\n');
}
