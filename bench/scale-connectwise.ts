import {
  type ConnectWiseEmulator,
  type ConnectWiseSeed,
  createConnectWiseEmulator,
  parseSeed,
} from '../emulators/connectwise';
import { companyIdOf, contractIdOf, customerName, type ScaleDates } from './scale-data';
import { type ScalePsa, writesOf } from './scale-psa';

/**
 * Realistic ConnectWise (reference `connectwise-api.md` §3.7): "over 1,000 requests per minute ... will likely
 * experience rate limiting" is the one documented number, so the tenant allows 1,000 requests per rolling
 * minute. No concurrency limit is documented ("limit parallelism"): the emulator's default, 10 requests in
 * flight per API member. No latency is documented either: 150 ms per call, Autotask's figure (issue 14), for a
 * cloud REST API of the same kind.
 */
export const CONNECTWISE_LATENCY_MS = 150;
export const CONNECTWISE_CONCURRENCY = 10;
export const CONNECTWISE_PER_MINUTE = 1_000;

const CREDS = { companyId: 'scale', publicKey: 'scale-public', privateKey: 'scale-private' };
const IDS = { microsoft: 19, clientType: 1, vendorType: 6, monthly: 2, cspType: 7, subcategory: 1, type: 1 };
const contactIdOf = (i: number) => 3_000_000 + i;
const midnight = (day: string) => `${day}T00:00:00Z`;

/**
 * The ConnectWise tenant before any line: Microsoft as vendor, a client company, contact and monthly CSP
 * agreement (no proration, as `cwSeed` of the tests) per customer, and the "Miscellaneous" product setup new
 * catalog items are filed under.
 */
function baseSeed(customers: number, dates: ScaleDates): ConnectWiseSeed {
  const n = Array.from({ length: customers }, (_, i) => i);
  return parseSeed({
    tenant: { companyId: CREDS.companyId, companyName: 'Scale IT', codebase: 'v2025_8/', version: '2025.8' },
    apiMembers: [{ identifier: 'billsync', publicKey: CREDS.publicKey, privateKey: CREDS.privateKey }],
    companyStatuses: [{ id: 1, name: 'Active', defaultFlag: true }],
    companyTypes: [
      { id: IDS.clientType, name: 'Client', defaultFlag: true },
      { id: IDS.vendorType, name: 'Vendor', vendorFlag: true },
    ],
    companies: [
      {
        id: IDS.microsoft,
        identifier: 'Microsoft',
        name: 'Microsoft',
        city: 'Redmond',
        types: [{ id: IDS.vendorType }],
      },
      ...n.map((i) => ({
        id: companyIdOf(i),
        identifier: `Scale${i}`,
        name: customerName(i),
        city: 'York',
        types: [{ id: IDS.clientType }],
      })),
    ],
    contacts: n.map((i) => ({
      id: contactIdOf(i),
      firstName: 'Ann',
      lastName: `Lee ${i}`,
      company: { id: companyIdOf(i) },
    })),
    billingCycles: [
      { id: IDS.monthly, identifier: 'M', name: 'Monthly', billingOptions: 'Monthly', defaultFlag: true },
    ],
    taxCodes: [],
    agreementTypes: [
      {
        id: IDS.cspType,
        name: 'Microsoft CSP',
        billingCycle: { id: IDS.monthly },
        prorateFlag: false,
        employeeCompRate: 'Actual',
        employeeCompNotExceed: 'Billing',
        invoicingCycle: 'CalendarYear',
        billTime: 'Billable',
        billExpenses: 'Billable',
        billProducts: 'Billable',
      },
    ],
    agreements: n.map((i) => ({
      id: contractIdOf(i),
      name: `${customerName(i)} Microsoft 365`,
      type: { id: IDS.cspType },
      company: { id: companyIdOf(i) },
      contact: { id: contactIdOf(i) },
      startDate: midnight(dates.contractStart),
      endDate: midnight(dates.contractEnd),
    })),
    categories: [{ id: 1, name: 'Miscellaneous', defaultFlag: true }],
    subcategories: [{ id: IDS.subcategory, name: 'Miscellaneous', category: { id: 1 } }],
    productTypes: [{ id: IDS.type, name: 'Miscellaneous' }],
    manufacturers: [],
    unitOfMeasures: [{ id: 1, name: 'Each', defaultFlag: true }],
    catalog: [],
    additions: [],
  });
}

export type ConnectWiseScalePsa = ScalePsa & { emulator: ConnectWiseEmulator };

/**
 * The ConnectWise emulator of the scale bench, on the real clock (its rate limit counts a rolling minute of
 * it); in the measured window 150 ms per call, 1,000 requests per minute and 10 in flight.
 */
export function connectWiseScalePsa(customers: number, dates: ScaleDates): ConnectWiseScalePsa {
  const emulator = createConnectWiseEmulator({
    seed: baseSeed(customers, dates),
    limits: { requestsPerMinute: 0, maxConcurrent: 0, baseLatencyMs: 0 },
  });
  let answered = 0;
  // Calls ConnectWise answered (its 429s are not counted against the minute, nor waited the latency).
  emulator.app.addHook('onResponse', async (request, reply) => {
    if (/\/apis\/3\.0\//i.test(request.url) && reply.statusCode !== 429) answered++;
  });
  return {
    target: 'connectwise',
    label: 'ConnectWise',
    emulator,
    app: emulator.app,
    listen: () => emulator.listen(0),
    // No billing code: new catalog items go under the default subcategory and product type (decision 0012).
    program: { vendorId: String(IDS.microsoft) },
    connection: (url) => ({
      settings: { site: url, companyId: CREDS.companyId, publicKey: CREDS.publicKey },
      secrets: { privateKey: CREDS.privateKey },
    }),
    // Month M's lines are written by the first sync of month M, over HTTP with the limits off: a ConnectWise
    // line is a chain of marked additions and charges (decision 0012) that only billsync's writes produce.
    seedLines: () => {},
    startWindow(mode) {
      const on = mode === 'measured';
      emulator.limits.limits = {
        ...emulator.limits.limits,
        requestsPerMinute: on ? CONNECTWISE_PER_MINUTE : 0,
        maxConcurrent: on ? CONNECTWISE_CONCURRENCY : 0,
        baseLatencyMs: on ? CONNECTWISE_LATENCY_MS : 0,
      };
      emulator.limits.resetUsage();
      emulator.requests.reset();
      answered = 0;
    },
    calls: () => answered,
    writes: () => writesOf(emulator.requests.counts()),
    routes: () => emulator.requests.counts(),
    close: () => emulator.close(),
  };
}
