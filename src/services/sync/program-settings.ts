import type { WorkspaceId } from '../../core/ids';
import { startOfNextMonth } from '../../core/time/plain-date';
import { recordAudit } from '../../db/repos/audit';
import { getProgram, type StoredProgram, saveProgram, type TargetKind } from '../../db/repos/sync';
import { DEFAULT_PROGRAM } from '../../engine/program';
import { AppError } from '../errors';
import { azureMarkupOn, setAzureMarkup } from '../pricing/azure-markup';
import { refreshSetupStatus } from './connect';
import { type ProgramOptionsWire, ProgramPatch } from './program-schemas';
import { readDirectory, type SyncDeps, TARGET_LABEL, tryReadDirectory, withPsa } from './psa';

export { ProgramPatch } from './program-schemas';

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
  const settings = { ...DEFAULT_PROGRAM, ...stored };
  return { target, configured: stored !== undefined, settings: await withAzureMarkup(deps, ws, settings) };
}

/**
 * The Azure markup shown with the settings is the price rule's (decision 0013) from the next contract period on, the
 * stored value only where no markup rule exists (settings saved before the rule).
 */
async function withAzureMarkup(
  deps: SyncDeps,
  ws: WorkspaceId,
  settings: StoredProgram,
): Promise<StoredProgram> {
  const markup = await azureMarkupOn(deps.pool, ws, startOfNextMonth(deps.clock.today()));
  return markup === undefined ? settings : { ...settings, azureMarkupPercent: markup };
}

/** What the PSA calls a code for one-time contract charges. */
const CHARGE_CODE_WORD: Record<TargetKind, string> = {
  autotask: 'Material Cost Code',
  connectwise: 'charge code',
};

const listed = (words: string[]) =>
  words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : (words[0] ?? '');

/**
 * Checks the billing code, vendor and charge code given against the PSA when it answers; a warning when it does
 * not (they are saved as entered then).
 */
async function checkWithPsa(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  patch: ProgramPatch,
): Promise<string[]> {
  const given = [
    patch.billingCodeId ? 'billing code' : undefined,
    patch.vendorId ? 'vendor' : undefined,
    patch.chargeCodeId ? 'charge code' : undefined,
  ].filter((w) => w !== undefined);
  const annualOn = patch.motions?.annual === true;
  if (given.length === 0 && !annualOn) return [];
  const dir = await tryReadDirectory(deps, ws, target);
  // Annual subscriptions are one-time charges (decision 0015): say so now if the PSA has no code for them.
  const annual =
    annualOn && dir.ok && !patch.chargeCodeId && !dir.value.billingCodes.some((b) => b.chargeCode && b.active)
      ? [
          `Annual subscriptions are booked as one-time charges, and ${TARGET_LABEL[target]} has no active ${CHARGE_CODE_WORD[target]} for them: create one before the next sync`,
        ]
      : [];
  if (given.length === 0) return annual;
  if (!dir.ok) {
    const what = listed(given);
    const word = given.length > 1 ? 'they are' : 'it is';
    return [`The ${what} could not be checked (${dir.message}); ${word} saved as entered`];
  }
  const label = TARGET_LABEL[target];
  if (patch.billingCodeId) {
    const code = dir.value.billingCodes.find((b) => b.id === patch.billingCodeId);
    if (!code?.recurringContractService || !code.active) {
      throw new AppError(
        'validation_failed',
        `${code ? `Billing code ${code.name} (${code.id}) is ${code.active ? 'not a Recurring Contract Service code' : 'inactive'}` : `${label} has no billing code ${patch.billingCodeId}`}: choose an active Recurring Contract Service billing code`,
        undefined,
        { cli: 'see `billsync program options`' },
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
  if (patch.chargeCodeId) {
    const code = dir.value.billingCodes.find((b) => b.id === patch.chargeCodeId);
    const word = CHARGE_CODE_WORD[target];
    if (!code?.chargeCode || !code.active) {
      throw new AppError(
        'validation_failed',
        `${code ? `Billing code ${code.name} (${code.id}) is ${code.active ? `not a ${word}` : 'inactive'}` : `${label} has no billing code ${patch.chargeCodeId}`}: choose an active ${word} for the correction charges, or none for ${label}'s default`,
        undefined,
        { cli: 'see `billsync program options`' },
      );
    }
  }
  return annual;
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
    chargeCodeId: patch.chargeCodeId !== undefined ? patch.chargeCodeId : current.chargeCodeId,
    namePrefix: patch.namePrefix ?? current.namePrefix,
    // The Azure markup is a price rule (set below); the stored value stays as it was.
    azureMarkupPercent: current.azureMarkupPercent,
    emails: patch.emails ? [...new Set(patch.emails.map((e) => e.toLowerCase()))] : current.emails,
    reconEmail: patch.reconEmail ?? current.reconEmail,
    approvalThresholdPercent:
      patch.approvalThresholdPercent !== undefined
        ? patch.approvalThresholdPercent
        : current.approvalThresholdPercent,
  };
  if (patch.catalog) {
    if (target !== 'connectwise') {
      throw new AppError('validation_failed', 'Catalog settings are for ConnectWise only');
    }
    const was = current.catalog ?? { categoryId: null, subcategoryId: null, typeId: null, taxable: false };
    const given = patch.catalog;
    const catalog = {
      categoryId: given.categoryId !== undefined ? given.categoryId : was.categoryId,
      subcategoryId: given.subcategoryId !== undefined ? given.subcategoryId : was.subcategoryId,
      typeId: given.typeId !== undefined ? given.typeId : was.typeId,
      taxable: given.taxable ?? was.taxable,
    };
    next.catalog = catalog;
    // ConnectWise files catalog items by subcategory (decision 0012); the planner needs no billing code there
    // (the snapshot's product rules), but the subcategory is kept as the nearest notion for what shows one.
    if (catalog.subcategoryId) {
      next.billingCodeId = catalog.subcategoryId;
    }
  } else if (current.catalog) {
    next.catalog = current.catalog;
  }
  if (next.syncEnabled && target === 'autotask' && !next.billingCodeId) {
    throw new AppError(
      'validation_failed',
      'Choose a billing code before switching sync on: Autotask needs one for every product billsync creates',
    );
  }
  const warnings = await checkWithPsa(deps, ws, target, patch);
  await saveProgram(deps.pool, ws, target, next);
  if (patch.azureMarkupPercent !== undefined)
    await setAzureMarkup(deps.pool, ws, patch.azureMarkupPercent, deps.clock.today(), actor);
  await recordAudit(deps.pool, {
    workspaceId: ws,
    actor,
    action: 'program.save',
    targetType: 'program',
    targetId: target,
    details: { changed: Object.keys(patch) },
  });
  await refreshSetupStatus(deps.pool, ws, target);
  return { target, configured: true, settings: await withAzureMarkup(deps, ws, next), warnings };
}

/** The choices of the settings dropdowns (billing codes, charge codes, vendors). */
export type ProgramOptions = ProgramOptionsWire;

export const byName = (a: { id: string; name: string }, b: { id: string; name: string }) =>
  a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** The choices of the settings dropdowns, read from the PSA. */
export async function listProgramOptions(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
): Promise<ProgramOptions> {
  const dir = await readDirectory(deps, ws, target);
  const placement = await withPsa(target, async () => {
    const adapter = await deps.openTarget(ws, target);
    return adapter.readProductPlacement?.({});
  });
  return {
    ...(placement ? { placement } : {}),
    billingCodes: dir.billingCodes
      .filter((b) => b.recurringContractService && b.active)
      .map((b) => ({ id: b.id, name: b.name }))
      .sort(byName),
    chargeCodes: dir.billingCodes
      .filter((b) => b.chargeCode === true && b.active)
      .map((b) => ({ id: b.id, name: b.name }))
      .sort(byName),
    vendors: dir.companies
      .filter((c) => c.kind === 'vendor' && c.active)
      .map((c) => ({ id: c.id, name: c.name }))
      .sort(byName),
  };
}
