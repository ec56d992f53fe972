import type { WorkspaceId } from '../../core/ids';
import type { Queryable } from '../../db/pool';
import { AppError } from '../errors';

/*
 * A workspace has one source per program (issue 18): Microsoft's (the Partner Center API or its exported files)
 * or Pax8. The two name customers differently, Microsoft by the customer's tenant id and Pax8 by its company id,
 * so the same customer would be two source customers with two mappings, and invoices of one would never replace
 * the other's. Mixing them would bill twice; the second source is refused, saying why and what to do.
 */

const WHY =
  'a workspace has one source per program, and the two name customers differently (Pax8 by its company ids, Microsoft by the customers’ tenant ids), so their data cannot be mixed';

/** Why Pax8 may not be connected to the workspace (it has Microsoft CSP data); undefined when it may. */
export async function pax8Refusal(db: Queryable, ws: WorkspaceId): Promise<string | undefined> {
  const res = await db.query<{ pax8: boolean; partner_center: boolean; data: boolean }>(
    `select exists (select 1 from connections where workspace_id = $1 and kind = 'pax8') as pax8,
            exists (select 1 from connections where workspace_id = $1 and kind = 'partner-center') as partner_center,
            (exists (select 1 from invoices where workspace_id = $1)
              or exists (select 1 from source_customers where workspace_id = $1)
              or exists (select 1 from price_list_entries where workspace_id = $1)) as data`,
    [ws],
  );
  const r = res.rows[0]!;
  // Once Pax8 is connected, the stored data is Pax8's (Microsoft's is refused from then on).
  if (r.pax8) return undefined;
  if (!r.partner_center && !r.data) return undefined;
  const what = r.partner_center
    ? 'This workspace is connected to Microsoft Partner Center (the Microsoft CSP source)'
    : 'This workspace already holds Microsoft CSP data (imported invoice or price-list files, or a Partner Center pull)';
  return `${what}: Pax8 cannot be connected beside it, because ${WHY}. Connect Pax8 in a new workspace (\`billsync workspace create\`), or keep Microsoft as this workspace’s source.`;
}

/** Why Microsoft CSP data (the Partner Center connection, a pull or a file import) is refused; undefined when not. */
export async function microsoftRefusal(db: Queryable, ws: WorkspaceId): Promise<string | undefined> {
  const res = await db.query('select 1 from connections where workspace_id = $1 and kind = $2', [ws, 'pax8']);
  if ((res.rowCount ?? 0) === 0) return undefined;
  return `This workspace’s source is Pax8: Microsoft CSP data (Partner Center or its files) cannot be added beside it, because ${WHY}. Use a separate workspace for Microsoft’s data, or pull Pax8 (\`billsync source pull --source pax8\`).`;
}

/** Throws the refusal as a 409-like error when Pax8 may not be connected. */
export async function assertPax8Allowed(db: Queryable, ws: WorkspaceId): Promise<void> {
  const problem = await pax8Refusal(db, ws);
  if (problem) throw new AppError('conflict', problem);
}

/** Throws the refusal when Microsoft CSP data may not be added. */
export async function assertMicrosoftAllowed(db: Queryable, ws: WorkspaceId): Promise<void> {
  const problem = await microsoftRefusal(db, ws);
  if (problem) throw new AppError('conflict', problem);
}
