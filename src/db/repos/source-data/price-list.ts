import type { WorkspaceId } from '../../../core/ids';
import type { BillingPlan, PriceListEntry, Segment, TermDuration } from '../../../core/model/source';
import { offerKeyText } from '../../../core/model/source';
import { Money } from '../../../core/money';
import type { PlainDate } from '../../../core/time';
import type { Queryable } from '../../pool';
import { inTransaction } from './transaction';
import type { ImportCounts } from './types';

const BATCH = 1000;

function toRecord(e: PriceListEntry) {
  if (e.cost.currency !== e.offer.currency || e.retail.currency !== e.offer.currency) {
    throw new Error(
      `price-list entry ${offerKeyText(e.offer)}: prices must be in the offer currency ${e.offer.currency}`,
    );
  }
  return {
    product_id: e.offer.productId,
    sku_id: e.offer.skuId,
    term: e.offer.term,
    billing_plan: e.offer.billingPlan,
    segment: e.offer.segment,
    market: e.offer.market,
    currency: e.offer.currency,
    effective_start: e.effective.start,
    effective_end: e.effective.end ?? null,
    product_title: e.productTitle,
    sku_title: e.skuTitle,
    cost: e.cost.toString(),
    retail: e.retail.toString(),
    unit_of_measure: e.unitOfMeasure,
    tags: e.tags,
  };
}

async function upsertBatch(
  db: Queryable,
  ws: WorkspaceId,
  batch: PriceListEntry[],
): Promise<{ created: number; updated: number }> {
  const res = await db.query<{ created: number; updated: number }>(
    `with ins as (
       insert into price_list_entries (workspace_id, product_id, sku_id, term, billing_plan, segment, market, currency,
         effective_start, effective_end, product_title, sku_title, cost, retail, unit_of_measure, tags)
       select $1, r.product_id, r.sku_id, r.term, r.billing_plan, r.segment, r.market, r.currency, r.effective_start,
         r.effective_end, r.product_title, r.sku_title, r.cost, r.retail, r.unit_of_measure, r.tags
       from jsonb_to_recordset($2::jsonb) as r(product_id text, sku_id text, term text, billing_plan text, segment text,
         market text, currency text, effective_start date, effective_end date, product_title text, sku_title text,
         cost numeric, retail numeric, unit_of_measure text, tags text[])
       on conflict (workspace_id, product_id, sku_id, term, billing_plan, segment, market, currency, effective_start)
       do update set effective_end = excluded.effective_end, product_title = excluded.product_title,
         sku_title = excluded.sku_title, cost = excluded.cost, retail = excluded.retail,
         unit_of_measure = excluded.unit_of_measure, tags = excluded.tags, updated_at = now()
       where (price_list_entries.effective_end, price_list_entries.product_title, price_list_entries.sku_title,
              price_list_entries.cost, price_list_entries.retail, price_list_entries.unit_of_measure, price_list_entries.tags)
         is distinct from
             (excluded.effective_end, excluded.product_title, excluded.sku_title, excluded.cost, excluded.retail,
              excluded.unit_of_measure, excluded.tags)
       returning (xmax = 0) as inserted)
     select count(*) filter (where inserted)::int as created, count(*) filter (where not inserted)::int as updated from ins`,
    [ws, JSON.stringify(batch.map(toRecord))],
  );
  return { created: res.rows[0]?.created ?? 0, updated: res.rows[0]?.updated ?? 0 };
}

/**
 * Stores price-list entries, idempotent by offer key + effective start: a known entry with the same values is
 * counted unchanged, one with other values (price, end, titles) updated. All or nothing (one transaction). The
 * same key twice in one call is refused: the price list would contradict itself.
 */
export async function storePriceList(
  db: Queryable,
  ws: WorkspaceId,
  entries: AsyncIterable<PriceListEntry> | Iterable<PriceListEntry>,
): Promise<ImportCounts> {
  return inTransaction(db, async (client) => {
    const seen = new Set<string>();
    const counts: ImportCounts = { created: 0, updated: 0, unchanged: 0 };
    let batch: PriceListEntry[] = [];
    const flush = async () => {
      const r = await upsertBatch(client, ws, batch);
      counts.created += r.created;
      counts.updated += r.updated;
      counts.unchanged += batch.length - r.created - r.updated;
      batch = [];
    };
    for await (const e of entries) {
      const key = `${offerKeyText(e.offer)}|${e.effective.start}`;
      if (seen.has(key))
        throw new Error(
          `the price list names offer ${offerKeyText(e.offer)} from ${e.effective.start} twice`,
        );
      seen.add(key);
      batch.push(e);
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    return counts;
  });
}

interface PriceRow {
  product_id: string;
  sku_id: string;
  term: string;
  billing_plan: string;
  segment: string;
  market: string;
  currency: string;
  effective_start: string;
  effective_end: string | null;
  product_title: string;
  sku_title: string;
  cost: string;
  retail: string;
  unit_of_measure: string;
  tags: string[];
}

/** Price-list entries in offer-key order; `asOf` keeps those valid on that day (start <= day < end). */
export async function listPriceEntries(
  db: Queryable,
  ws: WorkspaceId,
  options: { asOf?: PlainDate } = {},
): Promise<PriceListEntry[]> {
  const res = await db.query<PriceRow>(
    `select * from price_list_entries
     where workspace_id = $1
       and ($2::date is null or (effective_start <= $2::date and (effective_end is null or effective_end > $2::date)))
     order by product_id, sku_id, term, billing_plan, segment, market, currency, effective_start`,
    [ws, options.asOf ?? null],
  );
  return res.rows.map((r) => ({
    offer: {
      productId: r.product_id,
      skuId: r.sku_id,
      term: r.term as TermDuration,
      billingPlan: r.billing_plan as BillingPlan,
      segment: r.segment as Segment,
      market: r.market,
      currency: r.currency,
    },
    productTitle: r.product_title,
    skuTitle: r.sku_title,
    cost: Money.of(r.cost, r.currency),
    retail: Money.of(r.retail, r.currency),
    effective: {
      start: r.effective_start as PlainDate,
      end: (r.effective_end ?? undefined) as PlainDate | undefined,
    },
    unitOfMeasure: r.unit_of_measure,
    tags: r.tags,
  }));
}
