import { z } from 'zod';

/**
 * The API contract of reconciliation, leakage and the contract timeline (issue 17, spec section 9), in one place:
 * the server validates and documents its routes with these schemas, the web app and the CLI take their wire types
 * from them. Pure zod: no database or server code, so the web project can import it (type-only).
 *
 * Money is a decimal string with 2 decimals in the workspace's invoice currency. A period is `YYYY-MM`: the
 * month the PSA bills the days of (licences: the calendar month of the days; Azure: the usage month, which the
 * PSA bills on the 1st of the month after, as R-9 says).
 */

export const ReconTarget = z.enum(['autotask', 'connectwise']);

/** What can be wrong with a figure (customer, offer or month). */
export const ReconFlag = z.object({
  kind: z
    .enum(['differs', 'below-cost', 'price-change', 'not-synced', 'problem'])
    .describe(
      'differs: the PSA bills more than 1 cent per prorated Microsoft line away from the expected retail; below-cost: the PSA bills less than Microsoft charged; price-change: Microsoft or the price list changed a price inside the period and the PSA does not carry the new price yet; not-synced: invoices of the period are not synced to the PSA yet; problem: the offer cannot be billed (no PSA product, no contract, no price list)',
    ),
  text: z.string(),
});

/** The figures of one period (for a customer, an offer or the workspace). */
export const ReconFigures = z.object({
  cost: z.string().describe("Microsoft's cost: the invoice lines' money for the period's days"),
  expected: z
    .string()
    .describe('expected retail: the invoice seats per day at the price list and price rules retail'),
  billed: z
    .string()
    .describe('what the PSA bills: units x price per day as the PSA prorates, plus one-time charges'),
  billedCost: z.string().describe('the cost the PSA carries for the same (units x cost per day, charges)'),
  margin: z.string().describe('billed - cost'),
  marginPercent: z
    .number()
    .nullable()
    .describe('margin / billed x 100, one decimal; null when nothing billed'),
  difference: z.string().describe('billed - expected'),
});

export const ReconCustomerRow = ReconFigures.extend({
  tenantId: z.string(),
  name: z.string(),
  contractName: z.string().nullable(),
  offers: z.number().describe('offers with figures in the period'),
  flags: z.array(ReconFlag),
});

/** `GET /api/reconciliation?target&period`: the month page. */
export const ReconMonthOut = z.object({
  target: ReconTarget,
  period: z.string().nullable().describe('the period shown; null when no invoice is imported yet'),
  periods: z.array(z.string()).describe('periods with figures, newest first (the month picker)'),
  currency: z.string().nullable(),
  totals: ReconFigures,
  customers: z.array(ReconCustomerRow),
  leakage: z.object({ total: z.string(), rows: z.number() }),
  computedAt: z.string().describe('when the figures were computed (the PSA read), ISO instant'),
  psaCalls: z.number().describe('PSA requests the computation made (0 when served from the cache)'),
});

/** One invoice line behind a figure (the evidence). */
export const ReconInvoiceLine = z.object({
  invoiceId: z.string(),
  lineNumber: z.number(),
  chargeType: z.string(),
  chargeStart: z.string(),
  chargeEnd: z.string().describe('last day, inclusive'),
  quantity: z.string(),
  unitPrice: z.string(),
  subtotal: z.string(),
  inPeriod: z.string().describe("the part of the subtotal on the period's days"),
});

export const ReconOfferRow = ReconFigures.extend({
  offerKey: z.string(),
  title: z.string(),
  kind: z.enum(['seats', 'azure', 'annual', 'problem']),
  /** The PSA product's id, when linked. */
  productId: z.string().nullable(),
  seats: z.string().nullable().describe("the invoice's seats on the period's last decided day"),
  units: z.string().nullable().describe("the PSA's units on the same day"),
  flags: z.array(ReconFlag),
  lines: z.array(ReconInvoiceLine),
});

/** `GET /api/reconciliation/customer?target&tenantId&period`: one customer's offers with the evidence. */
export const ReconCustomerOut = z.object({
  target: ReconTarget,
  period: z.string().nullable(),
  periods: z.array(z.string()),
  tenantId: z.string(),
  name: z.string(),
  contractName: z.string().nullable(),
  mapped: z.boolean(),
  currency: z.string().nullable(),
  totals: ReconFigures,
  flags: z.array(ReconFlag),
  offers: z.array(ReconOfferRow),
  computedAt: z.string(),
});

export const ReconChartMonth = ReconFigures.extend({ period: z.string() });

/** `GET /api/reconciliation/chart?target[&tenantId]`: 12 months for the workspace or one customer. */
export const ReconChartOut = z.object({
  target: ReconTarget,
  tenantId: z.string().nullable(),
  currency: z.string().nullable(),
  months: z.array(ReconChartMonth),
});

const DayRange = z.object({ start: z.string(), end: z.string().describe('exclusive') });

/** `GET /api/reconciliation/timeline?target&tenantId&offerKey`: one contract line, day by day. */
export const TimelineOut = z.object({
  target: ReconTarget,
  tenantId: z.string(),
  customerName: z.string(),
  offerKey: z.string(),
  title: z.string(),
  kind: z.enum(['seats', 'azure', 'annual', 'problem']),
  contractId: z.string().nullable(),
  contractLineId: z.string().nullable(),
  from: z.string().describe('first day shown'),
  until: z.string().describe('day after the last one shown'),
  invoice: z
    .array(DayRange.extend({ units: z.string(), price: z.string().nullable(), cost: z.string().nullable() }))
    .describe('what the invoices say per day: seats, expected retail and cost per unit'),
  psa: z
    .array(DayRange.extend({ units: z.string(), price: z.string().nullable(), cost: z.string().nullable() }))
    .describe('what the PSA carries per day: units, price and cost'),
  decided: z.array(DayRange).describe('days the synced invoices decide'),
  postedThrough: z.string().nullable().describe('the contract is approved and posted through this day'),
  changeDays: z.array(z.string()).describe('days that already carry a change of the line (locked)'),
  charges: z.array(
    z.object({
      date: z.string(),
      name: z.string(),
      amount: z.string(),
      cost: z.string(),
      billsync: z.boolean(),
    }),
  ),
  writes: z
    .array(
      z.object({
        runId: z.string(),
        at: z.string().describe('when the write landed'),
        date: z.string().describe('the day it is effective (adjustment) or dated (charge)'),
        kind: z.enum(['adjust', 'charge']),
        text: z.string(),
      }),
    )
    .describe("billsync's writes to this line, each with its run"),
  months: z.array(ReconChartMonth).describe('the line per period'),
});

export const LeakageReason = z.enum([
  'unmapped',
  'sync-off',
  'no-product',
  'error',
  'skipped-line',
  'azure-off',
  'not-synced',
  'before-contract',
]);

export const LeakageRow = z.object({
  reason: LeakageReason,
  tenantId: z.string(),
  customerName: z.string(),
  offerKey: z.string().nullable(),
  title: z.string().describe('what is not billed, in words'),
  cost: z.string().describe("Microsoft's cost nobody is billed for, in the period"),
  fix: z.string().describe('what to do, in words'),
  action: z
    .enum(['map', 'turn-sync-on', 'product-sync', 'adopt', 'open-run', 'sync', 'settings', 'bill-manually'])
    .describe('the fix as a button of the UI'),
  runId: z.string().nullable().describe('the run whose item is in error, for open-run'),
});

/** `GET /api/reconciliation/leakage?target&period`: Microsoft charges nobody is billed for. */
export const LeakageOut = z.object({
  target: ReconTarget,
  period: z.string().nullable(),
  currency: z.string().nullable(),
  total: z.string(),
  rows: z.array(LeakageRow),
  months: z.array(z.object({ period: z.string(), total: z.string() })).describe('the last 12 periods'),
});

export type ReconFlagWire = z.infer<typeof ReconFlag>;
export type ReconFiguresWire = z.infer<typeof ReconFigures>;
export type ReconCustomerRowWire = z.infer<typeof ReconCustomerRow>;
export type ReconMonthWire = z.infer<typeof ReconMonthOut>;
export type ReconInvoiceLineWire = z.infer<typeof ReconInvoiceLine>;
export type ReconOfferRowWire = z.infer<typeof ReconOfferRow>;
export type ReconCustomerWire = z.infer<typeof ReconCustomerOut>;
export type ReconChartWire = z.infer<typeof ReconChartOut>;
export type TimelineWire = z.infer<typeof TimelineOut>;
export type LeakageRowWire = z.infer<typeof LeakageRow>;
export type LeakageWire = z.infer<typeof LeakageOut>;
