import { IntegrationError } from '../../core/integration-error';
import type { Applied, PlannedOperation, TargetAdapter, TargetSnapshot } from '../../core/ports/target';
import { err, ok, type Result } from '../../core/result';
import {
  type CatalogDefaults,
  createCatalogSetup,
  createProduct,
  probeCreateProduct,
  probeUpdateProductPrice,
  updateProductPrice,
} from './catalog-writes';
import type { ConnectWiseClient } from './client';
import { adjustLine, bookCharge, createAgreementCache, probeAdjustment, probeCharge } from './line-writes';
import { readProductPlacement } from './product-placement';
import { readState } from './read-state';

export interface ConnectWiseAdapter extends TargetAdapter {
  readonly kind: 'connectwise';
  /** The underlying REST client (for callers that need a read the port does not cover). */
  readonly client: ConnectWiseClient;
}

/** Expected failures as results: IntegrationErrors, and values ConnectWise cannot take (RangeError) as validation. */
async function attempt<T>(run: () => Promise<T>): Promise<Result<T, IntegrationError>> {
  try {
    return ok(await run());
  } catch (error) {
    if (error instanceof IntegrationError) return err(error);
    if (error instanceof RangeError) {
      return err(new IntegrationError({ kind: 'validation', vendor: 'connectwise', message: error.message }));
    }
    throw error;
  }
}

export function createAdapter(
  client: ConnectWiseClient,
  who: { companyId: string; publicKey: string },
  catalog: CatalogDefaults,
  now: () => number,
): ConnectWiseAdapter {
  const setup = createCatalogSetup(client, catalog);
  const agreements = createAgreementCache(client);
  return {
    kind: 'connectwise',
    client,

    check(ctx) {
      // §1.7: /system/info may answer without credentials; a count of companies needs them (and Inquire rights).
      return attempt(async () => {
        const companies = await client.count(ctx, 'company/companies');
        const host = new URL(await client.root(ctx)).host;
        return {
          detail: `Connected to ${host} as ${who.companyId}+${who.publicKey}: ${companies} companies visible`,
        };
      });
    },

    async readState(ctx, scope): Promise<TargetSnapshot> {
      const {
        additions: _additions,
        agreementRows,
        ...snapshot
      } = await readState(client, ctx, scope, new Date(now()).toISOString());
      // Later writes read the billing cycle and invoicing state of these agreements without another call.
      agreements.remember(agreementRows);
      return snapshot;
    },

    apply(ctx, op: PlannedOperation): Promise<Result<Applied, IntegrationError>> {
      return attempt(() => {
        switch (op.kind) {
          case 'create-product':
            return createProduct(client, setup, ctx, op);
          case 'update-product-price':
            return updateProductPrice(client, ctx, op);
          case 'adjust-contract-line':
            return adjustLine(client, agreements, ctx, op);
          case 'book-charge':
            return bookCharge(client, agreements, ctx, op);
        }
      });
    },

    probe(ctx, op: PlannedOperation): Promise<Result<Applied | 'absent', IntegrationError>> {
      return attempt(() => {
        switch (op.kind) {
          case 'create-product':
            return probeCreateProduct(client, ctx, op);
          case 'update-product-price':
            return probeUpdateProductPrice(client, ctx, op);
          case 'adjust-contract-line':
            return probeAdjustment(client, ctx, op);
          case 'book-charge':
            return probeCharge(client, ctx, op);
        }
      });
    },

    readProductPlacement(ctx) {
      return readProductPlacement(client, ctx);
    },
  };
}
