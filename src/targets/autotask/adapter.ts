import { IntegrationError } from '../../core/integration-error';
import type {
  Applied,
  PlannedOperation,
  TargetAdapter,
  TargetContext,
  TargetSnapshot,
} from '../../core/ports/target';
import { err, ok, type Result } from '../../core/result';
import { adjustContractLine, createProduct, updateProductPrice } from './apply';
import { bookCharge, createChargeCodes, probeCharge } from './charge-writes';
import type { AutotaskClient } from './client';
import { createPicklists } from './picklists';
import { type ProbeAnswer, probeAdjustment, probeCreateProduct, probeUpdateProductPrice } from './probe';
import { classifyAutotaskError } from './quirks-errors';
import { type AutotaskScope, readState } from './read-state';

export interface AutotaskAdapter extends TargetAdapter {
  readonly kind: 'autotask';
  readState(ctx: TargetContext, scope: AutotaskScope): Promise<TargetSnapshot>;
  /** The underlying REST client (for callers that need a query the port does not cover). */
  readonly client: AutotaskClient;
}

/** Expected failures as results: IntegrationErrors, and values Autotask cannot take (RangeError) as validation. */
async function attempt<T>(run: () => Promise<T>): Promise<Result<T, IntegrationError>> {
  try {
    return ok(await run());
  } catch (error) {
    if (error instanceof IntegrationError) return err(error);
    if (error instanceof RangeError) {
      return err(new IntegrationError({ kind: 'validation', vendor: 'autotask', message: error.message }));
    }
    throw error;
  }
}

/** The words a person needs for a connection problem, vendor messages kept. */
function inWords(error: IntegrationError): IntegrationError {
  const { friendly } = classifyAutotaskError(error.status ?? 0, error.vendorMessages);
  if (!friendly) return error;
  return new IntegrationError({
    kind: error.kind,
    vendor: error.vendor,
    message: friendly,
    ...(error.status !== undefined ? { status: error.status } : {}),
    vendorMessages: error.vendorMessages,
  });
}

export function createAdapter(client: AutotaskClient, username: string, now: () => number): AutotaskAdapter {
  const picklists = createPicklists(client);
  const chargeCodes = createChargeCodes(client);
  return {
    kind: 'autotask',
    client,

    async check(ctx) {
      const result = await attempt(async () => {
        // ThresholdInformation: authenticated, cheap, and it seeds the threshold pacing (§3.5).
        const info = await client.threshold(ctx);
        const root = await client.transport.root(ctx);
        const host = new URL(root).host;
        return {
          detail:
            `Connected to ${host} as ${username}: ${info.currentTimeframeRequestCount} of ` +
            `${info.externalRequestThreshold} API requests used in the last ${info.requestThresholdTimeframe} minutes`,
        };
      });
      return result.ok ? result : err(inWords(result.error));
    },

    readState(ctx, scope) {
      return readState(client, picklists, ctx, scope, new Date(now()).toISOString());
    },

    apply(ctx, op: PlannedOperation): Promise<Result<Applied, IntegrationError>> {
      return attempt(() => {
        switch (op.kind) {
          case 'create-product':
            return createProduct(client, picklists, ctx, op);
          case 'update-product-price':
            return updateProductPrice(client, ctx, op);
          case 'adjust-contract-line':
            return adjustContractLine(client, ctx, op);
          case 'book-charge':
            return bookCharge(client, picklists, chargeCodes, ctx, op);
        }
      });
    },

    probe(ctx, op: PlannedOperation): Promise<Result<ProbeAnswer, IntegrationError>> {
      // Each probe reads the PSA and answers landed / absent, or throws a `conflict` when it shows neither.
      return attempt(() => {
        switch (op.kind) {
          case 'create-product':
            return probeCreateProduct(client, picklists, ctx, op);
          case 'update-product-price':
            return probeUpdateProductPrice(client, ctx, op);
          case 'adjust-contract-line':
            return probeAdjustment(client, ctx, op);
          case 'book-charge':
            return probeCharge(client, ctx, op);
        }
      });
    },
  };
}
