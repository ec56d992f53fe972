/**
 * The emulator's Pax8 catalogue: Microsoft NCE seat products in three price rows each (month-to-month; 1-year
 * commitment billed monthly; 1-year billed annually, §2.3) and the Azure plan (a usage container: flat, 0 rates,
 * UOM `Each`). Prices are USD list-like figures: suggested retail and a partner buy rate 15% below.
 */
import { type SeedPricing, type SeedProduct, stableId } from './model';

interface Prices {
  /** Month-to-month, per month. */
  monthly: [cost: number, retail: number];
  /** 1-year commitment billed monthly, per month. */
  commitMonthly: [cost: number, retail: number];
  /** 1-year commitment billed annually, per year. */
  annual: [cost: number, retail: number];
}

const SEATS: Record<string, { name: string; sku: string; vendorSku: string; prices: Prices }> = {
  'business-basic': {
    name: 'Microsoft 365 Business Basic',
    sku: 'MST-NCE-M365BB',
    vendorSku: '3B555118-DA6A-4418-894F-7DF1E2096870',
    prices: { monthly: [6.12, 7.2], commitMonthly: [5.1, 6], annual: [61.2, 72] },
  },
  'business-standard': {
    name: 'Microsoft 365 Business Standard',
    sku: 'MST-NCE-M365BS',
    vendorSku: 'F245ECC8-75AF-4F8E-B61F-27D8114DE5F3',
    prices: { monthly: [12.75, 15], commitMonthly: [10.63, 12.5], annual: [127.5, 150] },
  },
  'business-premium': {
    name: 'Microsoft 365 Business Premium',
    sku: 'MST-NCE-M365BP',
    vendorSku: 'CBDC14AB-D96C-4C30-B9F4-6ADA7CDC1D46',
    prices: { monthly: [22.44, 26.4], commitMonthly: [18.7, 22], annual: [224.4, 264] },
  },
  'office-365-e3': {
    name: 'Microsoft Office 365 E3',
    sku: 'MST-NCE-O365E3',
    vendorSku: '6FD2C87F-B296-42F0-B197-1E91E994B900',
    prices: { monthly: [22.95, 27], commitMonthly: [19.55, 23], annual: [234.6, 276] },
  },
  'exchange-online-p1': {
    name: 'Exchange Online (Plan 1)',
    sku: 'MST-NCE-EXOP1',
    vendorSku: '4B9405B0-7788-4568-ADD1-99614E613B69',
    prices: { monthly: [4.08, 4.8], commitMonthly: [3.4, 4], annual: [40.8, 48] },
  },
  'defender-business': {
    name: 'Microsoft Defender for Business',
    sku: 'MST-NCE-MDB',
    vendorSku: '5AD0D3A7-8B4B-4D0B-8C2A-2E3A0D0A7C11',
    prices: { monthly: [3.06, 3.6], commitMonthly: [2.55, 3], annual: [30.6, 36] },
  },
};

export type SeatProductKey = keyof typeof SEATS;
export type ProductKey = SeatProductKey | 'azure-plan';
export const SEAT_PRODUCT_KEYS = Object.keys(SEATS) as SeatProductKey[];

/** The seat terms a subscription can have: month-to-month, 1-year billed monthly, 1-year billed annually. */
export type SeatTerm = 'monthly' | 'annual-commit-monthly' | 'annual';

export const productId = (key: ProductKey): string => stableId(`pax8-product:${key}`);
export const commitmentId = (key: ProductKey, term: string): string =>
  stableId(`pax8-commitment:${key}:${term}`);

const rate = ([cost, retail]: [number, number]) => ({
  partnerBuyRate: cost,
  suggestedRetailPrice: retail,
  startQuantityRange: 0,
  endQuantityRange: null,
  chargeType: 'Per Unit' as const,
});

/** Unit cost and price of a seat product in a term (per billing period). */
export function seatPrices(key: SeatProductKey, term: SeatTerm): { cost: number; price: number } {
  const p = SEATS[key]?.prices;
  if (!p) throw new Error(`unknown product ${key}`);
  const [cost, price] = term === 'monthly' ? p.monthly : term === 'annual' ? p.annual : p.commitMonthly;
  return { cost, price };
}

export function catalogProducts(): SeedProduct[] {
  const seats = Object.entries(SEATS).map(([key, s]): SeedProduct => {
    const pricing: SeedPricing[] = [
      {
        billingTerm: 'Monthly',
        commitmentTerm: null,
        commitmentTermInMonths: null,
        type: 'Flat',
        unitOfMeasurement: 'User',
        rates: [rate(s.prices.monthly)],
      },
      {
        billingTerm: 'Monthly',
        commitmentTerm: '1-Year',
        commitmentTermInMonths: 12,
        type: 'Flat',
        unitOfMeasurement: 'User',
        rates: [rate(s.prices.commitMonthly)],
      },
      {
        billingTerm: 'Annual',
        commitmentTerm: '1-Year',
        commitmentTermInMonths: 12,
        type: 'Flat',
        unitOfMeasurement: 'User',
        rates: [rate(s.prices.annual)],
      },
    ];
    return {
      id: productId(key as SeatProductKey),
      name: s.name,
      vendorName: 'Microsoft',
      shortDescription: `${s.name} (NCE)`,
      description: `${s.name}, new commerce experience. Billed per user.`,
      sku: s.sku,
      vendorSku: s.vendorSku,
      requiresCommitment: false,
      unitOfMeasure: 'User',
      usage: false,
      pricing,
    };
  });
  const azure: SeedProduct = {
    id: productId('azure-plan'),
    name: 'Microsoft Azure Plan',
    vendorName: 'Microsoft',
    shortDescription: 'Azure consumption, billed in arrears',
    description: 'Microsoft Azure plan. Usage is billed monthly in arrears.',
    sku: 'MST-AZR-PLAN',
    vendorSku: 'DZH318Z0BPS6:0001',
    requiresCommitment: false,
    unitOfMeasure: 'Each',
    usage: true,
    pricing: [
      {
        billingTerm: 'Monthly',
        commitmentTerm: null,
        commitmentTermInMonths: null,
        type: 'Flat',
        unitOfMeasurement: 'Each',
        rates: [
          {
            partnerBuyRate: 0,
            suggestedRetailPrice: 0,
            startQuantityRange: 0,
            endQuantityRange: null,
            chargeType: 'Flat Rate',
          },
        ],
      },
    ],
  };
  return [...seats, azure];
}
