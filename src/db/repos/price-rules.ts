import type { WorkspaceId } from '../../core/ids';
import type { Segment } from '../../core/model/source';
import { dec } from '../../core/money/decimal';
import type { PriceRule, RuleMethod, RuleOffers, RuleRounding } from '../../core/price-rules/rules';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../pool';

/** A stored price rule: the core's rule plus who made it and why. */
export interface StoredPriceRule extends PriceRule {
  note: string;
  createdAt: string;
  createdBy: string;
}

interface PriceRuleRow {
  id: string;
  customer_tenant_id: string | null;
  offers_kind: RuleOffers['kind'];
  offers_value: string | null;
  basis: PriceRule['basis'];
  method: RuleMethod['kind'];
  value: string;
  rounding: RuleRounding;
  valid_from: string;
  valid_to: string | null;
  position: number;
  note: string;
  created_at: Date;
  created_by: string;
}

const COLUMNS = `id, customer_tenant_id, offers_kind, offers_value, basis, method, value::text as value, rounding,
  to_char(valid_from, 'YYYY-MM-DD') as valid_from, to_char(valid_to, 'YYYY-MM-DD') as valid_to, position, note,
  created_at, created_by`;

function offersOf(kind: RuleOffers['kind'], value: string | null): RuleOffers {
  switch (kind) {
    case 'sku':
      return { kind, sku: value ?? '' };
    case 'product':
      return { kind, productId: value ?? '' };
    case 'family':
      return { kind, title: value ?? '' };
    case 'segment':
      return { kind, segment: (value ?? 'Commercial') as Segment };
    case 'all':
      return { kind };
  }
}

function methodOf(kind: RuleMethod['kind'], value: string): RuleMethod {
  const v = dec(value);
  switch (kind) {
    case 'markup':
    case 'margin':
      return { kind, percent: v };
    case 'amount':
      return { kind, amount: v };
    case 'fixed':
      return { kind, price: v };
  }
}

/** The value column of a method (percent, amount or price). */
export function methodValue(m: RuleMethod): string {
  switch (m.kind) {
    case 'markup':
    case 'margin':
      return m.percent.toString();
    case 'amount':
      return m.amount.toString();
    case 'fixed':
      return m.price.toString();
  }
}

/** The value column of an offers scope (null for every offer). */
export function offersValue(o: RuleOffers): string | null {
  switch (o.kind) {
    case 'sku':
      return o.sku;
    case 'product':
      return o.productId;
    case 'family':
      return o.title;
    case 'segment':
      return o.segment;
    case 'all':
      return null;
  }
}

function decode(r: PriceRuleRow): StoredPriceRule {
  return {
    id: r.id,
    customerTenantId: r.customer_tenant_id ?? undefined,
    offers: offersOf(r.offers_kind, r.offers_value),
    basis: r.basis,
    method: methodOf(r.method, r.value),
    rounding: r.rounding,
    validFrom: r.valid_from as PlainDate,
    validTo: (r.valid_to ?? undefined) as PlainDate | undefined,
    position: r.position,
    note: r.note,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
  };
}

/** Every rule of the workspace, in their stated order (position, then age). */
export async function listPriceRules(db: Queryable, ws: WorkspaceId): Promise<StoredPriceRule[]> {
  const res = await db.query<PriceRuleRow>(
    `select ${COLUMNS} from price_rules where workspace_id = $1 order by position, created_at, id`,
    [ws],
  );
  return res.rows.map(decode);
}

export async function getPriceRule(
  db: Queryable,
  ws: WorkspaceId,
  id: string,
): Promise<StoredPriceRule | undefined> {
  const res = await db.query<PriceRuleRow>(
    `select ${COLUMNS} from price_rules where workspace_id = $1 and id::text = $2`,
    [ws, id],
  );
  return res.rows[0] ? decode(res.rows[0]) : undefined;
}

export type NewPriceRule = Omit<StoredPriceRule, 'id' | 'createdAt'>;

export async function insertPriceRule(
  db: Queryable,
  ws: WorkspaceId,
  r: NewPriceRule,
): Promise<StoredPriceRule> {
  const res = await db.query<PriceRuleRow>(
    `insert into price_rules (workspace_id, customer_tenant_id, offers_kind, offers_value, basis, method, value,
       rounding, valid_from, valid_to, position, note, created_by)
     values ($1, $2, $3, $4, $5, $6, $7::numeric, $8, $9::date, $10::date, $11, $12, $13)
     returning ${COLUMNS}`,
    [
      ws,
      r.customerTenantId ?? null,
      r.offers.kind,
      offersValue(r.offers),
      r.basis,
      r.method.kind,
      methodValue(r.method),
      r.rounding,
      r.validFrom,
      r.validTo ?? null,
      r.position,
      r.note,
      r.createdBy,
    ],
  );
  return decode(res.rows[0]!);
}

export async function deletePriceRule(db: Queryable, ws: WorkspaceId, id: string): Promise<boolean> {
  const res = await db.query('delete from price_rules where workspace_id = $1 and id::text = $2', [ws, id]);
  return (res.rowCount ?? 0) > 0;
}

/** Ends a rule on `lastDay` (inclusive): it keeps pricing the days before. */
export async function endPriceRule(
  db: Queryable,
  ws: WorkspaceId,
  id: string,
  lastDay: PlainDate,
): Promise<void> {
  await db.query('update price_rules set valid_to = $3::date where workspace_id = $1 and id::text = $2', [
    ws,
    id,
    lastDay,
  ]);
}

/** SKU codes of the price list matching a search (code or title), for the rules page's pickers: at most `limit`. */
export async function searchPriceListSkus(
  db: Queryable,
  ws: WorkspaceId,
  search: string,
  limit: number,
): Promise<{ sku: string; title: string }[]> {
  const needle = `%${search
    .trim()
    .toLowerCase()
    .replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const res = await db.query<{ sku: string; title: string }>(
    `select product_id || ':' || sku_id as sku, min(coalesce(nullif(sku_title, ''), product_title)) as title
     from price_list_entries
     where workspace_id = $1
       and (lower(product_id || ':' || sku_id) like $2 or lower(product_title) like $2 or lower(sku_title) like $2)
     group by 1 order by 2, 1 limit $3`,
    [ws, needle, limit],
  );
  return res.rows;
}
