import type { Command } from 'commander';
import type { StoredProgram } from '../../db/repos/sync';
import {
  getProgramSettings,
  listProgramOptions,
  type ProgramPatch,
  type ProgramView,
  saveProgramSettings,
  TARGET_LABEL,
} from '../../services/sync';
import { parseChoice, parseCount, parseOnOff, usage } from '../exit';
import { output, table } from '../output';
import { parseTarget, TARGET_OPTION, withSync } from '../sync-context';
import { WORKSPACE_OPTION } from '../workspace-option';

interface ProgramSetOptions {
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
  if (Object.keys(patch).length === 0)
    throw usage('Nothing to set: give at least one option (see `billsync program set --help`)');
  return patch;
}

/** What the adapter uses for correction charges when no charge code is set. */
const DEFAULT_CHARGE_CODE: Record<ProgramView['target'], string> = {
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
  ].join('\n');
}

/** `billsync program set|show|options`: the Microsoft CSP program settings of a PSA. */
export function registerProgram(program: Command): void {
  const cmd = program.command('program').description('the Microsoft CSP program settings of a PSA');
  cmd
    .command('set')
    .description('change program settings; options left out keep their value')
    .option(...TARGET_OPTION)
    .option('--sync <on|off>', 'sync this program to the PSA')
    .option('--mode <all|in-use>', 'product sync mode: every price-list offer, or only invoiced ones')
    .option('--monthly <on|off>', 'seat-based monthly billing')
    .option('--annual <on|off>', 'seat-based annual billing')
    .option('--azure <on|off>', 'Azure plan')
    .option('--billing-code <id>', 'billing code of new products (a Recurring Contract Service code)')
    .option('--vendor <id|none>', 'vendor company of new products')
    .option(
      '--charge-code <id|none>',
      "code of the one-time charges/credits for days that can no longer change (Autotask: a Material Cost Code); none = the PSA's default",
    )
    .option('--emails <a@b,c@d|none>', 'who gets sync errors and price-change warnings')
    .option('--prefix <text>', 'product name prefix (default PC_)')
    .option('--azure-markup <percent>', 'markup on Azure cost for the retail price, e.g. 10')
    .option(
      '--approval-threshold <percent|off>',
      'hold customer syncs for approval above this monthly change',
    )
    .option(...WORKSPACE_OPTION)
    .action(async (opts: ProgramSetOptions, c: Command) => {
      const out = output(Boolean(c.optsWithGlobals().json));
      const target = parseTarget(opts.target);
      const patch = programPatchOf(opts);
      const saved = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
        saveProgramSettings(deps, ws, target, patch, 'cli'),
      );
      for (const w of saved.warnings) out.info(`warning: ${w}`);
      out.result(saved, () => programText(saved));
    });

  cmd
    .command('show')
    .description('show the program settings')
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { target: string; workspace?: string }, c: Command) => {
      const out = output(Boolean(c.optsWithGlobals().json));
      const target = parseTarget(opts.target);
      const view = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
        getProgramSettings(deps, ws, target),
      );
      out.result(view, () => programText(view));
    });

  cmd
    .command('options')
    .description("list the PSA's Recurring Contract Service billing codes, charge codes and vendor companies")
    .option(...TARGET_OPTION)
    .option(...WORKSPACE_OPTION)
    .action(async (opts: { target: string; workspace?: string }, c: Command) => {
      const out = output(Boolean(c.optsWithGlobals().json));
      const target = parseTarget(opts.target);
      const options = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
        listProgramOptions(deps, ws, target),
      );
      out.result(options, () =>
        [
          'Billing codes (--billing-code):',
          table(
            ['id', 'name'],
            options.billingCodes.map((b) => [b.id, b.name]),
          ),
          '',
          `Charge codes for corrections (--charge-code; none = ${DEFAULT_CHARGE_CODE[target]}):`,
          table(
            ['id', 'name'],
            options.chargeCodes.map((b) => [b.id, b.name]),
          ),
          '',
          'Vendors (--vendor):',
          table(
            ['id', 'name'],
            options.vendors.map((v) => [v.id, v.name]),
          ),
        ].join('\n'),
      );
    });
}
