import type { TargetContext, TargetContract, TargetScope, TargetSnapshot } from '../../core/ports/target';
import type { PlainDate } from '../../core/time/plain-date';
import { allSettledOrThrow } from '../../http';
import { toCharge, withLocks } from './charges';
import type { AutotaskClient, Wire } from './client';
import {
  FIELDS,
  mapRow,
  sortById,
  sortSegments,
  toBillingCode,
  toCompany,
  toContract,
  toContractLine,
  toProduct,
  toSegment,
} from './mapping';
import type { Picklists } from './picklists';
import { withPostedItems } from './posted-items';
import { eq, everything, exist, gte, inList, lt } from './query';
import { FIXED_PRICE_CONTRACT_TYPE, RECURRING_SERVICE_CONTRACT_TYPE, toAutotaskDate, wireId } from './quirks';
import { billingSegments, withUnitsReadUntil } from './unit-segments';

/**
 * The scope of the port. ContractServiceUnits has a row per billing period up to the contract end (a 3-year
 * contract ~36 per line), so only the rows overlapping `unitDays` are read (issue 14): those ending on or after
 * its first day and starting before its end. `unitsFrom` (the older Autotask-only form) is a window with no end.
 */
export interface AutotaskScope extends TargetScope {
  unitsFrom?: PlainDate;
}

/**
 * Batched reads: one query (paged) per entity and per chunk of 500 contract ids, run in parallel under the
 * connection's limit; never one call per object. With picklists and the threshold check that is about
 * 12 requests for any number of contracts up to 500 (plus one per extra 500 rows of a result).
 */
export async function readState(
  client: AutotaskClient,
  picklists: Picklists,
  ctx: TargetContext,
  scope: AutotaskScope,
  takenAt: string,
): Promise<TargetSnapshot> {
  const contractIds = [...new Set(scope.contractIds ?? [])].map((id) => wireId(id, 'contract id'));
  const unitsFrom = scope.unitDays?.start ?? scope.unitsFrom;
  const unitsUntil = scope.unitDays?.end;
  // Rows are inclusive on both ends (§4.6): a row overlaps [from, until) when endDate >= from, startDate < until.
  const unitFilter = [
    ...(unitsFrom ? [gte('endDate', toAutotaskDate(unitsFrom))] : []),
    ...(unitsUntil ? [lt('startDate', toAutotaskDate(unitsUntil))] : []),
  ];
  const some = contractIds.length > 0;
  const [
    companies,
    directoryContracts,
    billingCodes,
    products,
    scopedContracts,
    lines,
    segments,
    charges,
    postedItems,
  ] = await allSettledOrThrow([
    scope.directory ? readCompanies(client, picklists, ctx) : [],
    scope.directory
      ? client.query(ctx, 'Contracts', {
          // Recurring Service contracts take the lines; Fixed Price ones the annual subscriptions (decision 0015).
          filter: [inList('contractType', [RECURRING_SERVICE_CONTRACT_TYPE, FIXED_PRICE_CONTRACT_TYPE])],
          includeFields: FIELDS.Contracts,
        })
      : [],
    scope.directory || scope.products
      ? client.query(ctx, 'BillingCodes', { filter: [everything()], includeFields: FIELDS.BillingCodes })
      : [],
    scope.products ? readProducts(client, picklists, ctx) : [],
    some ? client.queryIn(ctx, 'Contracts', 'id', contractIds, { includeFields: FIELDS.Contracts }) : [],
    some
      ? client.queryIn(ctx, 'ContractServices', 'contractID', contractIds, {
          includeFields: FIELDS.ContractServices,
        })
      : [],
    some
      ? client.queryIn(ctx, 'ContractServiceUnits', 'contractID', contractIds, {
          includeFields: FIELDS.ContractServiceUnits,
          ...(unitFilter.length > 0 ? { filter: unitFilter } : {}),
        })
      : [],
    some
      ? client.queryIn(ctx, 'ContractCharges', 'contractID', contractIds, {
          includeFields: FIELDS.ContractCharges,
        })
      : [],
    some
      ? client.queryIn(ctx, 'BillingItems', 'contractID', contractIds, {
          filter: [exist('contractServicePeriodID')],
          includeFields: ['contractID', 'contractServicePeriodID', 'itemDate'],
        })
      : [],
  ]);
  const contracts = new Map<string, TargetContract>();
  for (const row of [...directoryContracts, ...scopedContracts]) {
    const c = mapRow('Contracts', row, toContract);
    contracts.set(c.id, c);
  }
  // Locked days (postedThrough, changeDays) come from the unit rows already read.
  const locked = withLocks(
    [...contracts.values()],
    lines.map((l) => mapRow('ContractServices', l, toContractLine)),
    segments,
    unitsFrom,
    new Set(contractIds.map(String)),
  );
  const unitRows = segments
    // A row without its contract service cannot be placed on a line (not seen; defensive).
    .filter((u: Wire) => u.contractServiceID !== null && u.contractServiceID !== undefined)
    .sort((a: Wire, b: Wire) => Number(a.id) - Number(b.id))
    .map((u) => mapRow('ContractServiceUnits', u, toSegment));
  return {
    takenAt,
    companies: sortById(companies),
    contracts: sortById(withPostedItems(locked.contracts, postedItems)),
    billingCodes: sortById(billingCodes.map((b) => mapRow('BillingCodes', b, toBillingCode))),
    products: sortById(products),
    contractLines: sortById(withUnitsReadUntil(locked.lines, unitRows, contracts)),
    ...(some ? { charges: sortById(charges.map((c) => mapRow('ContractCharges', c, toCharge))) } : {}),
    unitSegments: sortSegments(
      billingSegments(unitRows, new Map([...contracts.values()].map((c) => [c.id, c.endDate]))),
    ),
  };
}

/** Active customers and vendors: the mapping dropdowns and the program's vendor list. */
async function readCompanies(client: AutotaskClient, picklists: Picklists, ctx: TargetContext) {
  const types = await picklists.companyTypes(ctx);
  const rows = await client.query(ctx, 'Companies', {
    filter: [eq('isActive', true), inList('companyType', [types.customer, types.vendor])],
    includeFields: FIELDS.Companies,
  });
  return rows.map((c) => mapRow('Companies', c, toCompany(types)));
}

/** Every service: a tenant has a few hundred at most, one or two pages. */
async function readProducts(client: AutotaskClient, picklists: Picklists, ctx: TargetContext) {
  const periods = await picklists.periodTypes(ctx);
  const rows = await client.query(ctx, 'Services', {
    filter: [everything()],
    includeFields: FIELDS.Services,
  });
  return rows.map((s) => mapRow('Services', s, toProduct(periods)));
}
