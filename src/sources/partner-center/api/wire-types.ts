import { z } from 'zod';

/**
 * The parts of Partner Center's JSON billsync reads (csp-billing.md 1.1-1.6), after lossless parsing (numbers
 * arrive as strings). Loose objects: Microsoft adds fields over time, and unknown fields are ignored.
 */
const link = z
  .object({ uri: z.string(), headers: z.array(z.object({ key: z.string(), value: z.string() })).optional() })
  .loose();

export const collectionSchema = z
  .object({
    totalCount: z.union([z.string(), z.number()]).optional(),
    items: z.array(z.record(z.string(), z.unknown())),
    continuationToken: z.string().nullish(),
    links: z.object({ self: link.optional(), next: link.optional() }).loose().optional(),
  })
  .loose();

export type WireCollection = z.infer<typeof collectionSchema>;

export const customerSchema = z
  .object({
    id: z.string(),
    companyProfile: z
      .object({
        tenantId: z.string().optional(),
        domain: z.string().nullish(),
        companyName: z.string().nullish(),
      })
      .loose()
      .optional(),
  })
  .loose();

export type WireCustomer = z.infer<typeof customerSchema>;

export const invoiceSchema = z
  .object({
    id: z.string(),
    invoiceDate: z.string(),
    billingPeriodStartDate: z.string().nullish(),
    billingPeriodEndDate: z.string().nullish(),
    currencyCode: z.string(),
    documentType: z.string().nullish(),
    invoiceType: z.string().nullish(),
  })
  .loose();

export type WireInvoice = z.infer<typeof invoiceSchema>;
