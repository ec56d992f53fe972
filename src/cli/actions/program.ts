import type { Command } from 'commander';
import { getProgramSettings, listProgramOptions, saveProgramSettings } from '../../services/sync';
import { output, table } from '../output';
import { type CatalogFlags, catalogText, placementRows, programSetPatchOf } from '../program-catalog';
import { DEFAULT_CHARGE_CODE, type ProgramSetOptions, programText } from '../program-text';
import { parseTarget, withSync } from '../sync-context';

export async function programSet(opts: ProgramSetOptions & CatalogFlags, c: Command): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const patch = programSetPatchOf(opts);
  const saved = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    saveProgramSettings(deps, ws, target, patch, 'cli'),
  );
  for (const w of saved.warnings) out.info(`warning: ${w}`);
  out.result(saved, () => showText(saved));
}

export async function programShow(opts: { target: string; workspace?: string }, c: Command): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  const target = parseTarget(opts.target);
  const view = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    getProgramSettings(deps, ws, target),
  );
  out.result(view, () => showText(view));
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
      ...placementRows(options.placement).flatMap((p) => [
        '',
        p.title,
        table(p.rows[0]?.length === 3 ? ['id', 'name', 'category'] : ['id', 'name'], p.rows),
      ]),
    ].join('\n'),
  );
}

/** The settings in words, with ConnectWise's catalog placement. */
function showText(view: Parameters<typeof programText>[0]): string {
  return [programText(view), ...catalogText(view)].join('\n');
}
