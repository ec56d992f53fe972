import { IntegrationError } from '../../src/core/integration-error';
import type { TargetBillingCode, TargetCompany, TargetSnapshot } from '../../src/core/ports/target';
import { ok } from '../../src/core/result';
import { FakeTarget } from './fake-target';

/**
 * The in-memory PSA with a directory: companies (customers and vendors) and billing codes, besides the
 * products and contracts of FakeTarget. For the API and CLI tests of the mapping and settings dropdowns.
 */
export class FakePsa extends FakeTarget {
  companies: TargetCompany[] = [];
  billingCodes: TargetBillingCode[] = [];
  /** Reads of the PSA (each readState call). */
  reads = 0;
  /** Set to make every call fail, e.g. like an unreachable PSA or rejected credentials. */
  down: IntegrationError | undefined;

  /** Makes the PSA unreachable (or answer with another failure). */
  fail(kind: IntegrationError['kind'] = 'unavailable', message = 'The PSA did not answer'): void {
    this.down = new IntegrationError({ kind, vendor: 'fake', message });
  }

  /** A failing check throws (the Autotask adapter returns the error; the use case handles both). */
  override async check() {
    if (this.down) throw this.down;
    return ok({ detail: 'Connected to the fake PSA' });
  }

  override async readState(): Promise<TargetSnapshot> {
    this.reads += 1;
    if (this.down) throw this.down;
    return { ...(await super.readState()), companies: this.companies, billingCodes: this.billingCodes };
  }

  addCompany(
    id: string,
    name: string,
    kind: TargetCompany['kind'] = 'customer',
    active = true,
  ): TargetCompany {
    const company = { id, name, kind, active };
    this.companies.push(company);
    return company;
  }

  /** A billing code; `chargeCode` marks a code for one-time contract charges (Autotask: Material Cost Code). */
  addBillingCode(
    id: string,
    name: string,
    recurringContractService = true,
    active = true,
    chargeCode = false,
  ): TargetBillingCode {
    const code = { id, name, recurringContractService, chargeCode, active };
    this.billingCodes.push(code);
    return code;
  }
}
