import { z } from 'zod';
import { SUGGESTION_REASONS } from '../../core/match/company-match';
import { tryParsePlainDate } from '../../core/time/plain-date';
import { RunStatusSchema } from './run-schemas';

/**
 * The API contract of customers and their mappings (spec section 5), in one place: the server validates and
 * documents its customer routes with these schemas, and the web app takes its wire types from them (type-only
 * imports in web/src/api/types.ts). Keep this file pure zod (and pure core helpers): no database or server code,
 * so the web project can import it. The lists here are checked against the database's and the planner's at
 * compile time (src/server/routes/sync-schemas.ts).
 */

/** The four pricing strategies of a mapping (spec section 5). */
export const StrategySchema = z.enum(['cost-and-retail', 'cost-only', 'none', 'none-on-update']);

/** When the PSA bills a customer's seats (issue 16): after Microsoft's invoice, or for the coming month. */
export const BillingModeSchema = z.enum(['arrears', 'advance']);

/** The sortable columns of the customers table. */
export const CustomerSortSchema = z.enum([
  'customer',
  'domain',
  'company',
  'contract',
  'strategy',
  'syncStart',
  'sync',
  'lastRun',
  'lastRunAt',
  'lastSynced',
]);

export const CompanySuggestionOut = z.object({
  companyId: z.string(),
  companyName: z.string(),
  score: z.number(),
  reason: z.enum(SUGGESTION_REASONS),
});

/** One row of the customers table: the customer, its mapping and its last run. */
export const CustomerOut = z.object({
  tenantId: z.string(),
  name: z.string(),
  domain: z.string(),
  mapped: z.boolean(),
  companyId: z.string().nullable(),
  companyName: z.string().nullable(),
  contractId: z.string().nullable(),
  contractName: z.string().nullable(),
  annualContractId: z.string().nullable().describe('the contract annual subscriptions are booked on'),
  annualContractName: z.string().nullable(),
  strategy: StrategySchema.nullable(),
  syncStart: z.string().nullable(),
  syncOn: z.boolean(),
  shadow: z.boolean().describe('shadow first sync: the first sync is compared and waits to be applied'),
  billing: BillingModeSchema.describe(
    'arrears: after the invoice; advance: the coming month, trued up later',
  ),
  pausedReason: z
    .string()
    .nullable()
    .describe('why billsync paused the sync (the PSA did not bill what it wrote); switch sync on to resume'),
  pausedAt: z.string().nullable(),
  lastRun: z
    .object({
      id: z.string(),
      status: RunStatusSchema,
      at: z.string(),
      message: z.string().nullable().describe('what the run says, e.g. why there was nothing to sync'),
    })
    .nullable(),
  lastSyncedAt: z.string().nullable(),
  suggestion: CompanySuggestionOut.nullable(),
});

/** `GET /api/customers`. */
export const CustomerPageOut = z.object({
  items: z.array(CustomerOut),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  suggestions: z.object({ available: z.boolean(), message: z.string().nullable() }),
});

/** A UTC calendar date written YYYY-MM-DD. */
export const PlainDateText = z
  .string()
  .refine((s) => tryParsePlainDate(s) !== undefined, 'a date is written YYYY-MM-DD (a UTC calendar date)');

/**
 * The mapping dialog (spec section 5): PSA company and contract, pricing strategy, sync start, Sync switch, and
 * the shadow first sync (issue 11: the first sync is compared with what the PSA bills and written only once
 * applied; the dialog pre-selects it when the contract already bills one of the customer's offers). Saving with
 * sync on resumes a paused customer.
 */
export const MappingInput = z
  .object({
    companyId: z.string().trim().min(1, 'choose the PSA company'),
    contractId: z.string().trim().min(1, 'choose the contract'),
    strategy: StrategySchema.optional(),
    syncStart: PlainDateText.optional(),
    syncOn: z.boolean(),
    shadow: z.boolean().optional(),
    /**
     * Issue 16, decision 0014: bill the seats after Microsoft's invoice (arrears, the default) or the coming month
     * from the seats carried forward, trued up by the next invoice (advance). Left out: unchanged.
     */
    billing: BillingModeSchema.optional(),
    /**
     * Issue 16, decision 0015: the contract annual-billed subscriptions are booked on as one-time charges (Autotask
     * Fixed Price; ConnectWise an agreement billed one time); null clears it, left out: unchanged.
     */
    annualContractId: z.string().trim().min(1).nullable().optional(),
  })
  .strict();

/** `PUT /api/customers/{id}/mapping`: the saved customer, and what could not be checked. */
export const MappingSavedOut = z.object({ customer: CustomerOut, warnings: z.array(z.string()) });

/** `GET /api/customers/{id}/contract-check`: whether the contract already bills one of the customer's offers. */
export const ContractCheckOut = z.object({
  contractId: z.string(),
  billsCustomerOffers: z.boolean(),
  lines: z.array(z.object({ productId: z.string(), productName: z.string(), units: z.string() })),
});

/** One imported Microsoft invoice that bills the customer (the sync start hint of the mapping dialog). */
export const CustomerInvoiceOut = z.object({
  id: z.string().describe('the invoice number'),
  billingPeriod: z.string().describe('YYYY-MM: the usage month'),
  issueDate: z.string().describe('YYYY-MM-DD: the sync start compares with this day'),
  currency: z.string(),
  synced: z.boolean().describe('already synced to the PSA for this customer (a sync never takes it again)'),
});

/** `GET /api/customers/{id}/invoices`: the customer's imported invoices, oldest first. */
export const CustomerInvoicesOut = z.object({
  tenantId: z.string(),
  syncStart: z.string().nullable().describe("the mapping's sync start (null: not mapped)"),
  items: z.array(CustomerInvoiceOut),
});

/** Wire types (what the API sends and takes), for the web app. */
export type PricingStrategyWire = z.infer<typeof StrategySchema>;
export type CustomerSortWire = z.infer<typeof CustomerSortSchema>;
export type CompanySuggestionWire = z.infer<typeof CompanySuggestionOut>;
export type CustomerWire = z.infer<typeof CustomerOut>;
export type CustomerPageWire = z.infer<typeof CustomerPageOut>;
export type MappingInputWire = z.input<typeof MappingInput>;
export type MappingSavedWire = z.infer<typeof MappingSavedOut>;
export type ContractCheckWire = z.infer<typeof ContractCheckOut>;
export type CustomerInvoiceWire = z.infer<typeof CustomerInvoiceOut>;
export type CustomerInvoicesWire = z.infer<typeof CustomerInvoicesOut>;
