import type { WorkspaceId } from '../core/ids';
import type { InvoiceLine } from '../core/model/source';
import { type CustomerInvoice, planCustomerSync } from '../core/planner/customer-plan';
import type { Plan } from '../core/planner/types';
import { unitWindow } from '../core/planner/unit-window';
import type { TargetAdapter, TargetProduct, TargetSnapshot } from '../core/ports/target';
import type { LineObservation } from '../core/reconcile/line-figures';
import type { PlainDate } from '../core/time/plain-date';
import { listPriceRules } from '../db/repos/price-rules';
import { adjustmentDaysOf } from '../db/repos/runs';
import { listInvoices, listPriceEntries, listSourceCustomers } from '../db/repos/source-data';
import { sourceHoldsOf } from '../db/repos/source-holds';
import {
  lineLinksOfCustomers,
  listLinks,
  type MappingRow,
  type StoredProgram,
  syncedInvoiceIdsOf,
  type TargetKind,
  toldPriceChangesOf,
} from '../db/repos/sync';
import { azureCostsOfCustomers, linesOfCustomers } from '../db/repos/sync-source';
import type { EngineDeps } from './deps';
import { toProgramSettings } from './program';
import { readContracts } from './read-contracts';

export interface CustomerPlan {
  tenantId: string;
  customerName: string;
  mapping: MappingRow;
  plan: Plan;
}

/**
 * Products a preview plans with before they exist: the sync creates them first (syncNeededProducts), so the preview
 * shows the customer changes they allow instead of "not linked" errors. Placeholder ids; a preview never runs.
 */
export interface UpcomingProducts {
  /** offer key text -> placeholder product id */
  links: ReadonlyMap<string, string>;
  products: readonly TargetProduct[];
}

/**
 * Plans the syncs of several mapped customers with batched reads: one PSA snapshot for all their contracts, one
 * query for all their invoice lines. Nothing is written.
 */
export async function planCustomers(
  deps: EngineDeps,
  ws: WorkspaceId,
  target: TargetKind,
  program: StoredProgram,
  adapter: TargetAdapter,
  mappings: readonly MappingRow[],
  asOf: PlainDate,
  /** Reconciliation (issue 17): told what the planner saw of each offer of each customer. */
  observe?: (tenantId: string, line: LineObservation) => void,
  upcoming?: UpcomingProducts,
): Promise<{ plans: CustomerPlan[]; snapshot: TargetSnapshot }> {
  const tenantIds = mappings.map((m) => m.tenant_id);
  // The recurring contracts and the annual ones (decision 0015): both are read, charges included.
  const contractIds = [
    ...new Set(
      mappings.flatMap((m) => [m.contract_id, m.annual_contract_id]).filter((c): c is string => !!c),
    ),
  ];
  // The invoices first: they bound the days of the PSA's unit history the plans need (issue 14).
  const [invoices, lines] = await Promise.all([
    listInvoices(deps.pool, ws),
    linesOfCustomers(deps.pool, ws, tenantIds, asOf),
  ]);
  const allLines = [...lines.values()].flat();
  const unitDays = unitWindow(invoices, allLines, asOf);
  // The planner prices only the offers of these lines (customer-plan.ts: its work is the invoices' offers).
  const skus = new Map(allLines.map((l) => [`${l.offer.productId}|${l.offer.skuId}`, l.offer]));
  const [
    priceList,
    customers,
    azure,
    productLinks,
    lineLinks,
    snapshot,
    written,
    priceRules,
    holds,
    synced,
    told,
  ] = await Promise.all([
    listPriceEntries(deps.pool, ws, { skus: [...skus.values()] }),
    listSourceCustomers(deps.pool, ws, tenantIds),
    azureCostsOfCustomers(deps.pool, ws, tenantIds),
    listLinks(deps.pool, ws, target, 'product'),
    lineLinksOfCustomers(deps.pool, ws, target, tenantIds),
    readContracts(deps, ws, target, adapter, { contractIds, products: true, unitDays }, tenantIds),
    adjustmentDaysOf(deps.pool, ws, target, tenantIds),
    listPriceRules(deps.pool, ws),
    sourceHoldsOf(deps.pool, ws, tenantIds),
    syncedInvoiceIdsOf(deps.pool, ws, target, tenantIds),
    toldPriceChangesOf(deps.pool, ws, target, tenantIds),
  ]);
  const names = new Map(customers.map((c) => [c.tenantId, c.name]));
  const links = upcoming ? new Map([...productLinks, ...upcoming.links]) : productLinks;
  const products = upcoming ? [...snapshot.products, ...upcoming.products] : snapshot.products;
  const plans: CustomerPlan[] = [];
  for (const mapping of mappings) {
    const tenantId = mapping.tenant_id;
    const byInvoice = new Map<string, InvoiceLine[]>();
    for (const l of lines.get(tenantId) ?? []) {
      const list = byInvoice.get(l.invoiceId) ?? [];
      list.push(l);
      byInvoice.set(l.invoiceId, list);
    }
    const costs = azure.get(tenantId);
    // Every invoice, also those without this customer's lines: a synced invoice decides the customer's Azure
    // month and the end of a subscription it no longer bills (spec section 6).
    const customerInvoices: CustomerInvoice[] = invoices.map((i) => ({
      header: {
        id: i.id,
        billingPeriod: i.billingPeriod,
        issueDate: i.issueDate,
        currency: i.currency,
        datesFrom: i.datesFrom,
      },
      lines: byInvoice.get(i.id) ?? [],
      azureCost: costs?.get(i.id)?.cost,
      azureCurrency: costs?.get(i.id)?.offerCurrency,
    }));
    const myLineLinks = lineLinks.get(tenantId) ?? new Map<string, string>();
    const contract = snapshot.contracts.find((c) => c.id === mapping.contract_id);
    const customerName = names.get(tenantId) ?? tenantId;
    const plan = planCustomerSync({
      asOf,
      settings: toProgramSettings(program),
      customer: { tenantId, name: customerName },
      mapping: {
        contractId: mapping.contract_id ?? '',
        strategy: mapping.strategy,
        strategyFrom: mapping.strategy_from ?? undefined,
        syncStart: mapping.sync_start,
        firstSyncedDay: mapping.first_synced_day ?? undefined,
        shadow: mapping.shadow,
        billing: mapping.billing,
      },
      invoices: customerInvoices,
      syncedInvoiceIds: synced.get(tenantId)?.ids ?? new Set<string>(),
      pendingOffers: synced.get(tenantId)?.pending,
      toldPriceChanges: told.get(tenantId),
      priceList,
      productLinks: links,
      lineLinks: myLineLinks,
      contract,
      contractLines: snapshot.contractLines.filter((l) => l.contractId === mapping.contract_id),
      unitSegments: snapshot.unitSegments.filter((s) => s.contractId === mapping.contract_id),
      charges: (snapshot.charges ?? []).filter((c) => c.contractId === mapping.contract_id),
      annualContract: mapping.annual_contract_id
        ? snapshot.contracts.find((c) => c.id === mapping.annual_contract_id)
        : undefined,
      annualCharges: (snapshot.charges ?? []).filter((c) => c.contractId === mapping.annual_contract_id),
      products,
      productRules: snapshot.productRules,
      priceRules,
      knownChangeDays: written.days,
      knownPricedDays: written.priced,
      holds: (holds.get(tenantId) ?? []).map((h) => ({
        offerKey: h.offerKey,
        days: { start: h.start, end: h.end },
        reason: h.reason,
      })),
      ...(observe ? { observe: (line: LineObservation) => observe(tenantId, line) } : {}),
    });
    plans.push({ tenantId, customerName, mapping, plan });
  }
  return { plans, snapshot };
}
