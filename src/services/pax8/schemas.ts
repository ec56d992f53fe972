import { z } from 'zod';

/** `POST /api/connections/pax8/pull`: what the pull read and stored (services/pax8/pull-source.ts). */
export const Pax8PullOut = z.object({
  state: z.enum(['done', 'warning', 'failed']),
  since: z.string().nullable(),
  customers: z.object({ read: z.number(), created: z.number(), updated: z.number(), unchanged: z.number() }),
  priceList: z.object({
    entries: z.number(),
    created: z.number(),
    updated: z.number(),
    unchanged: z.number(),
  }),
  invoices: z.array(
    z.object({
      id: z.string(),
      billingPeriod: z.string(),
      status: z.enum(['created', 'replaced', 'unchanged']),
      lines: z.number(),
    }),
  ),
  withdrawn: z.array(z.string()),
  linesWithoutCompany: z.number(),
  disagreements: z.array(z.string()),
  errors: z.array(z.string()),
  summary: z.string(),
});

export type Pax8PullWire = z.infer<typeof Pax8PullOut>;
