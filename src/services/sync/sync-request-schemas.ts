import { z } from 'zod';
import { PlainDateText } from './customer-schemas';
import { RunSummaryOut } from './run-schemas';

/**
 * The API contract of previews, syncs run in the request and adoption (spec sections 4 and 6), in one place: the
 * server validates and documents its sync routes with these schemas, and the web app takes its wire types from
 * them (type-only imports in web/src/api/types.ts). Keep this file pure zod: no database or server code.
 */

/** `POST /api/sync/{target}/products[/preview]`. */
export const ProductsSyncBody = z
  .object({ asOf: PlainDateText.optional().describe('plan as of this day (default today, UTC)') })
  .strict()
  .nullish();

/** `POST /api/sync/{target}/customers[/preview]`. */
export const CustomersSyncBody = z
  .object({
    tenantIds: z
      .array(z.string().min(1))
      .max(5000)
      .optional()
      .describe('default: every mapped customer with sync on'),
    asOf: PlainDateText.optional().describe('replay a month: sync as of this day (default today, UTC)'),
  })
  .strict()
  .nullish();

/** One run per customer. */
export const RunSummaryListOut = z.object({ items: z.array(RunSummaryOut) });

/** `POST /api/sync/{target}/adopt`: link an existing PSA product after a name collision. */
export const AdoptBody = z
  .object({
    offer: z.string().min(1).describe('offer key, or its SKU code / product name when unique'),
    productId: z.string().min(1).describe('the PSA product (Autotask Service) id'),
  })
  .strict();

export const AdoptedOut = z.object({ offerKey: z.string(), productId: z.string(), productName: z.string() });

/** Wire types (what the API sends and takes), for the web app. */
export type ProductsSyncBodyWire = z.input<typeof ProductsSyncBody>;
export type CustomersSyncBodyWire = z.input<typeof CustomersSyncBody>;
export type RunSummaryListWire = z.infer<typeof RunSummaryListOut>;
export type AdoptBodyWire = z.input<typeof AdoptBody>;
export type AdoptedWire = z.infer<typeof AdoptedOut>;
