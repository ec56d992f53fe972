import type { WorkspaceId } from '../../core/ids';
import type { BillingMode } from '../../core/planner/customer-plan';
import { toldKey } from '../../core/planner/customer-plan';
import { canonicalLinks } from '../../core/planner/product-plan';
import type { PricingStrategy } from '../../core/planner/types';
import type { PlainDate } from '../../core/time/plain-date';
import type { Queryable } from '../pool';

export type TargetKind = 'autotask' | 'connectwise';

/**
 * Program settings as stored: one jsonb document per workspace and target (`programs.settings`), so a new field
 * needs no migration; documents saved before it existed lack it and read with the defaults (DEFAULT_PROGRAM).
 * Decimals as strings. See core/planner/types ProgramSettings.
 */
export interface StoredProgram {
  syncEnabled: boolean;
  mode: 'all' | 'in-use';
  motions: { monthly: boolean; annual: boolean; azure: boolean };
  billingCodeId: string | null;
  vendorId: string | null;
  /** PSA code of the one-time charges for locked days (Autotask: a Material Cost Code); null = the PSA's default. */
  chargeCodeId: string | null;
  namePrefix: string;
  azureMarkupPercent: string;
  emails: string[];
  /** Issue 17: e-mail each month's reconciliation to `emails` (after the daily check that follows its syncs). */
  reconEmail: boolean;
  /** Customer syncs wait for approval when a contract's monthly value changes by more than this percent. */
  approvalThresholdPercent: number | null;
  /** ConnectWise: where new catalog items go (decision 0012); absent: the tenant's "Miscellaneous" rows. */
  catalog?: {
    categoryId: string | null;
    subcategoryId: string | null;
    typeId: string | null;
    taxable: boolean;
  };
}

export async function getProgram(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
): Promise<StoredProgram | undefined> {
  const res = await db.query<{ settings: StoredProgram }>(
    'select settings from programs where workspace_id = $1 and target = $2',
    [ws, target],
  );
  return res.rows[0]?.settings;
}

export async function saveProgram(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  settings: StoredProgram,
): Promise<void> {
  await db.query(
    `insert into programs (workspace_id, target, settings) values ($1, $2, $3)
     on conflict (workspace_id, target) do update set settings = excluded.settings, updated_at = now()`,
    [ws, target, settings],
  );
}

export interface MappingRow {
  tenant_id: string;
  company_id: string | null;
  company_name: string | null;
  contract_id: string | null;
  contract_name: string | null;
  strategy: PricingStrategy;
  sync_start: PlainDate;
  sync_on: boolean;
  first_synced_day: PlainDate | null;
  /** Shadow first sync: the first sync is planned and compared, written only once applied (issue 11). */
  shadow: boolean;
  /** Billing in arrears (default) or in advance (issue 16, decision 0014). */
  billing: BillingMode;
  /** The contract annual-billed lines are booked on (issue 16, decision 0015); null = none. */
  annual_contract_id: string | null;
  annual_contract_name: string | null;
  /**
   * The first day the strategy applies to, when it was changed after invoices were synced (the month after the
   * latest synced invoice's period): the days before keep what the earlier strategy wrote. Null: every day.
   */
  strategy_from: PlainDate | null;
  /** Set when billsync paused the customer's sync (the PSA did not bill what it wrote); cleared on resume. */
  paused_reason: string | null;
  paused_at: Date | null;
  updated_at: Date;
}

export async function listMappings(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
): Promise<MappingRow[]> {
  const res = await db.query<MappingRow>(
    'select * from customer_mappings where workspace_id = $1 and target = $2',
    [ws, target],
  );
  return res.rows;
}

export async function getMapping(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  tenantId: string,
): Promise<MappingRow | undefined> {
  const res = await db.query<MappingRow>(
    'select * from customer_mappings where workspace_id = $1 and target = $2 and tenant_id = $3',
    [ws, target, tenantId],
  );
  return res.rows[0];
}

export async function saveMapping(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  m: Omit<
    MappingRow,
    | 'updated_at'
    | 'first_synced_day'
    | 'shadow'
    | 'paused_reason'
    | 'paused_at'
    | 'billing'
    | 'annual_contract_id'
    | 'annual_contract_name'
    | 'strategy_from'
  > & {
    shadow?: boolean;
    /** Left out: unchanged (arrears for a new mapping). */
    billing?: BillingMode;
    /** Left out: unchanged; `{ id: null }` clears it. */
    annual?: { id: string | null; name: string | null };
  },
): Promise<void> {
  // Moving the mapping to another contract starts the mirror afresh (first_synced_day is per contract). Switching
  // sync on is how a user resumes a paused customer: the pause is cleared.
  await db.query(
    `insert into customer_mappings (workspace_id, target, tenant_id, company_id, company_name, contract_id, contract_name,
       strategy, sync_start, sync_on, shadow, billing, annual_contract_id, annual_contract_name)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, false), coalesce($12, 'arrears'), $14, $15)
     on conflict (workspace_id, target, tenant_id) do update set
       company_id = excluded.company_id, company_name = excluded.company_name,
       contract_id = excluded.contract_id, contract_name = excluded.contract_name,
       strategy = excluded.strategy, sync_start = excluded.sync_start, sync_on = excluded.sync_on,
       shadow = coalesce($11, customer_mappings.shadow),
       billing = coalesce($12, customer_mappings.billing),
       annual_contract_id = case when $13 then excluded.annual_contract_id else customer_mappings.annual_contract_id end,
       annual_contract_name = case when $13 then excluded.annual_contract_name else customer_mappings.annual_contract_name end,
       first_synced_day = case when customer_mappings.contract_id is distinct from excluded.contract_id
                               then null else customer_mappings.first_synced_day end,
       strategy_from = case when customer_mappings.strategy is distinct from excluded.strategy
                            then (select (to_date(max(i.billing_period), 'YYYY-MM') + interval '1 month')::date
                                  from synced_invoices si
                                  join invoices i on i.workspace_id = si.workspace_id and i.id = si.invoice_id
                                  where si.workspace_id = $1 and si.target = $2 and si.tenant_id = $3)
                            else customer_mappings.strategy_from end,
       paused_reason = case when excluded.sync_on then null else customer_mappings.paused_reason end,
       paused_at = case when excluded.sync_on then null else customer_mappings.paused_at end,
       updated_at = now()`,
    [
      ws,
      target,
      m.tenant_id,
      m.company_id,
      m.company_name,
      m.contract_id,
      m.contract_name,
      m.strategy,
      m.sync_start,
      m.sync_on,
      m.shadow ?? null,
      m.billing ?? null,
      m.annual !== undefined,
      m.annual?.id ?? null,
      m.annual?.name ?? null,
    ],
  );
}

/**
 * Pauses a customer's sync (issue 11, verify after writing): sync off, with the reason; nothing more is written
 * for it until a user switches sync on again.
 */
export async function pauseMapping(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  tenantId: string,
  reason: string,
): Promise<void> {
  await db.query(
    `update customer_mappings set sync_on = false, paused_reason = $4, paused_at = now(), updated_at = now()
     where workspace_id = $1 and target = $2 and tenant_id = $3`,
    [ws, target, tenantId, reason],
  );
}

/** A shadow first sync was applied: later syncs write as usual. */
export async function endShadow(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  tenantId: string,
): Promise<void> {
  await db.query(
    'update customer_mappings set shadow = false where workspace_id = $1 and target = $2 and tenant_id = $3',
    [ws, target, tenantId],
  );
}

export async function setFirstSyncedDay(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  tenantId: string,
  day: PlainDate,
): Promise<void> {
  await db.query(
    `update customer_mappings set first_synced_day = coalesce(first_synced_day, $4)
     where workspace_id = $1 and target = $2 and tenant_id = $3`,
    [ws, target, tenantId, day],
  );
}

export type LinkKind = 'product' | 'contract-line';

/**
 * The links of a kind (our key -> PSA id). Product links come with Azure plan keys canonical (one offer per
 * currency, see core/planner/azure-line `canonicalOffer`): a product linked under an older per-market key is
 * found under the canonical key too, so neither sync creates a second Azure plan product.
 */
export async function listLinks(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  kind: LinkKind,
  prefix?: string,
): Promise<Map<string, string>> {
  const res = await db.query<{ our_key: string; target_id: string }>(
    `select our_key, target_id from links where workspace_id = $1 and target = $2 and kind = $3
       and ($4::text is null or starts_with(our_key, $4))`,
    [ws, target, kind, prefix ?? null],
  );
  const links = new Map(res.rows.map((r) => [r.our_key, r.target_id]));
  return kind === 'product' ? canonicalLinks(links) : links;
}

/**
 * The contract-line links of some customers (`tenant|offer` keys), by tenant and offer key: a batch of 50 reads its
 * own rows, not the workspace's (150,000 at 5,000 customers of 30 lines, issue 14). One pass over the workspace's
 * links, hash-joined on the tenant part of the key.
 */
export async function lineLinksOfCustomers(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  tenantIds: readonly string[],
): Promise<Map<string, Map<string, string>>> {
  const out = new Map<string, Map<string, string>>();
  if (tenantIds.length === 0) return out;
  const res = await db.query<{ tenant: string; our_key: string; target_id: string }>(
    `select p.tenant, l.our_key, l.target_id
       from links l
       join unnest($3::text[]) as p(tenant) on p.tenant = split_part(l.our_key, '|', 1)
      where l.workspace_id = $1 and l.target = $2 and l.kind = 'contract-line'
        and starts_with(l.our_key, p.tenant || '|')`,
    [ws, target, [...new Set(tenantIds)]],
  );
  for (const r of res.rows) {
    const links = out.get(r.tenant) ?? new Map<string, string>();
    links.set(r.our_key.slice(r.tenant.length + 1), r.target_id);
    out.set(r.tenant, links);
  }
  return out;
}

export async function saveLink(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  kind: LinkKind,
  ourKey: string,
  targetId: string,
): Promise<void> {
  await db.query(
    `insert into links (workspace_id, target, kind, our_key, target_id) values ($1, $2, $3, $4, $5)
     on conflict (workspace_id, target, kind, our_key) do update set target_id = excluded.target_id, updated_at = now()`,
    [ws, target, kind, ourKey, targetId],
  );
}

/** What a customer's runs brought in: the invoices synced, and per invoice the offers still to bring (failed items). */
export interface SyncedInvoices {
  ids: Set<string>;
  /** invoice id -> offer keys whose items failed in the run that synced it (migration 0020). */
  pending: Map<string, Set<string>>;
}

/** The invoices synced for each of some customers, in one query (a batch of customers plans with one read). */
export async function syncedInvoiceIdsOf(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  tenantIds: readonly string[],
): Promise<Map<string, SyncedInvoices>> {
  const res = await db.query<{ tenant_id: string; invoice_id: string; pending_offers: string[] }>(
    `select tenant_id, invoice_id, pending_offers from synced_invoices
     where workspace_id = $1 and target = $2 and tenant_id = any($3::text[])`,
    [ws, target, tenantIds],
  );
  const out = new Map<string, SyncedInvoices>();
  for (const r of res.rows) {
    const synced = out.get(r.tenant_id) ?? { ids: new Set<string>(), pending: new Map() };
    synced.ids.add(r.invoice_id);
    if (r.pending_offers.length > 0) synced.pending.set(r.invoice_id, new Set(r.pending_offers));
    out.set(r.tenant_id, synced);
  }
  return out;
}

/**
 * Records the invoices a customer run brought in; `pendingOffers`: the offers whose items failed, still new for
 * those offers on the next run. A later run that brings them in replaces the list.
 */
export async function markInvoicesSynced(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  tenantId: string,
  invoiceIds: readonly string[],
  runId: string,
  pendingOffers: readonly string[] = [],
): Promise<void> {
  if (invoiceIds.length === 0) return;
  await db.query(
    `insert into synced_invoices (workspace_id, target, tenant_id, invoice_id, run_id, pending_offers)
     select $1, $2, $3, unnest($4::text[]), $5, $6::text[]
     on conflict (workspace_id, target, tenant_id, invoice_id) do update
       set pending_offers = excluded.pending_offers, run_id = excluded.run_id, synced_at = now()`,
    [ws, target, tenantId, invoiceIds, runId, pendingOffers],
  );
}

/** The text of the price-change warnings the planner tells, as a LIKE pattern (migration 0021). */
const PRICE_CHANGE_TEXT = 'Subscription % unit price changed from % to % on %';

/** The price-change warnings told to each of some customers, as `toldKey(offer key, text)` (migration 0021). */
export async function toldPriceChangesOf(
  db: Queryable,
  ws: WorkspaceId,
  target: TargetKind,
  tenantIds: readonly string[],
): Promise<Map<string, Set<string>>> {
  const res = await db.query<{ tenant_id: string; offer_key: string; text: string }>(
    `select tenant_id, offer_key, text from told_price_changes
     where workspace_id = $1 and target = $2 and tenant_id = any($3::text[])`,
    [ws, target, tenantIds],
  );
  const out = new Map<string, Set<string>>();
  for (const r of res.rows) {
    const set = out.get(r.tenant_id) ?? new Set<string>();
    set.add(toldKey(r.offer_key, r.text));
    out.set(r.tenant_id, set);
  }
  return out;
}

/** Keeps the price-change warnings a finished customer run told on its items that did not fail. */
export async function recordToldPriceChanges(db: Queryable, runId: string): Promise<void> {
  await db.query(
    `insert into told_price_changes (workspace_id, target, tenant_id, offer_key, text, run_id)
     select distinct r.workspace_id, r.target, r.tenant_id, i.offer_key, m->>'text', r.id
     from runs r
     join run_items i on i.run_id = r.id
     cross join lateral jsonb_array_elements(i.messages) m
     where r.id = $1 and r.kind = 'customer' and r.tenant_id is not null and i.offer_key is not null
       and i.status <> 'error' and m->>'level' = 'warning' and m->>'text' like $2
     on conflict do nothing`,
    [runId, PRICE_CHANGE_TEXT],
  );
}
