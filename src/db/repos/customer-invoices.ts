import type { WorkspaceId } from '../../core/ids';
import type { Queryable } from '../pool';

export interface CustomerInvoiceRow {
  id: string;
  billing_period: string;
  issue_date: string;
  currency: string;
  synced: boolean;
}

/**
 * The imported invoices that bill one customer (a license line or Azure usage for its tenant), oldest first by
 * issue date, each with whether it was synced to the target for that customer. Uses the lines' customer indexes.
 */
export async function listCustomerInvoiceRows(
  db: Queryable,
  ws: WorkspaceId,
  target: string,
  tenantId: string,
): Promise<CustomerInvoiceRow[]> {
  const res = await db.query<CustomerInvoiceRow>(
    `select i.id, i.billing_period, to_char(i.issue_date, 'YYYY-MM-DD') as issue_date, i.currency,
            (s.invoice_id is not null) as synced
     from invoices i
     left join synced_invoices s
       on s.workspace_id = i.workspace_id and s.target = $2 and s.tenant_id = $3 and s.invoice_id = i.id
     where i.workspace_id = $1
       and (exists (select 1 from invoice_lines l
                    where l.workspace_id = i.workspace_id and l.customer_tenant_id = $3 and l.invoice_id = i.id)
            or exists (select 1 from azure_usage_lines u
                       where u.workspace_id = i.workspace_id and u.customer_tenant_id = $3 and u.invoice_id = i.id))
     order by i.issue_date, i.id`,
    [ws, target, tenantId],
  );
  return res.rows;
}
