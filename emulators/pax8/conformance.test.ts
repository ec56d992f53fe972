/**
 * Conformance with Pax8's published OpenAPI file: the client below is typed from the types generated from it
 * (openapi/pax8-partner.d.ts), and every answer is checked at run time against shape tables whose keys and kinds
 * the compiler ties to those same generated types (a field added to or retyped in the spec breaks the typecheck).
 * Deliberate departures, taken from Pax8's own examples (reference §2.6, §2.7, §2.1), are asserted as such.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { components, paths } from './openapi/pax8-partner';
import { SWITCH_VALUES } from './options';
import { startTestEmulator, type TestEmulator } from './testing';

type Schemas = components['schemas'];

// ---- A client typed from the generated paths (plain fetch; openapi-fetch is not a dependency) ----
type GetOp<P extends keyof paths> = paths[P] extends { get: infer Op } ? Op : never;
type Ok<P extends keyof paths> =
  GetOp<P> extends { responses: { 200: { content: { 'application/json': infer T } } } } ? T : never;
type QueryOf<P extends keyof paths> = GetOp<P> extends { parameters: { query?: infer Q } } ? Q : never;
type PathOf<P extends keyof paths> = GetOp<P> extends { parameters: { path: infer X } } ? X : never;

interface Answer<T> {
  status: number;
  data: T;
  error: Schemas['Error'];
  headers: Headers;
}

let emu: TestEmulator;
let bearer = '';

async function get<P extends keyof paths>(
  path: P,
  options: { params?: PathOf<P>; query?: QueryOf<P> | Record<string, string | number> } = {},
): Promise<Answer<Ok<P>>> {
  let url = String(path);
  for (const [k, v] of Object.entries((options.params ?? {}) as Record<string, string>))
    url = url.replace(`{${k}}`, encodeURIComponent(v));
  const query = new URLSearchParams(
    Object.entries((options.query ?? {}) as Record<string, unknown>).map(([k, v]): [string, string] => [
      k,
      String(v),
    ]),
  );
  const res = await fetch(`${emu.base}/v1${url}${query.size ? `?${query}` : ''}`, {
    headers: { Authorization: `Bearer ${bearer}` },
  });
  const body = await res.json();
  return { status: res.status, data: body as Ok<P>, error: body as Schemas['Error'], headers: res.headers };
}

// ---- Shape tables tied to the generated schemas ----
type Base = 'string' | 'uuid' | 'date' | 'date-time' | 'number' | 'boolean' | 'object' | 'array';
// `unknown` (an untyped field in the spec, e.g. Page.totalElements, Pricing.rates) accepts any kind.
type KindOf<V> = unknown extends V ? Base : KnownKind<NonNullable<V>>;
type KnownKind<V> = [V] extends [string]
  ? 'string' | 'uuid' | 'date' | 'date-time'
  : [V] extends [number]
    ? 'number'
    : [V] extends [boolean]
      ? 'boolean'
      : [V] extends [readonly unknown[]]
        ? 'array'
        : 'object';
type EnumOf<V> = unknown extends V
  ? never
  : [NonNullable<V>] extends [string]
    ? string extends V
      ? never
      : readonly NonNullable<V>[]
    : never;
interface Rule<V> {
  kind: KindOf<V>;
  /** The emulator always sends it (spec-required, or what billing reads). */
  required?: true;
  nullable?: true;
  enum?: EnumOf<V>;
  /** Nested object or array items. */
  of?: Shape<never>;
}
type Shape<T> = { [K in keyof Required<T>]-?: Rule<T[K]> };

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
// date-time as Pax8's examples send it: Z, an offset with or without a colon, or a bare date (§1.7).
const DATE_TIME_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2}))?$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function conforms(
  value: unknown,
  shape: Shape<never>,
  where: string,
  extra: readonly string[] = [],
): string[] {
  const errors: string[] = [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${where}: not an object`];
  const rules = shape as Record<string, Rule<unknown>>;
  for (const key of Object.keys(value))
    if (!(key in rules) && !extra.includes(key)) errors.push(`${where}.${key}: not in the spec`);
  for (const [key, rule] of Object.entries(rules)) {
    const v = (value as Record<string, unknown>)[key];
    const at = `${where}.${key}`;
    if (v === undefined) {
      if (rule.required) errors.push(`${at}: missing`);
      continue;
    }
    if (v === null) {
      if (!rule.nullable) errors.push(`${at}: null`);
      continue;
    }
    const ok = {
      string: typeof v === 'string',
      uuid: typeof v === 'string' && UUID_RE.test(v),
      date: typeof v === 'string' && DATE_RE.test(v),
      'date-time': typeof v === 'string' && DATE_TIME_RE.test(v),
      number: typeof v === 'number' && Number.isFinite(v),
      boolean: typeof v === 'boolean',
      object: typeof v === 'object' && !Array.isArray(v),
      array: Array.isArray(v),
    }[rule.kind as Base];
    if (!ok) errors.push(`${at}: ${JSON.stringify(v)} is not ${rule.kind}`);
    if (rule.enum && !(rule.enum as readonly unknown[]).includes(v))
      errors.push(`${at}: ${JSON.stringify(v)} not in the enum`);
    if (
      typeof v === 'number' &&
      Math.round(v * 1000) !== v * 1000 &&
      Math.abs(Math.round(v * 1000) - v * 1000) > 1e-6
    )
      errors.push(`${at}: more than 3 decimals`);
    if (rule.of && ok && rule.kind === 'object') errors.push(...conforms(v, rule.of, at));
    if (rule.of && ok && rule.kind === 'array')
      for (const [i, x] of (v as unknown[]).entries())
        errors.push(...conforms(x, rule.of as Shape<never>, `${at}[${i}]`));
  }
  return errors;
}

const ADDRESS: Shape<Schemas['Address']> = {
  street: { kind: 'string' },
  street2: { kind: 'string' },
  city: { kind: 'string', required: true },
  stateOrProvince: { kind: 'string' },
  postalCode: { kind: 'string' },
  country: { kind: 'string', required: true },
};
const COMPANY: Shape<Schemas['Company']> = {
  id: { kind: 'uuid', required: true },
  name: { kind: 'string', required: true },
  address: { kind: 'object', required: true, of: ADDRESS as Shape<never> },
  phone: { kind: 'string', required: true },
  website: { kind: 'string', required: true },
  externalId: { kind: 'string' },
  billOnBehalfOfEnabled: { kind: 'boolean', required: true },
  selfServiceAllowed: { kind: 'boolean', required: true },
  orderApprovalRequired: { kind: 'boolean', required: true },
  status: { kind: 'string', enum: ['Active', 'Inactive', 'Deleted'] },
  updatedDate: { kind: 'date-time' },
  contacts: { kind: 'array' },
};
/** List items are sparse in the spec's own example (§2.1): no phone, no orderApprovalRequired. */
const COMPANY_LIST: Shape<Schemas['Company']> = {
  ...COMPANY,
  phone: { kind: 'string' },
  orderApprovalRequired: { kind: 'boolean' },
};
const PRODUCT: Shape<Schemas['ProductDetail']> = {
  id: { kind: 'uuid', required: true },
  name: { kind: 'string', required: true },
  vendorName: { kind: 'string', required: true },
  shortDescription: { kind: 'string' },
  description: { kind: 'string' },
  sku: { kind: 'string', required: true },
  vendorSku: { kind: 'string' },
  altVendorSku: { kind: 'uuid' },
  requiresCommitment: { kind: 'boolean', required: true },
};
const RATE: Shape<Schemas['Rate']> = {
  partnerBuyRate: { kind: 'number', required: true },
  suggestedRetailPrice: { kind: 'number', required: true },
  startQuantityRange: { kind: 'number' },
  endQuantityRange: { kind: 'number', nullable: true },
  chargeType: { kind: 'string', enum: ['Per Unit', 'Flat Rate'] },
};
const PRICING: Shape<Schemas['Pricing']> = {
  productId: { kind: 'uuid', required: true },
  productName: { kind: 'string' },
  billingTerm: {
    kind: 'string',
    required: true,
    enum: ['Monthly', 'Annual', '2-Year', '3-Year', 'One-Time', 'Trial', 'Activation'],
  },
  commitmentTerm: { kind: 'string', nullable: true },
  commitmentTermInMonths: { kind: 'number', nullable: true },
  type: { kind: 'string', enum: ['Flat', 'Volume', 'Tiered', 'Mark-Up'] },
  unitOfMeasurement: { kind: 'string' },
  rates: { kind: 'array', required: true, of: RATE as Shape<never> },
};
const COMMITMENT: Shape<Schemas['SubscriptionCommitment']> = {
  id: { kind: 'uuid', required: true },
  term: { kind: 'string', required: true },
  endDate: { kind: 'date-time', required: true },
};
const SUBSCRIPTION: Shape<Schemas['Subscription']> = {
  id: { kind: 'uuid', required: true },
  parentSubscriptionId: { kind: 'uuid' },
  companyId: { kind: 'uuid', required: true },
  productId: { kind: 'uuid', required: true },
  vendorSubscriptionId: { kind: 'string' },
  vendorSkuId: { kind: 'string' },
  quantity: { kind: 'number', required: true },
  startDate: { kind: 'date-time', required: true },
  endDate: { kind: 'date-time' },
  createdDate: { kind: 'date-time', required: true },
  updatedDate: { kind: 'date-time' },
  billingStart: { kind: 'date', required: true },
  status: {
    kind: 'string',
    required: true,
    enum: [
      'Active',
      'Cancelled',
      'PendingManual',
      'PendingAutomated',
      'PendingCancel',
      'WaitingForDetails',
      'Trial',
      'Converted',
      'PendingActivation',
      'Activated',
    ],
  },
  price: { kind: 'number', required: true },
  currencyCode: { kind: 'string', required: true },
  partnerCost: { kind: 'number' },
  productName: { kind: 'string' },
  billingTerm: {
    kind: 'string',
    required: true,
    enum: ['Monthly', 'Annual', '2-Year', '3-Year', 'One-Time', 'Trial', 'Activation'],
  },
  provisioningDetails: { kind: 'array' },
  // `null` for month-to-month subscriptions on the wire (§2.4, pax8-cli types).
  commitmentTerm: { kind: 'object', nullable: true, of: COMMITMENT as Shape<never> },
};
const SUBSCRIPTION_DETAIL: Shape<Schemas['Subscription']> = {
  ...SUBSCRIPTION,
  partnerCost: { kind: 'number', required: true },
  updatedDate: { kind: 'date-time', required: true },
  vendorSkuId: { kind: 'string', required: true },
  commitmentTerm: { ...SUBSCRIPTION.commitmentTerm, required: true },
};
const INVOICE: Shape<Schemas['Invoice']> = {
  id: { kind: 'uuid', required: true },
  invoiceDate: { kind: 'date', required: true },
  dueDate: { kind: 'date', required: true },
  balance: { kind: 'number', required: true },
  carriedBalance: { kind: 'number', required: true },
  total: { kind: 'number', required: true },
  currencyCode: { kind: 'string', required: true },
  partnerName: { kind: 'string', required: true },
  companyId: { kind: 'uuid' },
  externalId: { kind: 'string' },
};
/** `status` is not in the Invoice schema but in every example and a filter (§2.6). */
const INVOICE_EXTRA = ['status'] as const;
const INVOICE_STATUSES: QueryOf<'/invoices'>['status'][] = [
  'Unpaid',
  'Paid',
  'Void',
  'Carried',
  'Nothing Due',
  'Credited',
];
const ITEM_TYPES: Schemas['InvoiceItem']['type'][] = [
  'rebate',
  'prorate',
  'subscription',
  'payment-credit',
  'one-time',
  'service-charge',
  'service-credit',
  'invoice-credit',
];
const INVOICE_ITEM: Shape<Schemas['InvoiceItem']> = {
  id: { kind: 'uuid', required: true },
  purchaseOrderNumber: { kind: 'string' },
  type: { kind: 'string', required: true, enum: ITEM_TYPES as EnumOf<Schemas['InvoiceItem']['type']> },
  companyId: { kind: 'uuid', required: true },
  externalId: { kind: 'string' },
  companyName: { kind: 'string', required: true },
  startPeriod: { kind: 'date', required: true },
  endPeriod: { kind: 'date', required: true },
  quantity: { kind: 'number', required: true },
  unitOfMeasure: { kind: 'string' },
  term: {
    kind: 'string',
    required: true,
    enum: [
      '3 Year',
      'Annual',
      '2 Year',
      'Activation',
      'One-Time',
      'Arrears',
      'Trial',
      'Rebate',
      'One-time',
      'Monthly',
    ],
  },
  sku: { kind: 'string', required: true },
  description: { kind: 'string', required: true },
  details: { kind: 'string' },
  rateType: {
    kind: 'string',
    enum: [
      'markup (Percentage based markup over to be determined base cost)',
      'single (Single price for any quantity, same as flat)',
      'flat (Single price for any quantity, same as single)',
      'volume (Price scales linearly with quantity)',
      'tiered (Price dependant on quantity)',
    ],
  },
  chargeType: { kind: 'string', enum: ['flat', 'per'] },
  price: { kind: 'number', required: true },
  subTotal: { kind: 'number', required: true },
  cost: { kind: 'number', required: true },
  costTotal: { kind: 'number', required: true },
  offeredBy: { kind: 'string' },
  billedByPax8: { kind: 'boolean', required: true },
  total: { kind: 'number', required: true },
  productId: { kind: 'uuid', required: true },
  productName: { kind: 'string', required: true },
  billingFee: { kind: 'number' },
  billingFeeRate: { kind: 'number' },
  amountDue: { kind: 'number', required: true },
  currencyCode: { kind: 'string', required: true },
  salesTax: { kind: 'number' },
  // "Products that do not have a subscription id … will return a null value" (§2.7).
  subscriptionId: { kind: 'uuid', required: true, nullable: true },
  vendorName: { kind: 'string' },
};
/** The examples send a bare `"single"`, not the enum's long text (§2.7): the default `rateType: bare`. */
const INVOICE_ITEM_BARE: Shape<Schemas['InvoiceItem']> = { ...INVOICE_ITEM, rateType: { kind: 'string' } };
const USAGE_SUMMARY: Shape<Schemas['UsageSummary']> = {
  id: { kind: 'uuid', required: true },
  companyId: { kind: 'uuid', required: true },
  productId: { kind: 'uuid', required: true },
  resourceGroup: { kind: 'string', required: true },
  vendorName: { kind: 'string' },
  currentCharges: { kind: 'number', required: true },
  currencyCode: { kind: 'string', required: true },
  partnerTotal: { kind: 'number', required: true },
  isTrial: { kind: 'boolean' },
};
/** The example items carry `subscriptionId` (§2.9). */
const USAGE_SUMMARY_EXTRA = ['subscriptionId'] as const;
const USAGE_LINE: Shape<Schemas['UsageLine']> = {
  usageSummaryId: { kind: 'uuid', required: true },
  usageDate: { kind: 'date', required: true },
  productName: { kind: 'string' },
  productId: { kind: 'uuid' },
  unitOfMeasure: { kind: 'string' },
  quantity: { kind: 'number', required: true },
  currentCharges: { kind: 'number', required: true },
  currentProfit: { kind: 'number' },
  partnerTotal: { kind: 'number', required: true },
  unitPrice: { kind: 'number' },
  currencyCode: { kind: 'string' },
  isTrial: { kind: 'boolean' },
};
const PAGE: Shape<Schemas['Page']> = {
  size: { kind: 'number', required: true },
  totalElements: { kind: 'number', required: true },
  totalPages: { kind: 'number', required: true },
  number: { kind: 'number', required: true },
};
const ERROR_DETAIL: Shape<Schemas['ErrorDetail']> = {
  type: { kind: 'string' },
  message: { kind: 'string', required: true },
  instance: { kind: 'string' },
  status: { kind: 'number' },
};
const ERROR: Shape<Schemas['Error']> = {
  type: { kind: 'string', required: true },
  message: { kind: 'string', required: true },
  instance: { kind: 'string', required: true },
  status: { kind: 'number', required: true },
  details: { kind: 'array', required: true, of: ERROR_DETAIL as Shape<never> },
};

function expectPaged(
  body: { content?: unknown[]; page?: unknown },
  shape: Shape<never>,
  where: string,
  extra: readonly string[] = [],
) {
  expect(
    conforms(
      body,
      {
        content: { kind: 'array' },
        page: { kind: 'object', required: true, of: PAGE as Shape<never> },
      } as Shape<never>,
      where,
    ),
  ).toEqual([]);
  for (const [i, row] of (body.content ?? []).entries())
    expect(conforms(row, shape, `${where}[${i}]`, extra)).toEqual([]);
}

type Listed = '/companies' | '/products' | '/subscriptions' | '/invoices';
type Row<P extends Listed> = Ok<P> extends { content?: (infer R)[] } ? R : never;

async function everyPage<P extends Listed>(path: P): Promise<Row<P>[]> {
  const rows: Row<P>[] = [];
  for (let page = 0; ; page++) {
    const res = await get(path, { query: { page, size: 200 } });
    expect(res.status).toBe(200);
    const data = res.data as { content?: Row<P>[]; page?: Schemas['Page'] };
    rows.push(...(data.content ?? []));
    if (page + 1 >= Number(data.page?.totalPages)) return rows;
  }
}

beforeAll(async () => {
  emu = await startTestEmulator();
  bearer = await emu.token();
});
afterAll(() => emu.close());

test('the shape check finds a missing, mistyped, unknown, null and out-of-enum field', () => {
  const errors = conforms(
    { id: 'not-a-uuid', type: 'refund', quantity: '3', extra: 1, subscriptionId: null, companyName: null },
    INVOICE_ITEM as Shape<never>,
    'item',
  );
  expect(errors).toEqual(
    expect.arrayContaining([
      'item.extra: not in the spec',
      'item.id: "not-a-uuid" is not uuid',
      'item.type: "refund" not in the enum',
      'item.quantity: "3" is not number',
      'item.companyName: null',
      'item.sku: missing',
    ]),
  );
  expect(errors.some((e) => e.startsWith('item.subscriptionId'))).toBe(false);
  expect(conforms({ price: 1.2345 }, { price: { kind: 'number' } } as Shape<never>, 'x')).toEqual([
    'x.price: more than 3 decimals',
  ]);
});

describe('every served endpoint answers in the spec shape', () => {
  test('companies: list and detail', async () => {
    const list = await get('/companies', { query: { size: 200 } });
    expectPaged(list.data, COMPANY_LIST as Shape<never>, 'companies');
    const id = list.data.content?.[0]?.id as string;
    const one = await get('/companies/{companyId}', { params: { companyId: id } });
    expect(conforms(one.data, COMPANY as Shape<never>, 'company')).toEqual([]);
  });

  test('products, product detail and pricing (content without page)', async () => {
    const products = await everyPage('/products');
    expectPaged(
      { content: products, page: { size: 200, totalElements: products.length, totalPages: 1, number: 0 } },
      PRODUCT as Shape<never>,
      'products',
    );
    for (const p of products) {
      const one = await get('/products/{productId}', { params: { productId: p.id as string } });
      expect(conforms(one.data, PRODUCT as Shape<never>, 'product')).toEqual([]);
      const pricing = await get('/products/{productId}/pricing', { params: { productId: p.id as string } });
      expect(
        conforms(
          pricing.data,
          { content: { kind: 'array', required: true, of: PRICING as Shape<never> } } as Shape<never>,
          'pricing',
        ),
      ).toEqual([]);
    }
  });

  test('subscriptions: list, detail, history (content without page), usage summaries and lines', async () => {
    const subs = await everyPage('/subscriptions');
    expectPaged(
      { content: subs, page: { size: 200, totalElements: subs.length, totalPages: 1, number: 0 } },
      SUBSCRIPTION as Shape<never>,
      'subscriptions',
    );
    for (const s of subs.slice(0, 12)) {
      const one = await get('/subscriptions/{subscriptionId}', {
        params: { subscriptionId: s.id as string },
      });
      expect(conforms(one.data, SUBSCRIPTION_DETAIL as Shape<never>, 'subscription')).toEqual([]);
      const history = await get('/subscriptions/{subscriptionId}/history', {
        params: { subscriptionId: s.id as string },
      });
      expect(
        conforms(
          history.data,
          {
            content: { kind: 'array', required: true, of: SUBSCRIPTION_DETAIL as Shape<never> },
          } as Shape<never>,
          'history',
        ),
      ).toEqual([]);
    }
    const azure = subs.find((s) => s.productName === 'Microsoft Azure Plan');
    const summaries = await get('/subscriptions/{subscriptionId}/usage-summaries', {
      params: { subscriptionId: azure?.id as string },
    });
    expectPaged(summaries.data, USAGE_SUMMARY as Shape<never>, 'usage-summaries', USAGE_SUMMARY_EXTRA);
    const summaryId = summaries.data.content?.[0]?.id as string;
    const one = await get('/usage-summaries/{usageSummaryId}', { params: { usageSummaryId: summaryId } });
    expect(conforms(one.data, USAGE_SUMMARY as Shape<never>, 'usage-summary', USAGE_SUMMARY_EXTRA)).toEqual(
      [],
    );
    const lines = await get('/usage-summaries/{usageSummaryId}/usage-lines', {
      params: { usageSummaryId: summaryId },
      query: { usageDate: '2026-03-03' },
    });
    expect(lines.data.content?.length).toBeGreaterThan(0);
    expectPaged(lines.data, USAGE_LINE as Shape<never>, 'usage-lines');
  });

  test('invoices: list, detail, items, draft items', async () => {
    const invoices = await everyPage('/invoices');
    expect(invoices.length).toBeGreaterThan(12);
    expectPaged(
      { content: invoices, page: { size: 200, totalElements: invoices.length, totalPages: 1, number: 0 } },
      INVOICE as Shape<never>,
      'invoices',
      INVOICE_EXTRA,
    );
    for (const i of invoices) expect(INVOICE_STATUSES).toContain((i as { status?: string }).status);
    const one = await get('/invoices/{invoiceId}', { params: { invoiceId: invoices[0]?.id as string } });
    expect(conforms(one.data, INVOICE as Shape<never>, 'invoice', INVOICE_EXTRA)).toEqual([]);
    for (const inv of invoices.slice(0, 3)) {
      const items = await get('/invoices/{invoiceId}/items', {
        params: { invoiceId: inv.id as string },
        query: { size: 200 },
      });
      expectPaged(items.data, INVOICE_ITEM_BARE as Shape<never>, 'items');
    }
    const draft = await get('/invoices/draftItems', { query: { monthOffset: 1, size: 200 } });
    expectPaged(draft.data, INVOICE_ITEM_BARE as Shape<never>, 'draftItems');
  });
});

describe('errors, paging, tokens', () => {
  test('error bodies have the Error schema (400, 401, 403, 404, 422, 429, 500)', async () => {
    const missing = '3d0617ac-57f6-40e3-951d-e91da47a326b';
    const answers = [
      await get('/companies', { query: { page: -1 } }),
      await get('/subscriptions', { query: { companyId: missing } }),
      await get('/companies/{companyId}', { params: { companyId: missing } }),
      await get('/invoices/draftItems', { query: { monthOffset: 5 } }),
    ];
    emu.faults.inject({ kind: '429', path: '/v1/products' });
    emu.faults.inject({ kind: '500', path: '/v1/products' });
    answers.push(await get('/products'), await get('/products'));
    const saved = bearer;
    bearer = 'not-a-token';
    answers.push(await get('/invoices'));
    bearer = saved;
    expect(answers.map((a) => a.status)).toEqual([400, 403, 404, 422, 429, 500, 401]);
    for (const a of answers) {
      expect(conforms(a.error, ERROR as Shape<never>, `error ${a.status}`)).toEqual([]);
      expect(a.error.status).toBe(a.status);
      expect(a.error.instance?.startsWith('/public/v1/')).toBe(true);
    }
  });

  test('paging parameters: 0-based page, default 10, max 200', async () => {
    const first = await get('/subscriptions');
    expect(first.data.page).toMatchObject({ size: 10, number: 0 });
    const big = await get('/subscriptions', { query: { size: 500 } });
    expect(big.data.page?.size).toBe(200);
    const second = await get('/subscriptions', { query: { page: 1, size: 5 } });
    expect(second.data.content?.[0]?.id).toBe(first.data.content?.[5]?.id);
  });

  test('a vendor-audience token is refused on partner endpoints; a partner token is accepted', async () => {
    const saved = bearer;
    bearer = await emu.token(undefined, 'api://provisioning');
    expect((await get('/companies')).status).toBe(403);
    bearer = saved;
    expect((await get('/companies')).status).toBe(200);
  });
});

describe('every value of every switch keeps the spec shapes', () => {
  const cases = Object.entries(SWITCH_VALUES).flatMap(([key, values]) =>
    values.map((value) => [key, value] as const),
  );
  test.each(cases)('%s = %s', async (key, value) => {
    emu.setRules({ [key]: value });
    try {
      const invoices = await everyPage('/invoices');
      const shape = (
        key === 'rateType' && value === 'spec-enum' ? INVOICE_ITEM : INVOICE_ITEM_BARE
      ) as Shape<never>;
      for (const inv of invoices) {
        expect(conforms(inv, INVOICE as Shape<never>, 'invoice', INVOICE_EXTRA)).toEqual([]);
        for (let page = 0; ; page++) {
          const items = await get('/invoices/{invoiceId}/items', {
            params: { invoiceId: inv.id as string },
            query: { page, size: 200 },
          });
          expectPaged(items.data, shape, `items ${inv.invoiceDate}`);
          if (page + 1 >= Number(items.data.page?.totalPages)) break;
        }
      }
      const subs = await everyPage('/subscriptions');
      const history = await get('/subscriptions/{subscriptionId}/history', {
        params: { subscriptionId: subs[0]?.id as string },
      });
      expect(
        conforms(
          history.data,
          {
            content: { kind: 'array', required: true, of: SUBSCRIPTION_DETAIL as Shape<never> },
          } as Shape<never>,
          'history',
        ),
      ).toEqual([]);
    } finally {
      emu.setRules({ [key]: SWITCH_DEFAULT[key as keyof typeof SWITCH_VALUES] });
    }
  });
});

const SWITCH_DEFAULT = Object.fromEntries(Object.entries(SWITCH_VALUES).map(([k, v]) => [k, v[0]])) as Record<
  keyof typeof SWITCH_VALUES,
  string
>;
