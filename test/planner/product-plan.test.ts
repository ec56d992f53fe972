import { describe, expect, it } from 'vitest';
import { offerKeyText } from '../../src/core/model/source';
import { dec } from '../../src/core/money/decimal';
import { azurePlanOffer } from '../../src/core/planner/azure-line';
import {
  canonicalOfferKeyText,
  type ProductPlanInput,
  planProductSync,
} from '../../src/core/planner/product-plan';
import type { TargetProduct } from '../../src/core/ports/target';
import { AZURE, d, offer, priceEntry, SETTINGS } from '../support/planner-fixtures';

const BP = offer(); // P1Y monthly Business Premium
const BASIC = { ...offer('Monthly', 'P1M', '0001'), productId: 'CFQ7TTC0LH18' };
const ANNUAL = offer('Annual');
const PRICES = [
  priceEntry(BP, '20.00', '23.10'),
  priceEntry(BASIC, '6.48', '7.20'),
  priceEntry(ANNUAL, '237.60', '264.00'),
];

function product(p: Partial<TargetProduct> & { id: string; name: string }): TargetProduct {
  return {
    description: '',
    unitPrice: dec('0'),
    unitCost: dec('0'),
    period: 'monthly',
    active: true,
    billingCodeId: '29682801',
    vendorId: undefined,
    ...p,
  };
}

function input(over: Partial<ProductPlanInput> = {}): ProductPlanInput {
  return {
    asOf: d('2025-08-10'),
    settings: { ...SETTINGS, mode: 'all' },
    priceList: PRICES,
    inUse: [],
    products: [],
    links: new Map(),
    ...over,
  };
}

describe('product sync planner', () => {
  it('R-1 creates PC_<SKU> with retail, cost, billing code, vendor and period; annual off by default', () => {
    const plan = planProductSync(input());
    expect(plan.operations.map((o) => (o as { name: string }).name)).toEqual([
      'PC_P1Y:M:CFQ7TTC0LCHC:0002',
      'PC_CFQ7TTC0LH18:0001',
    ]);
    const op = plan.operations[0] as Extract<(typeof plan.operations)[number], { kind: 'create-product' }>;
    expect(op).toMatchObject({
      kind: 'create-product',
      billingCodeId: '29682801',
      vendorId: '0',
      period: 'monthly',
    });
    expect(op.unitPrice.toString()).toBe('23.1');
    expect(op.unitCost.toString()).toBe('20');
    const annual = planProductSync(
      input({ settings: { ...SETTINGS, mode: 'all', motions: { ...SETTINGS.motions, annual: true } } }),
    );
    expect(annual.operations.find((o) => (o as { name: string }).name.startsWith('PC_P1Y:A:'))).toMatchObject(
      { period: 'yearly' },
    );
  });

  it('R-2 follows a renamed product by id and changes only price and cost', () => {
    const links = new Map([[offerKeyText(BP), 'S1']]);
    const products = [
      product({
        id: 'S1',
        name: 'Business Premium (renamed)',
        unitPrice: dec('22.00'),
        unitCost: dec('20.00'),
      }),
    ];
    const plan = planProductSync(input({ links, products, priceList: [PRICES[0]!] }));
    expect(plan.operations).toHaveLength(1);
    expect(plan.operations[0]).toMatchObject({ kind: 'update-product-price', productId: 'S1' });
    expect(plan.items[0]).toMatchObject({
      action: 'update price',
      changes: [{ field: 'unit price', from: '22', to: '23.1' }],
    });
  });

  it('R-3 re-creates a deleted product, leaves an inactive one inactive, never deletes', () => {
    const links = new Map([
      [offerKeyText(BP), 'GONE'],
      [offerKeyText(BASIC), 'S2'],
    ]);
    const products = [
      product({
        id: 'S2',
        name: 'PC_CFQ7TTC0LH18:0001',
        active: false,
        unitPrice: dec('7.00'),
        unitCost: dec('6.48'),
      }),
      product({ id: 'S9', name: 'PC_RETIRED:0001', unitPrice: dec('1'), unitCost: dec('1') }),
    ];
    const plan = planProductSync(input({ links, products }));
    expect(plan.items.find((i) => i.offerKey === offerKeyText(BP))).toMatchObject({ action: 'recreate' });
    expect(plan.operations.map((o) => o.kind).sort()).toEqual(['create-product', 'update-product-price']);
    expect(plan.items.find((i) => i.targetId === 'S2')!.messages[0]!.text).toMatch(/stays inactive/);
    expect(plan.operations.some((o) => (o as { productId?: string }).productId === 'S9')).toBe(false);
  });

  it('R-4 In Use creates only invoiced offers', () => {
    const plan = planProductSync(
      input({
        settings: { ...SETTINGS, mode: 'in-use' },
        inUse: [{ offer: BASIC, productTitle: 'Microsoft 365 Business Basic', skuTitle: '' }],
      }),
    );
    expect(plan.operations.map((o) => (o as { name: string }).name)).toEqual(['PC_CFQ7TTC0LH18:0001']);
  });

  it('R-5 a name collision is an item error with adopt advice and does not stop the others', () => {
    const products = [product({ id: 'S7', name: 'PC_CFQ7TTC0LH18:0001' })];
    const plan = planProductSync(input({ products }));
    const collision = plan.items.find((i) => i.action === 'collision')!;
    expect(collision).toMatchObject({ status: 'error', targetId: 'S7' });
    expect(collision.messages[0]!.text).toMatch(/adopt it/);
    expect(plan.operations).toHaveLength(1);
  });

  describe('ConnectWise catalog items (spec section 4: identifier = SKU code, linked by vendor SKU)', () => {
    const CW = { naming: 'sku', linkByVendorSku: true, needsBillingCode: false } as const;
    const noCode = { ...SETTINGS, mode: 'all' as const, billingCodeId: undefined };

    it('names items by the SKU code alone and needs no billing code', () => {
      const plan = planProductSync(input({ productRules: CW, settings: noCode }));
      expect(plan.operations.map((o) => (o as { name: string }).name)).toEqual([
        'P1Y:M:CFQ7TTC0LCHC:0002',
        'CFQ7TTC0LH18:0001',
      ]);
      expect(plan.items.map((i) => i.action)).toEqual(['create', 'create']);
      // The same settings on Autotask: no billing code is an item error.
      expect(planProductSync(input({ settings: noCode })).items.map((i) => i.status)).toEqual([
        'error',
        'error',
      ]);
    });

    it('links the one item with the SKU code as vendor SKU (any identifier, inactive included), with its price changes', () => {
      const products = [
        product({
          id: '30',
          name: 'M365-BASIC',
          vendorSku: 'cfq7ttc0lh18:0001',
          active: false,
          unitPrice: dec('7'),
          unitCost: dec('6'),
        }),
      ];
      const plan = planProductSync(input({ productRules: CW, settings: noCode, products }));
      const basic = plan.items.find((i) => i.offerKey === offerKeyText(BASIC))!;
      expect(basic).toMatchObject({
        action: 'link',
        status: 'ok',
        targetId: '30',
        changes: [
          { field: 'unit price', from: '7', to: '7.2' },
          { field: 'unit cost', from: '6', to: '6.48' },
        ],
      });
      expect(basic.messages[0]!.text).toMatch(/M365-BASIC already has the vendor SKU .*stays inactive/);
      // The create operation is what links it: the adapter finds the item by vendor SKU.
      expect(plan.operations.map((o) => o.kind)).toEqual(['create-product', 'create-product']);
      // Autotask has no vendor SKU rule: the same products change nothing there.
      expect(planProductSync(input({ products })).items.map((i) => i.action)).toEqual(['create', 'create']);
    });

    it('several items with the vendor SKU are an item error naming them; the identifier taken by another item is a collision', () => {
      const products = [
        product({ id: '30', name: 'A', vendorSku: 'CFQ7TTC0LH18:0001' }),
        product({ id: '31', name: 'B', vendorSku: 'CFQ7TTC0LH18:0001' }),
        product({ id: '40', name: 'P1Y:M:CFQ7TTC0LCHC:0002', vendorSku: 'OTHER' }),
      ];
      const plan = planProductSync(input({ productRules: CW, settings: noCode, products }));
      const basic = plan.items.find((i) => i.offerKey === offerKeyText(BASIC))!;
      expect(basic.status).toBe('error');
      expect(basic.messages[0]!.text).toMatch(
        /^2 products have the vendor SKU CFQ7TTC0LH18:0001 \(A, id 30; B, id 31\)/,
      );
      expect(plan.items.find((i) => i.offerKey === offerKeyText(BP))).toMatchObject({
        action: 'collision',
        targetId: '40',
      });
      expect(plan.operations).toEqual([]);
    });

    it('a linked item keeps being updated by id, whatever its vendor SKU became', () => {
      const links = new Map([[offerKeyText(BASIC), '30']]);
      const products = [
        product({
          id: '30',
          name: 'renamed',
          vendorSku: undefined,
          unitPrice: dec('7.2'),
          unitCost: dec('6'),
        }),
      ];
      const plan = planProductSync(
        input({ productRules: CW, settings: noCode, products, links, priceList: [PRICES[1]!] }),
      );
      expect(plan.operations).toMatchObject([{ kind: 'update-product-price', productId: '30' }]);
    });
  });

  it('errors for an invoiced offer missing from the price list; Azure plan gets a zero-priced product', () => {
    const legacy = { ...offer(), productId: 'LEGACY00001', skuId: '0001' };
    const plan = planProductSync(
      input({
        settings: { ...SETTINGS, mode: 'in-use' },
        inUse: [
          { offer: legacy, productTitle: 'Legacy', skuTitle: '' },
          { offer: AZURE, productTitle: 'Azure plan', skuTitle: '' },
        ],
      }),
    );
    expect(plan.items.find((i) => i.offerKey === offerKeyText(legacy))!.messages[0]!.text).toMatch(
      /Could not find source product or multiple matches/,
    );
    const azure = plan.operations.find((o) => (o as { name: string }).name === 'PC_DZH318Z0BPS6:0001') as {
      unitPrice: { toString(): string };
    };
    expect(azure.unitPrice.toString()).toBe('0');
  });

  it('is deterministic and empty once applied', () => {
    const a = planProductSync(input());
    const b = planProductSync(input());
    expect(JSON.stringify(a)).toEqual(JSON.stringify(b));
    const products = a.operations.map((o, i) => {
      const c = o as Extract<(typeof a.operations)[number], { kind: 'create-product' }>;
      return product({ id: `N${i}`, name: c.name, unitPrice: c.unitPrice, unitCost: c.unitCost });
    });
    const links = new Map(a.operations.map((o, i) => [o.offerKey, `N${i}`]));
    expect(planProductSync(input({ products, links })).operations).toEqual([]);
  });

  describe('Azure plan: one canonical offer per currency', () => {
    const CANONICAL = offerKeyText(azurePlanOffer('USD'));
    const AZURE_GB = { ...AZURE, market: 'GB' };
    const inUse = [
      { offer: AZURE, productTitle: 'Azure plan', skuTitle: '' },
      { offer: AZURE_GB, productTitle: 'Azure plan', skuTitle: '' },
      { offer: azurePlanOffer('USD'), productTitle: 'Azure plan', skuTitle: 'Azure plan' },
    ];

    it('recon lines of any market, the usage file and the price-list row give one product', () => {
      for (const mode of ['in-use', 'all'] as const) {
        const plan = planProductSync(
          input({
            settings: { ...SETTINGS, mode },
            priceList: [...PRICES, priceEntry(AZURE_GB, '0', '0')],
            inUse,
          }),
        );
        const azure = plan.items.filter((i) => i.label === 'PC_DZH318Z0BPS6:0001');
        expect(azure, mode).toHaveLength(1);
        expect(azure[0]).toMatchObject({ key: CANONICAL, offerKey: CANONICAL, action: 'create' });
        const op = plan.operations.find((o) => o.offerKey === CANONICAL);
        expect(op).toMatchObject({
          kind: 'create-product',
          name: 'PC_DZH318Z0BPS6:0001',
          description: 'Microsoft Azure plan (DZH318Z0BPS6)',
          period: 'monthly',
        });
      }
    });

    it('a usage file alone puts Azure plan in use; the Azure motion off leaves it out', () => {
      const usageOnly = [inUse[2]!];
      const plan = planProductSync(input({ settings: { ...SETTINGS, mode: 'in-use' }, inUse: usageOnly }));
      expect(plan.operations.map((o) => o.offerKey)).toEqual([CANONICAL]);
      const off = planProductSync(
        input({
          settings: { ...SETTINGS, mode: 'in-use', motions: { ...SETTINGS.motions, azure: false } },
          inUse: usageOnly,
        }),
      );
      expect(off.items).toEqual([]);
    });

    it('one product per currency', () => {
      const plan = planProductSync(
        input({
          settings: { ...SETTINGS, mode: 'in-use' },
          inUse: [...inUse, { offer: azurePlanOffer('EUR'), productTitle: 'Azure plan', skuTitle: '' }],
        }),
      );
      expect(plan.items.map((i) => i.key)).toEqual([offerKeyText(azurePlanOffer('EUR')), CANONICAL]);
    });

    it('keeps updating a product linked under an older per-market key (no second product)', () => {
      const products = [product({ id: 'AZ1', name: 'PC_DZH318Z0BPS6:0001' })];
      const old = new Map([[offerKeyText(AZURE), 'AZ1']]);
      const plan = planProductSync(
        input({ settings: { ...SETTINGS, mode: 'in-use' }, inUse, products, links: old }),
      );
      expect(plan.operations).toEqual([]);
      expect(plan.items).toEqual([
        expect.objectContaining({ key: CANONICAL, targetId: 'AZ1', action: 'no change' }),
      ]);
      // A link under the canonical key wins over an older one.
      const both = new Map([
        [offerKeyText(AZURE), 'AZ1'],
        [CANONICAL, 'AZ2'],
      ]);
      const withNew = planProductSync(
        input({
          settings: { ...SETTINGS, mode: 'in-use' },
          inUse,
          products: [...products, product({ id: 'AZ2', name: 'Azure (renamed)' })],
          links: both,
        }),
      );
      expect(withNew.items[0]).toMatchObject({ targetId: 'AZ2', action: 'no change' });
    });

    it('canonical key text: Azure plan keys of any market map to market ALL, others stay', () => {
      expect(canonicalOfferKeyText(offerKeyText(AZURE_GB))).toBe(CANONICAL);
      expect(canonicalOfferKeyText(offerKeyText(BP))).toBe(offerKeyText(BP));
      expect(canonicalOfferKeyText('not|a|key')).toBe('not|a|key');
    });
  });
});

describe('one SKU in several markets or currencies (decision 0006 addendum, tenth session)', () => {
  const CA = { ...BASIC, market: 'CA', currency: 'CAD' };
  const prices = [...PRICES, priceEntry(CA, '9.00', '10.00')];
  const ops = (plan: ReturnType<typeof planProductSync>) =>
    plan.operations.map((o) => {
      const c = o as { kind: string; name?: string; offerKey: string; unitPrice: { toString(): string } };
      return [c.kind, c.name ?? '', c.offerKey.split('|').slice(5).join(' '), c.unitPrice.toString()];
    });

  it('Autotask: the home market keeps PC_<SKU>, the other market is named after it; nothing collides', () => {
    const plan = planProductSync(input({ priceList: prices }));
    expect(ops(plan).filter(([, name]) => String(name).includes('LH18'))).toEqual([
      ['create-product', 'PC_CFQ7TTC0LH18:0001 (CA, CAD)', 'CA CAD', '10'],
      ['create-product', 'PC_CFQ7TTC0LH18:0001', 'US USD', '7.2'],
    ]);
  });

  it('Autotask: the product already holding the plain name keeps it, whatever the currencies', () => {
    const products = [
      product({ id: 'S9', name: 'PC_CFQ7TTC0LH18:0001', unitPrice: dec('10'), unitCost: dec('9') }),
    ];
    const links = new Map([[offerKeyText(CA), 'S9']]);
    const plan = planProductSync(input({ priceList: prices, products, links }));
    expect(ops(plan).filter(([, name]) => String(name).includes('LH18'))).toEqual([
      ['create-product', 'PC_CFQ7TTC0LH18:0001 (US, USD)', 'US USD', '7.2'],
    ]);
  });

  it('ConnectWise: one item, created once by the home offer; the other market links to it at its price', () => {
    const CW = { naming: 'sku', linkByVendorSku: true, needsBillingCode: false } as const;
    const settings = { ...SETTINGS, mode: 'all' as const, billingCodeId: undefined };
    const plan = planProductSync(input({ productRules: CW, settings, priceList: prices }));
    expect(ops(plan).filter(([, name]) => String(name).includes('LH18'))).toEqual([
      ['create-product', 'CFQ7TTC0LH18:0001', 'US USD', '7.2'],
      ['create-product', 'CFQ7TTC0LH18:0001', 'CA CAD', '7.2'],
    ]);
    // Linked both: only the home offer sets the item's price; a re-plan writes nothing.
    const item = product({
      id: 'C1',
      name: 'CFQ7TTC0LH18:0001',
      vendorSku: 'CFQ7TTC0LH18:0001',
      unitPrice: dec('7.2'),
      unitCost: dec('6.48'),
    });
    const links = new Map([
      [offerKeyText(BASIC), 'C1'],
      [offerKeyText(CA), 'C1'],
    ]);
    const again = planProductSync(
      input({ productRules: CW, settings, priceList: prices, products: [item], links }),
    );
    expect(ops(again).filter(([, name]) => String(name).includes('LH18'))).toEqual([]);
  });
});
