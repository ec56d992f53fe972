import type { Command } from 'commander';
import type { PriceRuleInput, PriceRuleOut, RuleEffectOut } from '../../services/pricing/price-rule-schemas';
import {
  addRule,
  listRules,
  previewPrice,
  removeRule,
  ruleEffect,
  searchSkus,
} from '../../services/pricing/price-rules';
import { parseCount, usage } from '../exit';
import { output, table } from '../output';
import { parseDateOption, withSync } from '../sync-context';

/** The flags of `rules add` / `rules effect` that describe a rule. */
export interface RuleFlags {
  customer?: string;
  sku?: string;
  product?: string;
  family?: string;
  segment?: string;
  basis: string;
  markup?: string;
  margin?: string;
  add?: string;
  price?: string;
  rounding: string;
  from?: string;
  to?: string;
  position: string;
  note?: string;
  asOf?: string;
  workspace?: string;
}

/** The rule the flags describe (the service checks values and says what is wrong). */
export function ruleInputOf(f: RuleFlags): PriceRuleInput {
  const scopes = [
    f.sku !== undefined && { kind: 'sku' as const, sku: f.sku },
    f.product !== undefined && { kind: 'product' as const, productId: f.product },
    f.family !== undefined && { kind: 'family' as const, title: f.family },
    f.segment !== undefined && { kind: 'segment' as const, segment: f.segment as 'Commercial' },
  ].filter((x) => x !== false);
  if (scopes.length > 1) throw usage('Give at most one of --sku, --product, --family and --segment');
  const methods = [
    f.markup !== undefined && { method: 'markup' as const, value: f.markup },
    f.margin !== undefined && { method: 'margin' as const, value: f.margin },
    f.add !== undefined && { method: 'amount' as const, value: f.add },
    f.price !== undefined && { method: 'fixed' as const, value: f.price },
  ].filter((x) => x !== false);
  if (methods.length !== 1) throw usage('Give exactly one of --markup, --margin, --add and --price');
  const position = Number(f.position);
  if (!Number.isInteger(position) || position < 0)
    throw usage(`--position must be a whole number, not "${f.position}"`);
  return {
    ...(f.customer ? { customer: f.customer } : {}),
    offers: scopes[0] ?? { kind: 'all' },
    basis: f.basis as 'cost',
    ...methods[0]!,
    rounding: f.rounding as 'cent',
    // Dates are checked here, as every command's date flags: a malformed one is a usage error (exit 2).
    ...(f.from ? { validFrom: parseDateOption('--from', f.from) } : {}),
    ...(f.to ? { validTo: parseDateOption('--to', f.to) } : {}),
    position,
    ...(f.note ? { note: f.note } : {}),
  };
}

function rulesTable(rules: readonly PriceRuleOut[]): string {
  if (rules.length === 0) return 'No price rules: prices follow the price list retail.';
  return table(
    ['rule', 'position', 'rule in words', 'note'],
    rules.map((r) => [r.id, r.position, r.description, r.note]),
  );
}

function effectText(e: RuleEffectOut): string {
  if (e.customers.length === 0) return `No customer's ${e.period} bill changes.`;
  const rows = e.customers.flatMap((c) =>
    c.lines.map((l) => [c.name, l.title, l.seats, `${l.from} -> ${l.to}`, `${c.currency} ${l.delta}`]),
  );
  return [
    `Effect on ${e.period} (seats of each customer's latest invoice):`,
    table(['customer', 'offer', 'seats', 'price', 'per month'], rows),
    `Total: ${e.totals.map((t) => `${t.currency} ${t.delta}`).join(', ')}`,
  ].join('\n');
}

export async function rulesList(opts: { workspace?: string }, c: Command): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  const list = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) => listRules(deps, ws));
  out.result(list.items, () => rulesTable(list.items));
}

/** `billsync rules skus`: GET /api/price-rules/skus, the SKUs a rule can name. */
export async function rulesSkus(
  opts: { search?: string; limit: string; workspace?: string },
  c: Command,
): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  const limit = parseCount('--limit', opts.limit);
  const found = await withSync({ workspace: opts.workspace }, out, ({ deps, ws }) =>
    searchSkus(deps, ws, { search: opts.search ?? '', limit }),
  );
  out.result(found, () =>
    found.items.length
      ? table(
          ['SKU', 'TITLE'],
          found.items.map((i) => [i.sku, i.title]),
        )
      : 'No SKU of the imported price list matches.',
  );
}

export async function rulesAdd(opts: RuleFlags, c: Command): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  const input = ruleInputOf(opts);
  const asOf = parseDateOption('--as-of', opts.asOf);
  const added = await withSync({ workspace: opts.workspace, asOf }, out, ({ deps, ws }) =>
    addRule(deps, ws, input, 'cli'),
  );
  for (const w of added.warnings) out.warn(w);
  out.result(added.rule, () => `Added rule ${added.rule.id}: ${added.rule.description}`);
}

export async function rulesRemove(
  id: string,
  opts: { workspace?: string; asOf?: string },
  c: Command,
): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  const asOf = parseDateOption('--as-of', opts.asOf);
  const removed = await withSync({ workspace: opts.workspace, asOf }, out, ({ deps, ws }) =>
    removeRule(deps, ws, id.trim(), 'cli'),
  );
  out.result({ ...removed.removed, outcome: removed.outcome }, () =>
    removed.outcome === 'ended'
      ? `Ended rule ${removed.removed.id} (it priced periods already; it stops after ${removed.removed.validTo}): ${removed.removed.description}`
      : `Removed rule ${removed.removed.id}: ${removed.removed.description}`,
  );
}

export async function rulesPreview(
  opts: { sku: string; customer?: string; date?: string; asOf?: string; workspace?: string },
  c: Command,
): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  parseDateOption('--date', opts.date);
  const asOf = parseDateOption('--as-of', opts.asOf);
  const preview = await withSync({ workspace: opts.workspace, asOf }, out, ({ deps, ws }) =>
    previewPrice(deps, ws, {
      sku: opts.sku,
      ...(opts.customer ? { customer: opts.customer } : {}),
      ...(opts.date ? { date: opts.date } : {}),
    }),
  );
  out.result(preview, () =>
    [
      `${preview.customer ? preview.customer.name : 'Every customer'} on ${preview.date}:`,
      table(
        ['offer', 'cost', 'list retail', 'rule', 'price'],
        preview.offers.map((o) => [
          o.offerKey,
          `${o.currency} ${o.cost}`,
          `${o.currency} ${o.listRetail}`,
          o.rule?.description ?? '(none: list retail)',
          `${o.currency} ${o.price}`,
        ]),
      ),
    ].join('\n'),
  );
}

export async function rulesEffect(opts: RuleFlags & { remove?: string }, c: Command): Promise<void> {
  const out = output(Boolean(c.optsWithGlobals().json));
  const adding = [opts.markup, opts.margin, opts.add, opts.price].some((v) => v !== undefined);
  if (!adding && !opts.remove)
    throw usage('Describe a rule to add (--markup, --margin, --add or --price) or --remove <rule-id>');
  const body = {
    ...(adding ? { add: ruleInputOf(opts) } : {}),
    ...(opts.remove ? { remove: opts.remove.trim() } : {}),
  };
  const asOf = parseDateOption('--as-of', opts.asOf);
  const effect = await withSync({ workspace: opts.workspace, asOf }, out, ({ deps, ws }) =>
    ruleEffect(deps, ws, body),
  );
  out.result(effect, () => effectText(effect));
}
