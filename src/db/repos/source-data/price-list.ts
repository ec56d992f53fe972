import type { WorkspaceId } from '../../../core/ids';
import type { BillingPlan, PriceListEntry, Segment, TermDuration } from '../../../core/model/source';
import { offerKeyText } from '../../../core/model/source';
import { Money } from '../../../core/money';
import type { PlainDate } from '../../../core/time';
import type { Queryable } from '../../pool';
import { CHUNK_CHARS, copyInto, copyRow } from './copy-text';
import { inTransaction } from './transaction';
import type { ImportCounts } from './types';

/** The price-list columns after workspace_id, in COPY order (also the staging table's). */
const PRICE_COLUMNS = [
  'product_id',
  'sku_id',
  'term',
  'billing_plan',
  'segment',
  'market',
  'currency',
  'effective_start',
  'effective_end',
  'product_title',
  'sku_title',
  'cost',
  'retail',
  'unit_of_measure',
  'tags',
] as const;

/** A text[] literal: every element quoted, so commas, braces, quotes, spaces and `NULL` stay plain text. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`).join(',')}}`;
}

/** One entry as a COPY text row (PRICE_COLUMNS order); refuses prices in another currency than the offer's. */
function encodeEntry(e: PriceListEntry): string {
  if (e.cost.currency !== e.offer.currency || e.retail.currency !== e.offer.currency) {
    throw new Error(
      `price-list entry ${offerKeyText(e.offer)}: prices must be in the offer currency ${e.offer.currency}`,
    );
  }
  const o = e.offer;
  return copyRow([
    o.productId,
    o.skuId,
    o.term,
    o.billingPlan,
    o.segment,
    o.market,
    o.currency,
    e.effective.start,
    e.effective.end,
    e.productTitle,
    e.skuTitle,
    e.cost.toString(),
    e.retail.toString(),
    e.unitOfMeasure,
    arrayLiteral(e.tags),
  ]);
}

const KEY = 'product_id, sku_id, term, billing_plan, segment, market, currency, effective_start';
const VALUES = 'effective_end, product_title, sku_title, cost, retail, unit_of_measure, tags';

/**
 * Stores price-list entries, idempotent by offer key + effective start: a known entry with the same values is
 * counted unchanged, one with other values (price, end, titles) updated. All or nothing (one transaction). The
 * same key twice in one call is refused: the price list would contradict itself.
 * The entries stream by COPY into a session temp table as they are parsed (Microsoft's price list has tens of
 * thousands of rows), then one set-based upsert merges them and counts what it created and updated.
 */
export async function storePriceList(
  db: Queryable,
  ws: WorkspaceId,
  entries: AsyncIterable<PriceListEntry> | Iterable<PriceListEntry>,
): Promise<ImportCounts> {
  return inTransaction(db, async (client) => {
    await client.query(
      `create temp table if not exists billsync_price_stage (
         product_id text not null, sku_id text not null, term text not null, billing_plan text not null,
         segment text not null, market text not null, currency text not null, effective_start date not null,
         effective_end date, product_title text not null, sku_title text not null, cost numeric not null,
         retail numeric not null, unit_of_measure text not null, tags text[] not null
       ) on commit delete rows`,
    );
    // Rows of an earlier call in this transaction (the table is emptied at commit only).
    await client.query('delete from billsync_price_stage');
    const seen = new Set<string>();
    async function* rows(): AsyncGenerator<string> {
      let chunk = '';
      for await (const e of entries) {
        const key = `${offerKeyText(e.offer)}|${e.effective.start}`;
        if (seen.has(key))
          throw new Error(
            `the price list names offer ${offerKeyText(e.offer)} from ${e.effective.start} twice`,
          );
        seen.add(key);
        chunk += `${encodeEntry(e)}\n`;
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk.length > 0) yield chunk;
    }
    await copyInto(client, 'billsync_price_stage', PRICE_COLUMNS, rows());
    const res = await client.query<{ created: number; updated: number }>(
      `with ins as (
         insert into price_list_entries (workspace_id, ${KEY}, ${VALUES})
         select $1, ${KEY}, ${VALUES} from billsync_price_stage
         on conflict (workspace_id, ${KEY})
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
      [ws],
    );
    const created = res.rows[0]?.created ?? 0;
    const updated = res.rows[0]?.updated ?? 0;
    return { created, updated, unchanged: seen.size - created - updated };
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
  options: {
    asOf?: PlainDate;
    /**
     * Only the entries of these products and SKUs (a batch's invoice lines name a few dozen offers; a real price
     * list holds tens of thousands of entries).
     */
    skus?: readonly { productId: string; skuId: string }[];
  } = {},
): Promise<PriceListEntry[]> {
  const skus = options.skus;
  const res = await db.query<PriceRow>(
    `select * from price_list_entries
     where workspace_id = $1
       and ($2::date is null or (effective_start <= $2::date and (effective_end is null or effective_end > $2::date)))
       and ($3::text[] is null or (product_id, sku_id) in (select * from unnest($3::text[], $4::text[])))
     order by product_id, sku_id, term, billing_plan, segment, market, currency, effective_start`,
    [
      ws,
      options.asOf ?? null,
      skus ? skus.map((o) => o.productId) : null,
      skus ? skus.map((o) => o.skuId) : null,
    ],
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
