import { describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../../emulators/autotask';
import { demoEmulatorPerTest } from '../../../test/support/demo-emulator';
import { dec } from '../../core/money/decimal';

/**
 * Issue 11: however Autotask says "over the hourly threshold" (a 429, or a 500 whose text varies, or says
 * nothing), the adapter recognises a rate limit from the status, the text and ThresholdInformation together:
 * the write is refused before processing (never probed as outcome-unknown), and reported as rate limited.
 */
const demo = demoEmulatorPerTest();

const product = {
  kind: 'create-product' as const,
  key: 'p',
  offerKey: 'o',
  name: 'PC_DIALECT:0001',
  description: 'dialect test',
  unitPrice: dec('10'),
  unitCost: dec('8'),
  period: 'monthly' as const,
  billingCodeId: String(DEMO_IDS.codeCloud),
  vendorId: undefined,
};

const DIALECTS = [
  { overThresholdDialect: 'status-429' },
  { overThresholdDialect: 'status-500-text', overThresholdText: 'threshold-exceeded' },
  { overThresholdDialect: 'status-500-text', overThresholdText: 'limit-reached' },
  { overThresholdDialect: 'status-500-text', overThresholdText: 'unexpected-error' },
] as const;

describe('the hourly threshold in every dialect', () => {
  it.each(DIALECTS)('%o: rate limited, refused before processing, nothing created', async (dialect) => {
    const adapter = demo.adapter({ retry: { maxAttempts: 2, baseDelayMs: 1 } });
    expect((await adapter.check({})).ok).toBe(true);
    const used = (await demo.emu.api('GET', '/ThresholdInformation')).body.currentTimeframeRequestCount;
    await demo.emu.raw('PUT', '/_emulator/limits', { ...dialect, hourlyThreshold: used + 1 });
    const result = await adapter.apply({}, product);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('rate_limited');
    expect(result.error.retryable).toBe(true);
    expect(result.error.outcomeUnknown).toBe(false);
    const services = [...demo.emu.state.tables.Services.values()].filter((s) => s.name === product.name);
    expect(services).toEqual([]);
  });
});

describe('the thread limit in every dialect', () => {
  it.each([429, 500] as const)(
    '%s with its text: refused before processing, retried, the write lands once',
    async (status) => {
      // What the emulator's thread limit answers in each dialect (its own tests cover when it fires).
      demo.emu.faults.inject({
        kind: String(status) as '429' | '500',
        method: 'POST',
        path: '**/Services',
        count: 2,
        body: { errors: ['Thread Threshold Exceeded: too many concurrent requests (Itgenatr005)'] },
      });
      const adapter = demo.adapter({ retry: { maxAttempts: 4, baseDelayMs: 1 } });
      const result = await adapter.apply({}, product);
      expect(result.ok).toBe(true);
      const created = [...demo.emu.state.tables.Services.values()].filter((v) => v.name === product.name);
      expect(created).toHaveLength(1);
    },
  );
});
