import type {
  TargetBillingCode,
  TargetContext,
  TargetContract,
  TargetScope,
  TargetSnapshot,
} from '../../core/ports/target';
import { allSettledOrThrow } from '../../http';
import type { ConnectWiseClient, Row } from './client';
import {
  type Addition,
  contractLines,
  FIELDS,
  lineAdditions,
  lineSegments,
  toAddition,
  toCharges,
  toCompany,
  toContract,
  toProduct,
} from './mapping';
import { idText, wireId } from './quirks';

const byId = <T extends { id: string }>(rows: T[]): T[] =>
  rows.sort((a, b) => Number(a.id) - Number(b.id) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

/**
 * Batched reads (decision 0012): companies, agreements and catalog items as lists with `conditions` and
 * `fields` (`id in (...)` chunked under the query-length limit), forward-only paging. Additions exist only
 * under their agreement (`/finance/agreements/{id}/additions`, §4.1): one list per agreement in scope (a
 * customer sync has one), run in parallel under the connection's limit; never one call per addition.
 */
export async function readState(
  client: ConnectWiseClient,
  ctx: TargetContext,
  scope: TargetScope,
  takenAt: string,
): Promise<TargetSnapshot & { additions: Addition[]; agreementRows: Row[] }> {
  const ids = [...new Set(scope.contractIds ?? [])].map((id) => wireId(id, 'agreement id'));
  const [companies, directoryAgreements, subcategories, catalog, scopedAgreements, additions] =
    await allSettledOrThrow([
      scope.directory
        ? client.list(ctx, 'company/companies', { conditions: 'deletedFlag=false', fields: FIELDS.companies })
        : [],
      scope.directory ? client.list(ctx, 'finance/agreements', { fields: FIELDS.agreements }) : [],
      scope.directory || scope.products
        ? client.list(ctx, 'procurement/subcategories', { fields: ['id', 'name', 'inactiveFlag'] })
        : [],
      scope.products ? client.list(ctx, 'procurement/catalog', { fields: FIELDS.catalog }) : [],
      ids.length ? client.listIn(ctx, 'finance/agreements', 'id', ids, { fields: FIELDS.agreements }) : [],
      allSettledOrThrow(ids.map((id) => readAdditions(client, ctx, String(id)))).then((all) => all.flat()),
    ]);
  const contracts = new Map<string, TargetContract>();
  // An agreement without a start date cannot be mapped (the port needs one): left out of the dropdowns, and
  // a mapped one fails the read with its id.
  const listed = directoryAgreements.filter((row) => typeof row.startDate === 'string');
  for (const row of [...listed, ...scopedAgreements]) {
    const c = toContract(row);
    contracts.set(c.id, c);
  }
  const lines = contractLines(additions);
  // Each line's segments from its own additions (grouped once: filtering every addition of the batch per line was
  // quadratic in the batch's lines, issue 14).
  const byLine = new Map<string, Addition[]>();
  for (const a of additions) {
    const key = `${a.agreementId}|${a.productId}`;
    const group = byLine.get(key);
    if (group) group.push(a);
    else byLine.set(key, [a]);
  }
  const segments = lines.flatMap((l) => {
    const c = contracts.get(l.contractId);
    return c ? lineSegments(c, l.productId, byLine.get(`${l.contractId}|${l.productId}`) ?? []) : [];
  });
  return {
    takenAt,
    companies: byId(companies.map(toCompany)),
    contracts: byId([...contracts.values()]),
    billingCodes: byId(subcategories.map(toBillingCode)),
    products: byId(catalog.map(toProduct)),
    contractLines: byId(lines),
    unitSegments: segments,
    ...(ids.length ? { charges: byId(toCharges(additions, (id) => contracts.get(id)?.postedThrough)) } : {}),
    // Spec section 4, decision 0012: a catalog item is named by the SKU code alone, an item with the SKU code
    // as vendor SKU is linked, and new items are filed by subcategory / product type, not a billing code.
    productRules: { naming: 'sku', linkByVendorSku: true, needsBillingCode: false },
    additions,
    agreementRows: scopedAgreements,
  };
}

/** Every addition of one agreement, cancelled ones included (history; §4.5 lists them). */
export async function readAdditions(
  client: ConnectWiseClient,
  ctx: TargetContext,
  agreementId: string,
  conditions?: string,
): Promise<Addition[]> {
  const rows = await client.list(ctx, `finance/agreements/${wireId(agreementId, 'agreement id')}/additions`, {
    fields: FIELDS.additions,
    ...(conditions ? { conditions } : {}),
  });
  return rows.map((r) => toAddition(r, agreementId));
}

/** Subcategories stand in for billing codes: the nearest ConnectWise notion (decision 0012). */
function toBillingCode(row: Row): TargetBillingCode {
  return {
    id: idText(row.id),
    name: String(row.name ?? ''),
    recurringContractService: true,
    chargeCode: true,
    active: row.inactiveFlag !== true,
  };
}

export { lineAdditions };
