import { type AutotaskEmulator, type AutotaskSeed, createAutotaskEmulator } from '../emulators/autotask';
import { offerKeyText } from '../src/core/model/source';
import type { PlainDate } from '../src/core/time/plain-date';
import {
  companyIdOf,
  contractIdOf,
  costOf,
  customerName,
  LINES_PER_CUSTOMER,
  retailOf,
  type ScaleDates,
  subscription,
} from './scale-data';
import { type ScalePsa, writesOf } from './scale-psa';

/** Realistic Autotask: 150 ms per call, 3 threads per endpoint, 10,000 requests per hour with latency tiers. */
export const AUTOTASK_LATENCY_MS = 150;
export const AUTOTASK_THREADS = 3;

export const SCALE_CREDS = {
  userName: 'api@scale.example',
  secret: 'scale-secret',
  integrationCode: 'SCALECODE',
};
const IDS = { apiUser: 1, owner: 2, vendor: 100, cloudCode: 200, materialCode: 201 };

/** The Autotask tenant before any line: Microsoft, two billing codes, one company and contract per customer. */
function baseSeed(customers: number, dates: ScaleDates): AutotaskSeed {
  const n = Array.from({ length: customers }, (_, i) => i);
  return {
    apiUsers: [{ ...SCALE_CREDS, resourceId: IDS.apiUser }],
    Resources: [
      { id: IDS.apiUser, firstName: 'API', lastName: 'User', userName: SCALE_CREDS.userName, isActive: true },
      { id: IDS.owner, firstName: 'Dana', lastName: 'Owner', userName: 'dana', isActive: true },
    ],
    BillingCodes: [
      { id: IDS.cloudCode, name: 'Cloud and SaaS', useType: 5, isActive: true, unitCost: 0, unitPrice: 0 },
      { id: IDS.materialCode, name: 'Hardware', useType: 4, isActive: true, unitCost: 0, unitPrice: 0 },
    ],
    Companies: [
      { id: IDS.vendor, companyName: 'Microsoft', companyType: 6, ownerResourceID: IDS.owner, phone: '1' },
      ...n.map((i) => ({
        id: companyIdOf(i),
        companyName: customerName(i),
        companyType: 1,
        ownerResourceID: IDS.owner,
        phone: '2',
      })),
    ],
    Contracts: n.map((i) => ({
      id: contractIdOf(i),
      companyID: companyIdOf(i),
      contractName: `${customerName(i)} Microsoft 365`,
      contractType: 7,
      status: 1,
      contractPeriodType: 2,
      timeReportingRequiresStartAndStopTimes: 0,
      startDate: dates.contractStart,
      endDate: dates.contractEnd,
    })),
  };
}

export type AutotaskScalePsa = ScalePsa & { emulator: AutotaskEmulator };

/**
 * The Autotask emulator of the scale bench: seeded with every customer's company and contract; in the measured
 * window 150 ms per call, 3 threads per endpoint and the 10,000/h threshold with its latency tiers.
 */
export function autotaskScalePsa(customers: number, dates: ScaleDates): AutotaskScalePsa {
  const base = baseSeed(customers, dates);
  const emulator = createAutotaskEmulator({
    seed: base,
    limits: { hourlyThreshold: 10_000, maxConcurrent: AUTOTASK_THREADS, baseLatencyMs: 0 },
  });
  return {
    target: 'autotask',
    label: 'Autotask',
    emulator,
    app: emulator.app,
    listen: () => emulator.listen(0),
    program: { billingCodeId: String(IDS.cloudCode), vendorId: String(IDS.vendor) },
    connection: (url) => ({
      settings: { username: SCALE_CREDS.userName, zoneUrl: `${url}/ATServicesRest/` },
      secrets: { secret: SCALE_CREDS.secret, integrationCode: SCALE_CREDS.integrationCode },
    }),
    seedLines: (productLinks, d) => seedLines(emulator, base, productLinks, customers, d),
    startWindow(mode) {
      emulator.limits.limits = {
        ...emulator.limits.limits,
        baseLatencyMs: mode === 'measured' ? AUTOTASK_LATENCY_MS : 0,
      };
      emulator.limits.resetUsage();
      emulator.requests.reset();
    },
    // Requests the emulator counted against the hourly threshold (each waited the latency).
    calls: () => emulator.limits.currentCount(emulator.clock.nowMs()),
    writes: () => writesOf(emulator.requests.counts()),
    routes: () => emulator.requests.counts(),
    close: () => emulator.close(),
  };
}

/** Month M in the PSA: each subscription's line from its charge start, at its seats, retail price and cost. */
function seedLines(
  emulator: AutotaskEmulator,
  base: AutotaskSeed,
  productLinks: ReadonlyMap<string, string>,
  customers: number,
  dates: ScaleDates,
): void {
  const services = [...emulator.state.tables.Services.values()];
  const adjustments: Record<string, unknown>[] = [];
  for (let i = 0; i < customers; i++) {
    for (let j = 0; j < LINES_PER_CUSTOMER; j++) {
      const sub = subscription(i, j);
      const serviceId = Number(productLinks.get(offerKeyText(sub.offer)));
      if (!serviceId) throw new Error(`the product sync did not link ${offerKeyText(sub.offer)}`);
      const start = `${dates.m}-${String(sub.anniversary).padStart(2, '0')}` as PlainDate;
      adjustments.push({
        contractID: contractIdOf(i),
        serviceID: serviceId,
        effectiveDate: start,
        unitChange: sub.seats,
        adjustedUnitPrice: retailOf(sub.k),
        adjustedUnitCost: costOf(sub.k),
      });
    }
  }
  emulator.loadSeed({
    ...base,
    firstId: emulator.state.nextId,
    Services: services,
    ContractServiceAdjustments: adjustments,
  });
}
