import type { WorkspaceId } from '../../core/ids';
import { offerKeyText, type PriceListEntry, skuCode } from '../../core/model/source';
import { type Decimal, dec, ZERO } from '../../core/money/decimal';
import { priceListSpans, pricePerPeriod } from '../../core/planner/pricing';
import {
  applyRule,
  type PriceRule,
  type RuleOffer,
  ruleCovers,
  ruledRetailSpans,
  winningRule,
} from '../../core/price-rules/rules';
import { periodOf } from '../../core/time/billing-period';
import type { Clock } from '../../core/time/clock';
import { addDays, formatDayMonthYear, parsePlainDate, startOfNextMonth } from '../../core/time/plain-date';
import type { Pool } from '../../db/pool';
import { recordAudit } from '../../db/repos/audit';
import {
  deletePriceRule,
  endPriceRule,
  getPriceRule,
  insertPriceRule,
  listPriceRules,
  type StoredPriceRule,
  searchPriceListSkus,
} from '../../db/repos/price-rules';
import { listSourceCustomers } from '../../db/repos/source-data';
import { listPriceEntries } from '../../db/repos/source-data/price-list';
import { AppError } from '../errors';
import { resolveCustomerRef } from '../sync/mapping';
import {
  type PricePreviewOut,
  PricePreviewQuery,
  PriceRuleInput,
  type PriceRuleOut,
  RuleEffectInput,
  type RuleEffectOut,
  SkuSearchQuery,
} from './price-rule-schemas';

/** What the price-rule use cases need. */
export interface PricingDeps {
  pool: Pool;
  clock: Pick<Clock, 'today'>;
}

const METHOD_WORDS = { markup: 'Markup', margin: 'Margin', amount: 'Add', fixed: 'Fixed price' } as const;

/** A rule in words: `Markup 15% on cost · every customer · SKU CFQ7TTC0LCHC:0002 · rounded up to .99`. */
export function describeRule(r: PriceRule, customerName?: string): string {
  const m = r.method;
  const what =
    m.kind === 'fixed'
      ? `Fixed price ${m.price.toFixed(2)}`
      : m.kind === 'amount'
        ? `${m.amount.lt(ZERO) ? 'Subtract' : 'Add'} ${m.amount.abs().toFixed(2)} to ${r.basis === 'cost' ? 'cost' : 'list retail'}`
        : `${METHOD_WORDS[m.kind]} ${m.percent.toString()}% on ${r.basis === 'cost' ? 'cost' : 'list retail'}`;
  const who = r.customerTenantId ? (customerName ?? r.customerTenantId) : 'every customer';
  const o = r.offers;
  const offers =
    o.kind === 'all'
      ? 'all offers'
      : o.kind === 'sku'
        ? `SKU ${o.sku}`
        : o.kind === 'product'
          ? `product ${o.productId}`
          : o.kind === 'family'
            ? `titles starting "${o.title}"`
            : `${o.segment} segment`;
  const rounding = r.rounding === 'cent' ? '' : ` · rounded up to ${r.rounding === 'x9' ? '.x9' : '.99'}`;
  const dates = `from ${formatDayMonthYear(r.validFrom)}${r.validTo ? ` to ${formatDayMonthYear(r.validTo)}` : ''}`;
  return `${what} · ${who} · ${offers}${rounding} · ${dates}`;
}

function invalid(message: string): AppError {
  return new AppError('validation_failed', message);
}

async function customerNames(pool: Pool, ws: WorkspaceId): Promise<Map<string, string>> {
  return new Map((await listSourceCustomers(pool, ws)).map((c) => [c.tenantId, c.name]));
}

function toOut(r: StoredPriceRule, names: ReadonlyMap<string, string>): PriceRuleOut {
  const name = r.customerTenantId ? (names.get(r.customerTenantId) ?? r.customerTenantId) : undefined;
  const m = r.method;
  return {
    id: r.id,
    customer: r.customerTenantId ? { tenantId: r.customerTenantId, name: name! } : null,
    offers: r.offers,
    basis: r.basis,
    method: m.kind,
    value: (m.kind === 'fixed' ? m.price : m.kind === 'amount' ? m.amount : m.percent).toString(),
    rounding: r.rounding,
    validFrom: r.validFrom,
    validTo: r.validTo ?? null,
    position: r.position,
    note: r.note,
    description: describeRule(r, name),
    createdAt: r.createdAt,
    createdBy: r.createdBy,
  };
}

export async function listRules(deps: PricingDeps, ws: WorkspaceId): Promise<{ items: PriceRuleOut[] }> {
  const [rules, names] = await Promise.all([listPriceRules(deps.pool, ws), customerNames(deps.pool, ws)]);
  return { items: rules.map((r) => toOut(r, names)) };
}

/** A rule from its input (checked), not stored: for adding and for the money effect of adding. */
async function ruleOf(
  deps: PricingDeps,
  ws: WorkspaceId,
  input: unknown,
): Promise<Omit<StoredPriceRule, 'id' | 'createdAt' | 'createdBy'> & { warnings: string[] }> {
  const parsed = PriceRuleInput.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(`${issue.path.join('.') || 'rule'}: ${issue.message}`);
  }
  const p = parsed.data;
  const value = dec(p.value);
  if (p.method === 'margin' && !value.lt(100)) throw invalid('A margin is a percent of the price below 100');
  if (p.method === 'fixed' && value.lt(ZERO)) throw invalid('A fixed price cannot be negative');
  const today = deps.clock.today();
  const nextPeriod = startOfNextMonth(today);
  const validFrom = p.validFrom ? parsePlainDate(p.validFrom) : nextPeriod;
  const validTo = p.validTo ? parsePlainDate(p.validTo) : undefined;
  if (validTo !== undefined && validTo < validFrom)
    throw invalid(`The rule ends (${validTo}) before it starts (${validFrom})`);
  const customer = p.customer ? await resolveCustomerRef(deps.pool, ws, p.customer) : undefined;
  const warnings: string[] = [];
  // Decision 0013: a rule prices whole contract periods (the price on a period's first day); one dated before the
  // next period reprices periods already started or billed, which the next sync corrects.
  if (validFrom < nextPeriod)
    warnings.push(
      `The rule starts before ${formatDayMonthYear(nextPeriod)}: contract periods already started are repriced from their first day on the next sync (posted periods through a correction charge)`,
    );
  const method =
    p.method === 'fixed'
      ? { kind: 'fixed' as const, price: value }
      : p.method === 'amount'
        ? { kind: 'amount' as const, amount: value }
        : { kind: p.method, percent: value };
  return {
    customerTenantId: customer?.tenantId,
    offers: p.offers,
    basis: p.basis,
    method,
    rounding: p.rounding,
    validFrom,
    validTo,
    position: p.position,
    note: p.note,
    warnings,
  };
}

export async function addRule(
  deps: PricingDeps,
  ws: WorkspaceId,
  input: unknown,
  actor: string,
): Promise<{ rule: PriceRuleOut; warnings: string[] }> {
  const { warnings, ...rule } = await ruleOf(deps, ws, input);
  const stored = await insertPriceRule(deps.pool, ws, { ...rule, createdBy: actor });
  const out = toOut(stored, await customerNames(deps.pool, ws));
  await recordAudit(deps.pool, {
    workspaceId: ws,
    actor,
    action: 'price_rule.add',
    targetType: 'price_rule',
    targetId: stored.id,
    details: { rule: out },
  });
  return { rule: out, warnings };
}

/**
 * Removes a rule (audited). Decision 0013: a rule never changes a period already started, so a rule that priced
 * periods already is ended on the last day of the current month (its past stays the record of those prices) and
 * only a rule that has not started is deleted. One that ended before the current month is left as it is.
 */
export async function removeRule(
  deps: PricingDeps,
  ws: WorkspaceId,
  id: string,
  actor: string,
): Promise<{ removed: PriceRuleOut; outcome: 'deleted' | 'ended' }> {
  const rule = await getPriceRule(deps.pool, ws, id);
  if (!rule) throw new AppError('not_found', `No price rule ${id}: see the list of rules`);
  const nextPeriod = startOfNextMonth(deps.clock.today());
  const lastDay = addDays(nextPeriod, -1);
  if (rule.validFrom < nextPeriod && rule.validTo !== undefined && rule.validTo <= lastDay)
    throw new AppError(
      'conflict',
      `The rule ended on ${formatDayMonthYear(rule.validTo)}: it stays as the record of the prices it set`,
    );
  const outcome = rule.validFrom < nextPeriod ? 'ended' : 'deleted';
  if (outcome === 'ended') await endPriceRule(deps.pool, ws, id, lastDay);
  else await deletePriceRule(deps.pool, ws, id);
  const after = outcome === 'ended' ? { ...rule, validTo: lastDay } : rule;
  const out = toOut(after, await customerNames(deps.pool, ws));
  await recordAudit(deps.pool, {
    workspaceId: ws,
    actor,
    action: outcome === 'ended' ? 'price_rule.end' : 'price_rule.remove',
    targetType: 'price_rule',
    targetId: id,
    details: { rule: toOut(rule, new Map()), ...(outcome === 'ended' ? { validTo: lastDay } : {}) },
  });
  return { removed: out, outcome };
}

function ruleOffer(e: PriceListEntry): RuleOffer {
  return { offer: e.offer, productTitle: e.productTitle };
}

/** The live preview: per offer of the SKU, cost, list retail, the rule that applies and the resulting price. */
export async function previewPrice(
  deps: PricingDeps,
  ws: WorkspaceId,
  query: unknown,
): Promise<PricePreviewOut> {
  const parsed = PricePreviewQuery.safeParse(query);
  if (!parsed.success) throw invalid(parsed.error.issues[0]!.message);
  const q = parsed.data;
  const date = q.date ? parsePlainDate(q.date) : startOfNextMonth(deps.clock.today());
  const customer = q.customer ? await resolveCustomerRef(deps.pool, ws, q.customer) : undefined;
  const [entries, rules] = await Promise.all([
    listPriceEntries(deps.pool, ws),
    listPriceRules(deps.pool, ws),
  ]);
  const sku = q.sku.toUpperCase();
  const mine = entries.filter(
    (e) =>
      (`${e.offer.productId}:${e.offer.skuId}`.toUpperCase() === sku ||
        skuCode(e.offer).toUpperCase() === sku) &&
      e.effective.start <= date &&
      (e.effective.end === undefined || date < e.effective.end),
  );
  if (mine.length === 0)
    throw new AppError(
      'not_found',
      `The price list has no offer of SKU ${q.sku} on ${formatDayMonthYear(date)}`,
    );
  const names = await customerNames(deps.pool, ws);
  return {
    date,
    customer: customer ? { tenantId: customer.tenantId, name: customer.name } : null,
    offers: mine.map((e) => {
      const rule = winningRule(rules, customer?.tenantId, ruleOffer(e), date);
      const price = rule ? applyRule(rule, e.cost.amount, e.retail.amount) : e.retail.amount;
      return {
        offerKey: offerKeyText(e.offer),
        title: e.skuTitle || e.productTitle,
        currency: e.offer.currency,
        cost: e.cost.amount.toFixed(2),
        listRetail: e.retail.amount.toFixed(2),
        rule: rule
          ? { id: rule.id, description: describeRule(rule, names.get(rule.customerTenantId ?? '')) }
          : null,
        price: price.toFixed(2),
      };
    }),
  };
}

/** Price-list SKUs matching a search (code or title), for the rules page. */
export async function searchSkus(deps: PricingDeps, ws: WorkspaceId, query: unknown) {
  const parsed = SkuSearchQuery.safeParse(query);
  if (!parsed.success) throw invalid(parsed.error.issues[0]!.message);
  return { items: await searchPriceListSkus(deps.pool, ws, parsed.data.search, parsed.data.limit) };
}

/** Seats per customer and offer key on the last day of each customer's latest invoice period (license lines). */
async function currentSeats(
  pool: Pool,
  ws: WorkspaceId,
): Promise<{ tenantId: string; offerKey: string; seats: Decimal }[]> {
  const res = await pool.query<{ tenant: string; key: string; seats: string }>(
    `with latest as (
       select l.customer_tenant_id as tenant, max(i.billing_period) as period
       from invoice_lines l join invoices i on i.workspace_id = l.workspace_id and i.id = l.invoice_id
       where l.workspace_id = $1 and l.kind = 'license'
         and l.customer_tenant_id in (select tenant_id from customer_mappings
                                      where workspace_id = $1 and sync_on and strategy = 'cost-and-retail')
       group by 1
     )
     select l.customer_tenant_id as tenant,
            concat_ws('|', l.product_id, l.sku_id, l.term, l.billing_plan, l.segment, l.market, l.pricing_currency) as key,
            sum(l.quantity)::text as seats
     from latest t
     join invoices i on i.workspace_id = $1 and i.billing_period = t.period
     join invoice_lines l on l.workspace_id = i.workspace_id and l.invoice_id = i.id
       and l.customer_tenant_id = t.tenant and l.kind = 'license'
     where l.charge_start <= (to_date(t.period, 'YYYY-MM') + interval '1 month' - interval '1 day')::date
       and l.charge_end > (to_date(t.period, 'YYYY-MM') + interval '1 month' - interval '1 day')::date
     group by 1, 2
     having sum(l.quantity) <> 0
     order by 1, 2`,
    [ws],
  );
  return res.rows.map((r) => ({ tenantId: r.tenant, offerKey: r.key, seats: dec(r.seats) }));
}

/**
 * The money effect of a rule change before saving: for every customer synced with cost and retail, the seats of
 * its latest invoice x the price difference of the next contract period, per offer, and the totals per currency.
 */
export async function ruleEffect(deps: PricingDeps, ws: WorkspaceId, input: unknown): Promise<RuleEffectOut> {
  const parsed = RuleEffectInput.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues[0]!.message);
  const before = await listPriceRules(deps.pool, ws);
  if (parsed.data.remove && !before.some((r) => r.id === parsed.data.remove))
    throw new AppError('not_found', `No price rule ${parsed.data.remove}: see the list of rules`);
  const added = parsed.data.add ? await ruleOf(deps, ws, parsed.data.add) : undefined;
  const after: PriceRule[] = [
    ...before.filter((r) => r.id !== parsed.data.remove),
    ...(added ? [{ ...added, id: 'proposed' }] : []),
  ];
  const period = periodOf(startOfNextMonth(deps.clock.today()));
  const [entries, seats, names] = await Promise.all([
    listPriceEntries(deps.pool, ws),
    currentSeats(deps.pool, ws),
    customerNames(deps.pool, ws),
  ]);
  const byOffer = new Map<string, PriceListEntry[]>();
  for (const e of entries) {
    const key = offerKeyText(e.offer);
    byOffer.set(key, [...(byOffer.get(key) ?? []), e]);
  }
  const customers = new Map<string, RuleEffectOut['customers'][number]>();
  const totals = new Map<string, Decimal>();
  for (const s of seats) {
    const list = byOffer.get(s.offerKey);
    if (!list?.length) continue;
    const spans = priceListSpans(list);
    const o = ruleOffer(list[0]!);
    const priceWith = (rules: readonly PriceRule[]) => {
      const mine = rules.filter((r) => ruleCovers(r, s.tenantId, o));
      return pricePerPeriod(
        ruledRetailSpans(mine, s.tenantId, o, spans.cost, spans.retail),
        period,
      )?.value.round(2, 1);
    };
    const from = priceWith(before);
    const to = priceWith(after);
    if (from === undefined || to === undefined || from.eq(to)) continue;
    const delta = s.seats.times(to.minus(from)).round(2, 1);
    const currency = list[0]!.offer.currency;
    const c = customers.get(s.tenantId) ?? {
      tenantId: s.tenantId,
      name: names.get(s.tenantId) ?? s.tenantId,
      currency,
      delta: '0',
      lines: [],
    };
    c.lines.push({
      offerKey: s.offerKey,
      title: list[0]!.skuTitle || list[0]!.productTitle,
      seats: s.seats.toString(),
      from: from.toFixed(2),
      to: to.toFixed(2),
      delta: delta.toFixed(2),
    });
    c.delta = dec(c.delta).plus(delta).toFixed(2);
    customers.set(s.tenantId, c);
    totals.set(currency, (totals.get(currency) ?? ZERO).plus(delta));
  }
  return {
    period,
    customers: [...customers.values()].sort((a, b) => a.name.localeCompare(b.name)),
    totals: [...totals].map(([currency, delta]) => ({ currency, delta: delta.toFixed(2) })),
  };
}
