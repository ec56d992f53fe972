import type { Command } from 'commander';
import { getProgramSettings, listProgramOptions, saveProgramSettings } from '../../services/sync';
import { output, table } from '../output';
import { DEFAULT_CHARGE_CODE, type ProgramSetOptions, programPatchOf, programText } from '../program-text';
import { parseTarget, withSync } from '../sync-context';

export async function programSet(opts: ProgramSetOptions, c: Command): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const patch = programPatchOf(opts);
  const saved = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    saveProgramSettings(deps, ws, target, patch, 'cli'),
  );
  for (const w of saved.warnings) out.info(`warning: ${w}`);
  out.result(saved, () => programText(saved));
}

export async function programShow(opts: { target: string; workspace?: string }, c: Command): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const view = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    getProgramSettings(deps, ws, target),
  );
  out.result(view, () => programText(view));
}

export async function programOptions(
  opts: { target: string; workspace?: string },
  c: Command,
): Promise<void> {
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
}
