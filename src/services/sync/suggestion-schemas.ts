import { z } from 'zod';
import { CompanySuggestionOut, CustomerOut } from './customer-schemas';
import { ContractOptionOut } from './directory-schemas';

/**
 * The API contract of "Confirm all suggested matches" (spec section 5: billsync suggests, the user confirms), in
 * one place: the server validates and documents its routes with these schemas, and the web app takes its wire
 * types from them (type-only imports in web/src/api/types.ts). Keep this file pure zod.
 */

/** One unmapped customer with its suggested PSA company and what confirming it would map. */
export const SuggestionReviewItemOut = z.object({
  tenantId: z.string(),
  name: z.string(),
  domain: z.string(),
  suggestion: CompanySuggestionOut,
  contract: ContractOptionOut.nullable().describe(
    "the company's only mappable contract: what confirming maps; null when it has none or several",
  ),
  contracts: z.number().describe('how many contracts of the company can be mapped'),
  note: z
    .string()
    .nullable()
    .describe('why this one cannot be confirmed here (choose in the mapping dialog)'),
});

/** `GET /api/customers/suggestions`: every unmapped customer that has a suggestion. */
export const SuggestionReviewOut = z.object({
  items: z.array(SuggestionReviewItemOut),
  available: z.boolean().describe('false when the PSA could not be read (message says why)'),
  message: z.string().nullable(),
});

/** `POST /api/customers/suggestions/confirm`: map the chosen customers to their suggestion's only contract. */
export const ConfirmSuggestionsInput = z
  .object({
    tenantIds: z.array(z.string().min(1)).min(1, 'choose at least one customer').max(5000),
    syncOn: z.boolean().default(false).describe('switch their sync on at once (default: off)'),
  })
  .strict();

export const ConfirmSuggestionsOut = z.object({
  confirmed: z.array(CustomerOut),
  skipped: z.array(z.object({ tenantId: z.string(), name: z.string(), reason: z.string() })),
});

/** Wire types (what the API sends and takes), for the web app. */
export type SuggestionReviewItemWire = z.infer<typeof SuggestionReviewItemOut>;
export type SuggestionReviewWire = z.infer<typeof SuggestionReviewOut>;
export type ConfirmSuggestionsInputWire = z.input<typeof ConfirmSuggestionsInput>;
export type ConfirmSuggestionsWire = z.infer<typeof ConfirmSuggestionsOut>;
