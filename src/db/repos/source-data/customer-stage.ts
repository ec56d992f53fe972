import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkspaceId } from '../../../core/ids';
import type { PoolClient } from '../../pool';
import { CHUNK_CHARS, copyRow } from './copy-text';
import { mergeStagedCustomers } from './customers';
import type { ImportCounts } from './types';

/** Tenant ids remembered to write each customer once; beyond this many the set starts over (bounded memory). */
const RECENT_TENANTS = 50_000;

/**
 * The customers a file names, collected while it is parsed and merged into source_customers at the end. Memory
 * does not grow with them: each customer goes as a COPY row to a temporary file (a 1,000,000-line file of the
 * benchmark names 270,000 tenants). A bounded set of the tenant ids seen keeps the file to about one row per
 * tenant; a tenant written again after the set started over is merged once, with the first row the file gave
 * it (its first name and domain), as before.
 */
export class CustomerStage {
  private recent = new Set<string>();
  private lastTenant: string | undefined;
  private seq = 0;
  private pending = '';
  private readonly dir = mkdtempSync(join(tmpdir(), 'billsync-customers-'));
  private readonly path = join(this.dir, 'customers.copy');
  private out: WriteStream | undefined;
  private full = false;
  /** An error of the file stream (its open runs in the background), raised by the next drained() or merge(). */
  private failure: unknown;

  constructor(private readonly recentTenants = RECENT_TENANTS) {}

  /** Whether any customer was noted. */
  get empty(): boolean {
    return this.seq === 0;
  }

  /** Notes a row's customer; a tenant already noted is skipped (the file's first name and domain count). */
  add(tenantId: string, name: string, domain: string): void {
    // A customer's rows come together: most rows name the tenant of the row before.
    if (tenantId === this.lastTenant) return;
    this.lastTenant = tenantId;
    if (this.recent.has(tenantId)) return;
    if (this.recent.size >= this.recentTenants) this.recent = new Set();
    // A copy of the id: the sliced one would keep its whole 64 KB file chunk alive.
    this.recent.add(` ${tenantId}`.slice(1));
    this.pending += `${this.seq++}\t${copyRow([tenantId.toLowerCase(), name, domain])}\n`;
    if (this.pending.length >= CHUNK_CHARS) this.flush();
  }

  /** Resolves once the file has taken what was written (call between batches: backpressure). */
  async drained(): Promise<void> {
    this.check();
    if (this.full && this.out) await once(this.out, 'drain');
    this.full = false;
  }

  /** Merges the collected customers in the caller's transaction (see mergeStagedCustomers). */
  async merge(client: PoolClient, ws: WorkspaceId): Promise<ImportCounts> {
    this.flush();
    this.recent = new Set();
    if (!this.out) return mergeStagedCustomers(client, ws, []);
    this.out.end();
    await once(this.out, 'close');
    this.check();
    return mergeStagedCustomers(client, ws, createReadStream(this.path, { highWaterMark: 1 << 16 }));
  }

  /** Removes the temporary file (also after a failed import). */
  dispose(): void {
    this.out?.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private check(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private flush(): void {
    if (this.pending === '') return;
    if (!this.out) {
      // Kept, never left unhandled: an import that fails (and disposes) before the file is open would otherwise
      // end the process with the open's ENOENT.
      this.out = createWriteStream(this.path);
      this.out.on('error', (error) => {
        this.failure ??= error;
      });
    }
    if (!this.out.write(this.pending)) this.full = true;
    this.pending = '';
  }
}
