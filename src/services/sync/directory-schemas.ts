import { z } from 'zod';

/**
 * The API contract of the PSA directory the mapping dialog's dropdowns read (spec section 5), in one place: the
 * server validates and documents its routes with these schemas, and the web app takes its wire types from them
 * (type-only imports in web/src/api/types.ts). Keep this file pure zod: no database or server code.
 */

export const CompanyOut = z.object({ id: z.string(), name: z.string() });

/** `GET /api/psa/{target}/companies`. */
export const CompanyListOut = z.object({ items: z.array(CompanyOut), total: z.number() });

/** A contract that can be mapped (Autotask: a Recurring Service contract that has not ended). */
export const ContractOptionOut = z.object({
  id: z.string(),
  name: z.string(),
  startDate: z.string(),
  endDate: z.string().nullable(),
});

/** `GET /api/psa/{target}/companies/{id}/contracts`: the mappable ones, and how many are hidden and why. */
export const CompanyContractsOut = z.object({
  company: CompanyOut,
  items: z.array(ContractOptionOut),
  hidden: z.object({ count: z.number(), reason: z.string().nullable() }),
});

/** `POST /api/psa/{target}/directory/refresh`: the directory read anew from the PSA ("Refresh from Autotask"). */
export const DirectoryRefreshOut = z.object({
  companies: z.number().describe('active customer companies'),
  contracts: z.number(),
  readAt: z.string().describe('when the PSA was read (UTC instant)'),
});

/** Wire types (what the API sends), for the web app. */
export type CompanyWire = z.infer<typeof CompanyOut>;
export type CompanyListWire = z.infer<typeof CompanyListOut>;
export type ContractOptionWire = z.infer<typeof ContractOptionOut>;
export type CompanyContractsWire = z.infer<typeof CompanyContractsOut>;
export type DirectoryRefreshWire = z.infer<typeof DirectoryRefreshOut>;
