/**
 * The demo catalog: the real NCE product ids and US ERP prices of csp-billing.md 7.1 ("as of 2025"), with
 * per-plan prices as Microsoft lists them: P1Y billed annually (per year), P1Y billed monthly (+5%), P1M (+20%).
 * Partner cost (the price list's UnitPrice) is ERP minus 10% in the demo: Microsoft's real margin varies by
 * product and partner type (csp-billing.md 3), so nothing downstream may rely on that ratio.
 */
export interface DemoSku {
  productId: string;
  skuId: string;
  title: string;
  /** Availability id for the recon file. Only the ones marked in 7.1 are real; the others are made up. */
  availabilityId: string;
  /** ERP per user per month on a P1Y annual-billed term, P1Y billed monthly, P1M month-to-month. */
  erp: { annualMonthly: string; p1yMonthly: string; p1mMonthly: string };
  /** Present on the price list (false for the legacy SKU the demo bills but the price list lacks). */
  listed: boolean;
  /** ERP after the demo's mid-window price increase, when this SKU gets one. */
  increasedErp?: { annualMonthly: string; p1yMonthly: string; p1mMonthly: string };
}

const sku = (
  productId: string,
  skuId: string,
  title: string,
  availabilityId: string,
  prices: [string, string, string],
  extra: Partial<DemoSku> = {},
): DemoSku => ({
  productId,
  skuId,
  title,
  availabilityId,
  erp: { annualMonthly: prices[0], p1yMonthly: prices[1], p1mMonthly: prices[2] },
  listed: true,
  ...extra,
});

/**
 * The ten SKUs of 7.1. The price increase mirrors the kind Microsoft announced for 2026 (Business Basic,
 * Business Standard, Office 365 E3 going up); its amounts are invented for the demo.
 */
export const DEMO_SKUS: readonly DemoSku[] = [
  sku('CFQ7TTC0LH18', '0001', 'Microsoft 365 Business Basic', 'CFQ7TTC0K971', ['6.00', '6.30', '7.20'], {
    increasedErp: { annualMonthly: '7.00', p1yMonthly: '7.35', p1mMonthly: '8.40' },
  }),
  sku(
    'CFQ7TTC0LDPB',
    '0001',
    'Microsoft 365 Business Standard',
    'CFQ7TTC0K4D5',
    ['12.50', '13.13', '15.00'],
    {
      increasedErp: { annualMonthly: '14.00', p1yMonthly: '14.70', p1mMonthly: '16.80' },
    },
  ),
  sku('CFQ7TTC0LCHC', '0002', 'Microsoft 365 Business Premium', 'CFQ7TTC0K5C6', ['22.00', '23.10', '26.40']),
  sku('CFQ7TTC0LF8R', '0001', 'Office 365 E3', 'CFQ7TTC0KCSV', ['23.00', '24.15', '27.60'], {
    increasedErp: { annualMonthly: '26.00', p1yMonthly: '27.30', p1mMonthly: '31.20' },
  }),
  sku('CFQ7TTC0LF8S', '0002', 'Office 365 E5', 'CFQ7TTC0K8L2', ['38.00', '39.90', '45.60']),
  sku('CFQ7TTC0LH16', '0001', 'Exchange Online (Plan 1)', 'CFQ7TTC0K8T3', ['4.00', '4.20', '4.80']),
  sku('CFQ7TTC0JN4R', '0002', 'Microsoft Teams Essentials', 'CFQ7TTC0K1P9', ['4.00', '4.20', '4.80']),
  sku('CFQ7TTC0HD32', '0002', 'Visio Plan 2', 'CFQ7TTC0K6W2', ['15.00', '15.75', '18.00']),
  sku('CFQ7TTC0HDB0', '0002', 'Project Plan 3', 'CFQ7TTC0K7V1', ['30.00', '31.50', '36.00']),
  sku('CFQ7TTC0HX56', '0002', 'Microsoft Defender for Business', 'CFQ7TTC0K9D8', ['3.00', '3.15', '3.60']),
];

/** Office 365 E1 (7.1 extras): billed on the demo invoices but absent from the demo price list. */
export const LEGACY_SKU: DemoSku = sku(
  'CFQ7TTC0LF8Q',
  '0001',
  'Office 365 E1',
  'CFQ7TTC0KC8F',
  ['10.00', '10.50', '12.00'],
  {
    listed: false,
  },
);

export function findSku(productId: string, skuId: string): DemoSku {
  const found = [...DEMO_SKUS, LEGACY_SKU].find((s) => s.productId === productId && s.skuId === skuId);
  if (!found) throw new RangeError(`no demo SKU ${productId}:${skuId}`);
  return found;
}

/** An Azure meter of the demo usage (list prices are illustrative). */
export interface DemoMeter {
  id: string;
  category: string;
  subCategory: string;
  name: string;
  unit: string;
  unitPrice: string;
  consumedService: string;
  /** Daily quantity range (decimals allowed: the generator draws an integer count of `step`). */
  perDay: { min: number; max: number; step: string };
}

export const AZURE_PLAN = {
  productId: 'DZH318Z0BPS6',
  skuId: '0001',
  availabilityId: 'DZH318Z0BML6',
  title: 'Azure plan',
};

export const DEMO_METERS: readonly DemoMeter[] = [
  {
    id: '4e2c4c6f-1f2c-4c6a-9a57-0d1b6a0c1a01',
    category: 'Virtual Machines',
    subCategory: 'Dsv3 Series',
    name: 'D2s v3',
    unit: '1 Hour',
    unitPrice: '0.096',
    consumedService: 'Microsoft.Compute',
    perDay: { min: 24, max: 72, step: '1' },
  },
  {
    id: '4e2c4c6f-1f2c-4c6a-9a57-0d1b6a0c1a02',
    category: 'Storage',
    subCategory: 'Standard Page Blob',
    name: 'LRS Data Stored',
    unit: '1 GB/Month',
    unitPrice: '0.045',
    consumedService: 'Microsoft.Storage',
    perDay: { min: 100, max: 900, step: '0.0325' },
  },
  {
    id: '4e2c4c6f-1f2c-4c6a-9a57-0d1b6a0c1a03',
    category: 'Bandwidth',
    subCategory: '',
    name: 'Standard Data Transfer Out',
    unit: '1 GB',
    unitPrice: '0.087',
    consumedService: 'Microsoft.Network',
    perDay: { min: 1, max: 40, step: '0.5' },
  },
  {
    id: '4e2c4c6f-1f2c-4c6a-9a57-0d1b6a0c1a04',
    category: 'SQL Database',
    subCategory: 'Single Standard',
    name: 'S0 DTUs',
    unit: '1/Day',
    unitPrice: '0.4839',
    consumedService: 'Microsoft.Sql',
    perDay: { min: 1, max: 2, step: '1' },
  },
];
