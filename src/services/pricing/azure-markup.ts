import type { WorkspaceId } from '../../core/ids';
import { dec, ZERO } from '../../core/money/decimal';
import { AZURE_PLAN_PRODUCT_ID } from '../../core/planner/azure-line';
import { type PriceRule, winningRule } from '../../core/price-rules/rules';
import { addDays, type PlainDate, parsePlainDate, startOfNextMonth } from '../../core/time/plain-date';
import type { Queryable } from '../../db/pool';
import { recordAudit } from '../../db/repos/audit';
import { deletePriceRule, endPriceRule, insertPriceRule, listPriceRules } from '../../db/repos/price-rules';

/**
 * The program settings' Azure markup is a price rule (issue 16, decision 0013): every customer, the Azure plan
 * product, a markup on its cost. The setting reads and writes that rule (one per workspace, whichever PSA's
 * settings show it); the rules page lists it like any other, with this note.
 */
export const AZURE_MARKUP_NOTE = 'Azure markup (program settings)';

/** Before any rule: the markup applies to every month, as the setting always did. */
const SINCE_EVER = parsePlainDate('2000-01-01');

const AZURE_OFFER = {
  offer: { productId: AZURE_PLAN_PRODUCT_ID, skuId: '0001', segment: 'Commercial' as const },
  productTitle: 'Microsoft Azure plan',
};

const isSettingRule = (r: PriceRule & { note: string }) =>
  r.note === AZURE_MARKUP_NOTE && r.customerTenantId === undefined;

/** The Azure markup for every customer on `day` (the winning rule's markup), or undefined when no markup rule. */
export async function azureMarkupOn(
  db: Queryable,
  ws: WorkspaceId,
  day: PlainDate,
): Promise<string | undefined> {
  const rule = winningRule(await listPriceRules(db, ws), undefined, AZURE_OFFER, day);
  return rule?.method.kind === 'markup' ? rule.method.percent.toString() : undefined;
}

/**
 * Sets the Azure markup from the program settings: the setting's earlier rule ends with the current month (or is
 * deleted when it had not started) and the new one starts on the next month's first day; the very first one
 * applies to every month (as the setting did). 0 leaves no rule: Azure is billed at cost.
 */
export async function setAzureMarkup(
  db: Queryable,
  ws: WorkspaceId,
  percent: string,
  today: PlainDate,
  actor: string,
): Promise<void> {
  const value = dec(percent);
  const nextPeriod = startOfNextMonth(today);
  const rules = (await listPriceRules(db, ws)).filter(isSettingRule);
  const current = winningRule(rules, undefined, AZURE_OFFER, nextPeriod);
  if (current?.method.kind === 'markup' && current.method.percent.eq(value)) return;
  if (!current && value.eq(ZERO)) return;
  for (const r of rules) {
    if (r.validFrom >= nextPeriod) await deletePriceRule(db, ws, r.id);
    else if (r.validTo === undefined || r.validTo >= nextPeriod)
      await endPriceRule(db, ws, r.id, addDays(nextPeriod, -1));
  }
  if (!value.eq(ZERO)) {
    await insertPriceRule(db, ws, {
      customerTenantId: undefined,
      offers: { kind: 'product', productId: AZURE_PLAN_PRODUCT_ID },
      basis: 'cost',
      method: { kind: 'markup', percent: value },
      rounding: 'cent',
      validFrom: rules.length === 0 ? SINCE_EVER : nextPeriod,
      validTo: undefined,
      position: 0,
      note: AZURE_MARKUP_NOTE,
      createdBy: actor,
    });
  }
  await recordAudit(db, {
    workspaceId: ws,
    actor,
    action: 'price_rule.azure_markup',
    targetType: 'price_rule',
    details: { percent: value.toString(), from: rules.length === 0 ? SINCE_EVER : nextPeriod },
  });
}
