import { type ConnectWiseAdapter, createAdapter } from './adapter';
import type { CatalogDefaults } from './catalog-writes';
import { type ConnectWiseConnectionOptions, createConnectWiseClient } from './client';

export type { ConnectWiseAdapter } from './adapter';
export type { CatalogDefaults } from './catalog-writes';
export {
  type ConnectWiseClient,
  type ConnectWiseConnectionOptions,
  createConnectWiseClient,
  forgetCodebases,
  siteOrigin,
} from './client';

/**
 * Options of the ConnectWise adapter (decision 0012):
 * - `site`, `companyId`, `publicKey`, `privateKey`: the API member (§1.4); `clientId`: billsync's integration id.
 * - `codebase` (skips discovery), `apiVersion` (default 2025.8), `timeoutMs`, `maxConcurrent` (default 5) or a
 *   shared `limiter`, `retry`, and injectable `sleep`, `random`, `now`, `onHttp` for tests and logs.
 * - `catalog`: where new catalog items go (subcategory, product type, taxable); default "Miscellaneous".
 */
export interface ConnectWiseAdapterOptions extends ConnectWiseConnectionOptions {
  catalog?: CatalogDefaults;
}

export function createConnectWiseAdapter(options: ConnectWiseAdapterOptions): ConnectWiseAdapter {
  return createAdapter(
    createConnectWiseClient(options),
    { companyId: options.companyId, publicKey: options.publicKey },
    options.catalog ?? {},
    options.now ?? Date.now,
  );
}
