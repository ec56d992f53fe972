import { describe, expect, it } from 'vitest';
import { CustomerStage } from './customer-stage';

describe('CustomerStage', () => {
  it('an import failing right after the customers file was started: disposed, nothing fails later', async () => {
    // Enough customers to start writing the file (one 64 KB chunk), then the import fails and disposes at once:
    // the directory goes while the file's open is still queued.
    const stages = Array.from({ length: 10 }, () => new CustomerStage());
    for (const stage of stages) {
      for (let i = 0; i < 2_000; i++) {
        stage.add(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, `Customer ${i}`, `c${i}.example`);
      }
      stage.dispose();
    }
    // An error the file streams raised after this point would be an unhandled error: vitest fails the file.
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(stages.every((s) => !s.empty)).toBe(true);
  });
});
