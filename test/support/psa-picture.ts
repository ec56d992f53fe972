import type { Decimal } from '../../src/core/money/decimal';
import type { AdditionView, CliScenario } from './cli-scenario';

// biome-ignore lint/suspicious/noExplicitAny: a scenario on either PSA.
type AnyScenario = CliScenario<any>;

/** What the PSA bills the contract in a month (unit rows prorated + charges; ConnectWise: its billing report). */
export async function billed(s: AnyScenario, contract: number, month: string): Promise<Decimal> {
  return (await s.readback.billedPerMonth(contract, month)).total;
}

/** Everything on the PSA for a contract (lines, their unit rows, charges; ConnectWise: additions), to compare. */
export async function psaPicture(s: AnyScenario, contract: number): Promise<string> {
  if (s.target === 'connectwise')
    return JSON.stringify(
      (await s.readback.additions(contract)).map((a: AdditionView) => [
        a.id,
        a.effectiveDate,
        a.cancelledDate,
        a.quantity.toFixed(),
        a.unitPrice.toFixed(),
        a.unitCost.toFixed(),
        a.serialNumber,
      ]),
    );
  const rows = [];
  for (const cs of await s.readback.contractServices(contract))
    rows.push([cs.id, cs.serviceName, await s.readback.unitSegments(cs.id)]);
  return JSON.stringify([rows, await s.readback.charges(contract)]);
}
