import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageRows } from './stage-file';

/** Lets the file system work queued by the failed stagings (their files' opens) finish. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('stageRows', () => {
  it('reads back what it staged, and removes the file when disposed', async () => {
    const staged = await stageRows(
      (async function* () {
        yield 'a\t1\n';
        yield Buffer.from('b\t2\n');
      })(),
    );
    const chunks: Buffer[] = [];
    for await (const chunk of staged.read()) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('a\t1\nb\t2\n');
    const path = (staged.read() as unknown as { path: string }).path;
    staged.dispose();
    expect(existsSync(dirname(path))).toBe(false);
  });

  it('a row that fails before the file is even open rejects the staging, and nothing fails later (a re-import of a bad file must not end the process)', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield* [];
      throw new Error('row 2: not a date');
    }
    // Several at once: the directory is removed while the file's open is still queued.
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => stageRows(failing())));
    expect(results.every((r) => r.status === 'rejected' && /not a date/.test(String(r.reason)))).toBe(true);
    // An error the file stream raised after this point would be an unhandled error: vitest fails the file.
    await settle();
  });

  it('a row failing after some were written rejects the staging too', async () => {
    const seen: string[] = [];
    async function* partly(): AsyncGenerator<string> {
      yield 'a\t1\n';
      throw new Error('row 2: not a number');
    }
    await expect(
      stageRows(
        (async function* () {
          for await (const c of partly()) {
            seen.push(c);
            yield c;
          }
        })(),
      ),
    ).rejects.toThrow('not a number');
    expect(seen).toEqual(['a\t1\n']);
    await settle();
  });
});
