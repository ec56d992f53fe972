import { z } from 'zod';

/**
 * The parts of Pax8's Partner API JSON billsync reads (pax8-api.md section 2), after lossless parsing (numbers
 * may arrive as strings). Loose objects: Pax8 adds fields over time. Everything billsync can live without is
 * optional and nullable, because list views are sparse (companies without phone, subscriptions without
 * partnerCost or commitmentTerm) and the examples disagree with the schema.
 */
const num = z.union([z.number(), z.string()]);
const text = z.string().nullish();
const numberish = num.nullish();

/** `{content, page}` (Spring style). `content` is missing on an empty invoice list; `page` on unpaged lists. */
export const pageSchema = z
  .object({
    size: numberish,
    totalElements: numberish,
    totalPages: numberish,
    number: numberish,
  })
  .loose();

export const listSchema = z
  .object({
    content: z.array(z.record(z.string(), z.unknown())).nullish(),
    page: pageSchema.nullish(),
  })
  .loose();

export type WireList = z.infer<typeof listSchema>;

export const companySchema = z
  .object({
    id: z.string(),
    name: text,
    website: text,
    externalId: text,
    status: text,
    billOnBehalfOfEnabled: z.union([z.boolean(), z.string()]).nullish(),
    address: z.object({ country: text }).loose().nullish(),
  })
  .loose();

export type WireCompany = z.infer<typeof companySchema>;

export const productSchema = z
  .object({
    id: z.string(),
    name: text,
    vendorName: text,
    sku: text,
    vendorSku: text,
    requiresCommitment: z.union([z.boolean(), z.string()]).nullish(),
  })
  .loose();

export type WireProduct = z.infer<typeof productSchema>;

export const rateSchema = z
  .object({
    partnerBuyRate: numberish,
    suggestedRetailPrice: numberish,
    startQuantityRange: numberish,
    endQuantityRange: numberish,
    chargeType: text,
  })
  .loose();

export const pricingSchema = z
  .object({
    productId: text,
    productName: text,
    billingTerm: text,
    commitmentTerm: z.union([z.string(), z.object({ term: text }).loose()]).nullish(),
    commitmentTermInMonths: numberish,
    type: text,
    unitOfMeasurement: text,
    rates: z.array(rateSchema).nullish(),
  })
  .loose();

export type WirePricing = z.infer<typeof pricingSchema>;

export const subscriptionSchema = z
  .object({
    id: z.string(),
    companyId: text,
    productId: text,
    productName: text,
    quantity: numberish,
    startDate: text,
    endDate: text,
    createdDate: text,
    updatedDate: text,
    billingStart: text,
    status: text,
    price: numberish,
    partnerCost: numberish,
    currencyCode: text,
    billingTerm: text,
    commitmentTerm: z.object({ id: text, term: text, endDate: text }).loose().nullish(),
  })
  .loose();

export type WireSubscription = z.infer<typeof subscriptionSchema>;

export const invoiceSchema = z
  .object({
    id: z.string(),
    invoiceDate: z.string(),
    dueDate: text,
    status: text,
    total: numberish,
    currencyCode: text,
    partnerName: text,
    companyId: text,
  })
  .loose();

export type WireInvoice = z.infer<typeof invoiceSchema>;

export const invoiceItemSchema = z
  .object({
    id: text,
    type: text,
    companyId: text,
    companyName: text,
    startPeriod: text,
    endPeriod: text,
    quantity: numberish,
    unitOfMeasure: text,
    term: text,
    sku: text,
    description: text,
    details: text,
    chargeType: text,
    price: numberish,
    subTotal: numberish,
    cost: numberish,
    costTotal: numberish,
    total: numberish,
    amountDue: numberish,
    currencyCode: text,
    productId: text,
    productName: text,
    subscriptionId: text,
    vendorName: text,
  })
  .loose();

export type WireInvoiceItem = z.infer<typeof invoiceItemSchema>;

export const usageSummarySchema = z
  .object({
    id: z.string(),
    companyId: text,
    productId: text,
    subscriptionId: text,
    resourceGroup: text,
    vendorName: text,
    currentCharges: numberish,
    partnerTotal: numberish,
    currencyCode: text,
  })
  .loose();

export type WireUsageSummary = z.infer<typeof usageSummarySchema>;

export const tokenSchema = z
  .object({
    access_token: z.string().min(1),
    expires_in: numberish,
    token_type: text,
  })
  .loose();
