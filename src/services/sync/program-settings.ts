import { z } from 'zod';
import type { WorkspaceId } from '../../core/ids';
import { recordAudit } from '../../db/repos/audit';
import { getProgram, type StoredProgram, saveProgram, type TargetKind } from '../../db/repos/sync';
import { DEFAULT_PROGRAM } from '../../engine/program';
import { AppError } from '../errors';
import { refreshSetupStatus } from './connect';
import { readDirectory, type SyncDeps, TARGET_LABEL, tryReadDirectory } from './psa';

const PsaId = z.string().trim().min(1, 'an id is required').max(64);

/**
 * A change of the program settings (spec section 3): the fields given replace the stored ones, the others
 * stay (defaults for a new program). The API and the CLI both validate with it.
 */
export const ProgramPatch = z
  .object({
    syncEnabled: z.boolean(),
    mode: z.enum(['all', 'in-use']),
    motions: z.object({ monthly: z.boolean(), annual: z.boolean(), azure: z.boolean() }).partial(),
    billingCodeId: PsaId.nullable(),
    vendorId: PsaId.nullable(),
    emails: z.array(z.email('not an email address')).max(20, 'at most 20 notification addresses'),
    namePrefix: z
      .string()
      .max(20, 'the product name prefix is at most 20 characters')
      .regex(/^[\w.:-]*$/, 'the product name prefix may use letters, digits and _ . : - only'),
    azureMarkupPercent: z
      .string()
      .regex(/^\d{1,4}(\.\d{1,4})?$/, 'the Azure markup is a percentage like 10 or 12.5'),
    approvalThresholdPercent: z.number().min(0).max(10_000).nullable(),
  })
  .partial()
  .strict();
export type ProgramPatch = z.infer<typeof ProgramPatch>;

export interface ProgramView {
  target: TargetKind;
  /** Stored at least once (else `settings` are the defaults). */
  configured: boolean;
  settings: StoredProgram;
}

export async function getProgramSettings(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
): Promise<ProgramView> {
  const stored = await getProgram(deps.pool, ws, target);
  return { target, configured: stored !== undefined, settings: { ...DEFAULT_PROGRAM, ...stored } };
}

/** Checks the billing code and vendor against the PSA when it answers; a warning when it does not. */
async function checkWithPsa(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  patch: ProgramPatch,
): Promise<string[]> {
  if (!patch.billingCodeId && !patch.vendorId) return [];
  const dir = await tryReadDirectory(deps, ws, target);
  if (!dir.ok) {
    return [`The billing code and vendor could not be checked (${dir.message}); they are saved as entered`];
  }
  const label = TARGET_LABEL[target];
  if (patch.billingCodeId) {
    const code = dir.value.billingCodes.find((b) => b.id === patch.billingCodeId);
    if (!code?.recurringContractService || !code.active) {
      throw new AppError(
        'validation_failed',
        `${code ? `Billing code ${code.name} (${code.id}) is ${code.active ? 'not a Recurring Contract Service code' : 'inactive'}` : `${label} has no billing code ${patch.billingCodeId}`}: choose an active Recurring Contract Service billing code (see \`billsync program options\`)`,
      );
    }
  }
  if (patch.vendorId) {
    const vendor = dir.value.companies.find((c) => c.id === patch.vendorId);
    if (vendor?.kind !== 'vendor') {
      throw new AppError(
        'validation_failed',
        `${vendor ? `${vendor.name} (${vendor.id}) is not a vendor company` : `${label} has no company ${patch.vendorId}`}: choose a company of type Vendor, or none`,
      );
    }
  }
  return [];
}

/** Saves program settings; returns the settings now in force and any warning for the user. */
export async function saveProgramSettings(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  input: unknown,
  actor: string,
): Promise<ProgramView & { warnings: string[] }> {
  const parsed = ProgramPatch.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? ` (${first.path.join('.')})` : '';
    throw new AppError(
      'validation_failed',
      `The program settings are not valid: ${first?.message ?? 'bad input'}${where}`,
      parsed.error.issues,
    );
  }
  const patch = parsed.data;
  const current = { ...DEFAULT_PROGRAM, ...(await getProgram(deps.pool, ws, target)) };
  const next: StoredProgram = {
    syncEnabled: patch.syncEnabled ?? current.syncEnabled,
    mode: patch.mode ?? current.mode,
    motions: {
      monthly: patch.motions?.monthly ?? current.motions.monthly,
      annual: patch.motions?.annual ?? current.motions.annual,
      azure: patch.motions?.azure ?? current.motions.azure,
    },
    billingCodeId: patch.billingCodeId !== undefined ? patch.billingCodeId : current.billingCodeId,
    vendorId: patch.vendorId !== undefined ? patch.vendorId : current.vendorId,
    namePrefix: patch.namePrefix ?? current.namePrefix,
    azureMarkupPercent: patch.azureMarkupPercent ?? current.azureMarkupPercent,
    emails: patch.emails ? [...new Set(patch.emails.map((e) => e.toLowerCase()))] : current.emails,
    approvalThresholdPercent:
      patch.approvalThresholdPercent !== undefined
        ? patch.approvalThresholdPercent
        : current.approvalThresholdPercent,
  };
  if (next.syncEnabled && target === 'autotask' && !next.billingCodeId) {
    throw new AppError(
      'validation_failed',
      'Choose a billing code before switching sync on: Autotask needs one for every product billsync creates',
    );
  }
  const warnings = await checkWithPsa(deps, ws, target, patch);
  await saveProgram(deps.pool, ws, target, next);
  await recordAudit(deps.pool, {
    workspaceId: ws,
    actor,
    action: 'program.save',
    targetType: 'program',
    targetId: target,
    details: { changed: Object.keys(patch) },
  });
  await refreshSetupStatus(deps.pool, ws, target);
  return { target, configured: true, settings: next, warnings };
}

export interface ProgramOptions {
  /** Active billing codes usable on recurring contract services (the only ones the program may use). */
  billingCodes: { id: string; name: string }[];
  /** Active companies of type Vendor. */
  vendors: { id: string; name: string }[];
}

export const byName = (a: { id: string; name: string }, b: { id: string; name: string }) =>
  a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** The choices of the settings dropdowns, read from the PSA. */
export async function listProgramOptions(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
): Promise<ProgramOptions> {
  const dir = await readDirectory(deps, ws, target);
  return {
    billingCodes: dir.billingCodes
      .filter((b) => b.recurringContractService && b.active)
      .map((b) => ({ id: b.id, name: b.name }))
      .sort(byName),
    vendors: dir.companies
      .filter((c) => c.kind === 'vendor' && c.active)
      .map((c) => ({ id: c.id, name: c.name }))
      .sort(byName),
  };
}
