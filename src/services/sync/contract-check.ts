import type { WorkspaceId } from '../../core/ids';
import { offerKeyText, skuCode } from '../../core/model/source';
import { ZERO } from '../../core/money/decimal';
import { azurePlanOffer, canonicalOffer } from '../../core/planner/azure-line';
import { getProgram, listLinks, type TargetKind } from '../../db/repos/sync';
import { offersOfCustomer } from '../../db/repos/sync-source';
import { DEFAULT_PROGRAM } from '../../engine/program';
import { getCustomer } from './customers';
import { type SyncDeps, withPsa } from './psa';

/** What a contract bills today of a customer's offers: the mapping dialog's shadow first sync hint (issue 11). */
export interface ContractCheck {
  contractId: string;
  /** The contract already bills at least one of the customer's offers: where cutover double charges happen. */
  billsCustomerOffers: boolean;
  /** The contract's lines of products of the customer's offers, with their units today. */
  lines: { productId: string; productName: string; units: string }[];
}

/**
 * Reads one contract and tells whether it already bills one of the customer's invoiced offers today (a product
 * linked to the offer, or named as billsync would name it). The dialog pre-selects the shadow first sync then.
 */
export async function checkContract(
  deps: SyncDeps,
  ws: WorkspaceId,
  target: TargetKind,
  tenantId: string,
  contractId: string,
): Promise<ContractCheck> {
  const customer = await getCustomer(deps, ws, target, tenantId);
  const program = { ...DEFAULT_PROGRAM, ...(await getProgram(deps.pool, ws, target)) };
  const [{ offers, azureCurrencies }, links] = await Promise.all([
    offersOfCustomer(deps.pool, ws, customer.tenantId),
    listLinks(deps.pool, ws, target, 'product'),
  ]);
  const keys = [...offers.map(canonicalOffer), ...azureCurrencies.map((c) => azurePlanOffer(c))];
  const ids = new Set(
    keys.map((k) => links.get(offerKeyText(k))).filter((x): x is string => x !== undefined),
  );
  const names = new Set(keys.map((k) => `${program.namePrefix}${skuCode(k)}`.toLowerCase()));
  const snapshot = await withPsa(target, async () =>
    (await deps.openTarget(ws, target)).readState({}, { contractIds: [contractId], products: true }),
  );
  const today = deps.clock.today();
  const lines = snapshot.contractLines
    .filter((l) => l.contractId === contractId)
    .map((l) => ({ line: l, product: snapshot.products.find((p) => p.id === l.productId) }))
    .filter(({ line, product }) => ids.has(line.productId) || names.has((product?.name ?? '').toLowerCase()))
    .map(({ line, product }) => {
      const seg = snapshot.unitSegments.find(
        (s) => s.contractLineId === line.id && s.start <= today && today < s.end,
      );
      return {
        productId: line.productId,
        productName: product?.name ?? line.productId,
        units: (seg?.units ?? ZERO).toFixed(),
      };
    });
  return { contractId, billsCustomerOffers: lines.some((l) => l.units !== '0'), lines };
}
