import { globalAgent } from 'node:https';
import { ManageAPI } from 'connectwise-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CREDENTIALS, DEMO_IDS } from './demo/demo-seed';
import { startTestEmulator, type TestEmulator } from './testing';
import { selfSignedCertificate } from './tls/self-signed';

/**
 * Drives the emulator with the third-party client connectwise-rest 1.3.0 to prove the wire format is what real
 * clients expect. The client hard-codes `https://{companyUrl}/{entryPoint}/apis/3.0` and builds Basic auth,
 * `clientId` and `Accept: application/vnd.connectwise.com+json; version=…` itself, so the emulator serves
 * HTTPS with a throwaway certificate that this test process trusts (axios uses Node's global HTTPS agent).
 */
let emu: TestEmulator;
let cw: ManageAPI;
const savedCa = globalAgent.options.ca;

/** The client throws `{status, data, message}` for HTTP errors. */
interface ClientError {
  status: number;
  data: {
    code?: string;
    message?: string;
    errors?: Array<{ code: string; field: string; message: string }> | null;
  };
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: ClientError) => e,
  );

type Ops = Parameters<ManageAPI['FinanceAPI']['patchFinanceAgreementsByParentIdAdditionsById']>[2];
/** The client types a patch value as an object (its schema's `Record<string, never>`); ConnectWise takes any JSON value. */
const ops = (list: Array<{ op: 'add' | 'replace' | 'remove'; path: string; value: unknown }>) =>
  list as unknown as Ops;

function client(privateKey: string = DEMO_CREDENTIALS.privateKey): ManageAPI {
  return new ManageAPI({
    companyId: DEMO_CREDENTIALS.companyId,
    publicKey: DEMO_CREDENTIALS.publicKey,
    privateKey,
    companyUrl: new URL(emu.base).host,
    clientId: '3f1c2e4a-9b7d-4c11-8d2e-5a6b7c8d9e0f',
    apiVersion: '2022.1',
    logger: () => {},
  });
}

beforeAll(async () => {
  const tls = selfSignedCertificate();
  globalAgent.options.ca = tls.cert;
  emu = await startTestEmulator({ tls });
  expect(emu.base.startsWith('https://127.0.0.1:')).toBe(true);
  cw = client();
});
afterAll(async () => {
  globalAgent.options.ca = savedCa;
  await emu.close();
});

describe('connectwise-rest 1.3.0 against the emulator', () => {
  it('authenticates with company+public:private and the clientId header; a wrong key is a 401', async () => {
    expect(await cw.CompanyAPI.getCompanyCompaniesCount()).toEqual({ count: 31 });
    const error = await failure(client('wrong').CompanyAPI.getCompanyCompaniesCount());
    expect(error.status).toBe(401);
    expect(error.data.code).toBe('Unauthorized');
    const info = await cw.SystemAPI.getSystemInfo();
    expect(info.version).toBe('v2025.8.104512');
  });

  it('filters with conditions and childConditions, and pins the 2022.1 models it asks for', async () => {
    const [contoso] = await cw.CompanyAPI.getCompanyCompanies({ conditions: 'identifier="ContosoLtd"' });
    expect(contoso).toMatchObject({ id: DEMO_IDS.firstCustomer, name: 'Contoso Ltd' });
    const vendors = await cw.CompanyAPI.getCompanyCompanies({
      childConditions: 'types/name="Vendor"',
      fields: 'id,identifier',
      orderBy: 'identifier desc',
    });
    expect(vendors).toEqual([
      { id: DEMO_IDS.pax8, identifier: 'Pax8' },
      { id: DEMO_IDS.microsoft, identifier: 'Microsoft' },
      { id: DEMO_IDS.dell, identifier: 'DellTechnologies' },
    ]);
    const agreements = await cw.FinanceAPI.getFinanceAgreements({
      conditions: `company/id=${DEMO_IDS.firstCustomer} and agreementStatus="Active" and startDate<=[2026-03-15T00:00:00Z]`,
    });
    expect(agreements.map((a) => a.id)).toEqual([DEMO_IDS.firstAgreement]);
    expect(agreements[0]).not.toHaveProperty('invoiceProratedAdditionsFlag');
    const bad = await failure(cw.FinanceAPI.getFinanceAgreements({ conditions: 'cancelledFlag=1' }));
    expect(bad.status).toBe(400);
    expect(bad.data.message).toMatch(/^Expected a boolean value, not a numeric\./);
  });

  it('pages with its paginate helper (page/pageSize until a short page)', async () => {
    const all = (await cw.paginate(
      cw.CompanyAPI.getCompanyCompanies,
      { startPage: 1, pageSize: 7 },
      {},
    )) as Array<{
      id: number;
    }>;
    expect(all).toHaveLength(31);
    expect(new Set(all.map((c) => c.id)).size).toBe(31);
  });

  it('looks up, creates and patches catalog items; a duplicate identifier is ObjectExists', async () => {
    expect(
      await cw.ProcurementAPI.getProcurementCatalog({ conditions: 'identifier="CFQ7TTC0LDPB:0001"' }),
    ).toEqual([]);
    const linked = await cw.ProcurementAPI.getProcurementCatalog({
      conditions: 'vendorSku="CFQ7TTC0LCHC:0002"',
    });
    expect(linked.map((i) => i.identifier)).toEqual(['M365-BPREM']);
    const body = {
      identifier: 'CFQ7TTC0LDPB:0001',
      description: 'Microsoft 365 Business Standard',
      customerDescription: 'Microsoft 365 Business Standard (NCE, monthly)',
      subcategory: { id: DEMO_IDS.subcategoryM365 },
      type: { id: DEMO_IDS.typeMisc },
      productClass: 'Agreement' as const,
      price: 15,
      cost: 12.5,
      vendor: { id: DEMO_IDS.microsoft },
      vendorSku: 'CFQ7TTC0LDPB:0001',
    };
    const created = await cw.ProcurementAPI.postProcurementCatalog(body);
    expect(created).toMatchObject({
      identifier: body.identifier,
      category: { id: DEMO_IDS.categoryCloud },
      price: 15,
    });
    const dup = await failure(
      cw.ProcurementAPI.postProcurementCatalog({ ...body, identifier: 'CFQ7TTC0LH18:0001' }),
    );
    expect([dup.status, dup.data.code, dup.data.errors?.[0]?.code]).toEqual([
      400,
      'InvalidObject',
      'ObjectExists',
    ]);
    const patched = await cw.ProcurementAPI.patchProcurementCatalogById(
      created.id as number,
      ops([
        { op: 'replace', path: 'price', value: 16.8 },
        { op: 'replace', path: 'cost', value: 14 },
      ]),
    );
    expect(patched).toMatchObject({ id: created.id, price: 16.8, cost: 14, vendorSku: body.vendorSku });
    expect(
      await cw.ProcurementAPI.getProcurementCatalogCount({ conditions: 'vendor/identifier="Microsoft"' }),
    ).toEqual({
      count: 3,
    });
  });

  it('creates, queries, patches, counts and deletes agreement additions', async () => {
    const agreement = DEMO_IDS.firstAgreement + 1; // Fabrikam, Microsoft CSP
    const added = await cw.FinanceAPI.postFinanceAgreementsByParentIdAdditions(agreement, {
      product: { id: DEMO_IDS.itemLinkable },
      quantity: 3,
      unitPrice: 26.4,
      unitCost: 22,
      billCustomer: 'Billable',
      effectiveDate: '2026-03-01T00:00:00Z',
      serialNumber: 'csp:9d41be02-77aa',
      invoiceDescription: 'Microsoft 365 Business Premium - 3 licences',
    });
    expect(added).toMatchObject({
      agreementId: agreement,
      extPrice: 79.2,
      margin: 13.2,
      agreementStatus: 'Active',
    });
    const id = added.id as number;
    const current = await cw.FinanceAPI.getFinanceAgreementsByParentIdAdditions(agreement, {
      conditions: 'cancelledDate=null and serialNumber="csp:9d41be02-77aa"',
    });
    expect(current.map((a) => a.id)).toEqual([id]);
    const ended = await cw.FinanceAPI.patchFinanceAgreementsByParentIdAdditionsById(
      id,
      agreement,
      ops([
        { op: 'replace', path: 'cancelledDate', value: '2026-03-31T00:00:00Z' },
        { op: 'replace', path: 'quantity', value: 5 },
      ]),
    );
    expect(ended).toMatchObject({ quantity: 5, cancelledDate: '2026-03-31T00:00:00Z', extPrice: 132 });
    expect(
      await cw.FinanceAPI.getFinanceAgreementsByParentIdAdditionsCount(agreement, {
        conditions: 'cancelledDate=null or cancelledDate>[2026-04-01T00:00:00Z]',
      }),
    ).toEqual({ count: 0 });
    const missing = await failure(
      // Deliberately without the required billCustomer, which the client's types insist on.
      cw.FinanceAPI.postFinanceAgreementsByParentIdAdditions(agreement, {
        product: { id: DEMO_IDS.itemLinkable },
      } as never),
    );
    expect(missing.data.errors).toEqual([
      {
        code: 'MissingRequiredField',
        message: 'The billCustomer field is required.',
        resource: 'addition',
        field: 'billCustomer',
      },
    ]);
    await cw.FinanceAPI.deleteFinanceAgreementsByParentIdAdditionsById(id, agreement);
    const gone = await failure(cw.FinanceAPI.getFinanceAgreementsByParentIdAdditionsById(id, agreement));
    expect(gone.status).toBe(404);
  });
});
