import { z } from 'zod';
import { tryParseDecimal } from '../../core/money/decimal';
import { PlainDateText } from '../sync/customer-schemas';

/**
 * The API contract of price rules (issue 16, decision 0013): the server validates and documents its routes with
 * these schemas and the web app takes its wire types from them. Pure zod, no server code.
 */

export const SEGMENTS = ['Commercial', 'Education', 'Charity', 'Government'] as const;

/** A decimal written with a dot, e.g. `15`, `-2.5`, `19.99`. */
export const DecimalText = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine(
    (s) => /^-?\d+(\.\d+)?$/.test(s) && tryParseDecimal(s) !== undefined,
    'a number such as 15 or 19.99',
  );

export const RuleOffersSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('segment'), segment: z.enum(SEGMENTS) }),
  z.object({ kind: z.literal('family'), title: z.string().trim().min(2, 'the start of a product title') }),
  z.object({
    kind: z.literal('product'),
    productId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]{4,20}$/, 'a Microsoft product id such as CFQ7TTC0LCHC'),
  }),
  z.object({
    kind: z.literal('sku'),
    sku: z
      .string()
      .trim()
      .regex(
        /^([A-Za-z0-9]{2,4}:[A-Za-z]:)?[A-Za-z0-9]{4,20}:[A-Za-z0-9]{1,10}$/,
        'a SKU code such as CFQ7TTC0LCHC:0002 (every term), or P1Y:A:CFQ7TTC0LCHC:0002 (one term and billing plan)',
      ),
  }),
]);

export const RuleBasisSchema = z.enum(['cost', 'retail']);
export const RuleMethodSchema = z.enum(['markup', 'margin', 'amount', 'fixed']);
export const RuleRoundingSchema = z.enum(['cent', 'x9', '99']);

/** A new rule. Customer: a tenant id, name or domain; left out = every customer. */
export const PriceRuleInput = z.object({
  customer: z.string().trim().min(1).optional(),
  offers: RuleOffersSchema.default({ kind: 'all' }),
  basis: RuleBasisSchema.default('cost'),
  method: RuleMethodSchema,
  /** Percent for markup and margin, an amount per unit for amount, the price for fixed. */
  value: DecimalText,
  rounding: RuleRoundingSchema.default('cent'),
  /** Default: the first day of the next month (a rule changes prices from a contract period's start). */
  validFrom: PlainDateText.optional(),
  validTo: PlainDateText.optional(),
  position: z.number().int().min(0).max(10_000).default(0),
  note: z.string().trim().max(200).default(''),
});
export type PriceRuleInput = z.input<typeof PriceRuleInput>;

export const PriceRuleOut = z.object({
  id: z.string(),
  customer: z.object({ tenantId: z.string(), name: z.string() }).nullable(),
  offers: RuleOffersSchema,
  basis: RuleBasisSchema,
  method: RuleMethodSchema,
  value: z.string(),
  rounding: RuleRoundingSchema,
  validFrom: z.string(),
  validTo: z.string().nullable(),
  position: z.number(),
  note: z.string(),
  /** The rule in words: `Markup 15% on cost, every customer, SKU CFQ7TTC0LCHC:0002, rounded up to .99`. */
  description: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
});
export type PriceRuleOut = z.infer<typeof PriceRuleOut>;

export const PriceRuleListOut = z.object({ items: z.array(PriceRuleOut) });

/** `POST /api/price-rules`: the stored rule and what the user should know (e.g. a back-dated start). */
export const PriceRuleAddedOut = z.object({ rule: PriceRuleOut, warnings: z.array(z.string()) });

/** `DELETE /api/price-rules/{id}`: deleted (not started yet) or ended with the current month. */
export const PriceRuleRemovedOut = z.object({ removed: PriceRuleOut, outcome: z.enum(['deleted', 'ended']) });

export const PriceRuleIdParam = z.object({ id: z.string().uuid() });

/** The live preview: one customer (or every customer) and one SKU on a day. */
export const PricePreviewQuery = z.object({
  customer: z.string().trim().min(1).optional(),
  sku: z.string().trim().min(3),
  date: PlainDateText.optional(),
});

export const PricePreviewOut = z.object({
  date: z.string(),
  customer: z.object({ tenantId: z.string(), name: z.string() }).nullable(),
  offers: z.array(
    z.object({
      offerKey: z.string(),
      title: z.string(),
      currency: z.string(),
      cost: z.string(),
      listRetail: z.string(),
      rule: z.object({ id: z.string(), description: z.string() }).nullable(),
      price: z.string(),
    }),
  ),
});

export type PricePreviewOut = z.infer<typeof PricePreviewOut>;

/** `GET /api/price-rules/skus?search=`: price-list SKU codes for the pickers. */
export const SkuSearchQuery = z.object({
  search: z.string().trim().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const SkuListOut = z.object({ items: z.array(z.object({ sku: z.string(), title: z.string() })) });

/** The money effect of adding and / or removing a rule, before saving. */
export const RuleEffectInput = z.object({
  add: PriceRuleInput.optional(),
  remove: z.string().uuid().optional(),
});

export const RuleEffectOut = z.object({
  /** The contract period the effect is for (the next one: rules never change a period already started). */
  period: z.string(),
  customers: z.array(
    z.object({
      tenantId: z.string(),
      name: z.string(),
      currency: z.string(),
      delta: z.string(),
      lines: z.array(
        z.object({
          offerKey: z.string(),
          title: z.string(),
          seats: z.string(),
          from: z.string(),
          to: z.string(),
          delta: z.string(),
        }),
      ),
    }),
  ),
  totals: z.array(z.object({ currency: z.string(), delta: z.string() })),
});
export type RuleEffectOut = z.infer<typeof RuleEffectOut>;
