import { z } from 'zod';

/**
 * The API contract of the Microsoft CSP program settings (spec section 3), in one place: the server validates
 * and documents its routes with these schemas, the CLI validates its flags with ProgramPatch, and the web app
 * takes its wire types from them (type-only imports in web/src/api/types.ts). Keep this file pure zod: no
 * database or server code, so the web project can import it.
 */

const PsaId = z.string().trim().min(1, 'an id is required').max(64);

/**
 * Where new catalog items go, for ConnectWise (decision 0012): the subcategory (its category follows from it; the
 * category is kept for the form), the product type (null: the tenant's "Miscellaneous") and "set new products
 * taxable".
 */
export const CatalogSettings = z.object({
  categoryId: PsaId.nullable(),
  subcategoryId: PsaId.nullable(),
  typeId: PsaId.nullable(),
  taxable: z.boolean(),
});

/**
 * A change of the program settings: the fields given replace the stored ones, the others stay (defaults for a
 * new program). `null` clears an optional id (vendor, charge code).
 */
export const ProgramPatch = z
  .object({
    syncEnabled: z.boolean(),
    mode: z.enum(['all', 'in-use']),
    motions: z.object({ monthly: z.boolean(), annual: z.boolean(), azure: z.boolean() }).partial(),
    billingCodeId: PsaId.nullable(),
    vendorId: PsaId.nullable(),
    chargeCodeId: PsaId.nullable(),
    emails: z.array(z.email('not an email address')).max(20, 'at most 20 notification addresses'),
    reconEmail: z.boolean().describe("e-mail each month's reconciliation to the notification addresses"),
    namePrefix: z
      .string()
      .max(20, 'the product name prefix is at most 20 characters')
      .regex(/^[\w.:-]*$/, 'the product name prefix may use letters, digits and _ . : - only'),
    azureMarkupPercent: z
      .string()
      .regex(/^\d{1,4}(\.\d{1,4})?$/, 'the Azure markup is a percentage like 10 or 12.5'),
    approvalThresholdPercent: z.number().min(0).max(10_000).nullable(),
    catalog: CatalogSettings.partial().strict(),
  })
  .partial()
  .strict();
export type ProgramPatch = z.infer<typeof ProgramPatch>;

/** The settings in force (as stored; the defaults until the first save). */
export const ProgramSettingsOut = z.object({
  syncEnabled: z.boolean(),
  mode: z.enum(['all', 'in-use']),
  motions: z.object({ monthly: z.boolean(), annual: z.boolean(), azure: z.boolean() }),
  billingCodeId: z.string().nullable(),
  vendorId: z.string().nullable(),
  /** null = the PSA's default charge code (Autotask: the active Material Cost Code with the lowest id). */
  chargeCodeId: z.string().nullable(),
  namePrefix: z.string(),
  azureMarkupPercent: z.string(),
  emails: z.array(z.string()),
  reconEmail: z.boolean(),
  approvalThresholdPercent: z.number().nullable(),
  /** ConnectWise only: where new catalog items go (absent until set: the tenant's "Miscellaneous" rows). */
  catalog: CatalogSettings.optional(),
});

export const ProgramOut = z.object({
  target: z.enum(['autotask', 'connectwise']),
  configured: z.boolean(),
  settings: ProgramSettingsOut,
});

export const ProgramSavedOut = ProgramOut.extend({ warnings: z.array(z.string()) });

export const ProgramOption = z.object({ id: z.string(), name: z.string() });

/** The choices of the settings dropdowns, read live from the PSA. */
export const ProgramOptionsOut = z.object({
  /** Active billing codes usable on recurring contract services (the only ones products may use). */
  billingCodes: z.array(ProgramOption),
  /** Active codes for one-time contract charges (Autotask: Material Cost Codes), for locked-day corrections. */
  chargeCodes: z.array(ProgramOption),
  /** Active companies of type Vendor. */
  vendors: z.array(ProgramOption),
  /** ConnectWise only: the catalog categories, subcategories (with their category) and product types. */
  placement: z
    .object({
      categories: z.array(ProgramOption),
      subcategories: z.array(ProgramOption.extend({ categoryId: z.string().nullable() })),
      productTypes: z.array(ProgramOption),
    })
    .optional(),
});

/** Wire types (what the API sends and takes), for the web app. */
export type ProgramSettingsWire = z.infer<typeof ProgramSettingsOut>;
export type ProgramWire = z.infer<typeof ProgramOut>;
export type ProgramSavedWire = z.infer<typeof ProgramSavedOut>;
export type ProgramOptionsWire = z.infer<typeof ProgramOptionsOut>;
export type CatalogSettingsWire = z.infer<typeof CatalogSettings>;
export type ProgramPatchWire = z.input<typeof ProgramPatch>;
