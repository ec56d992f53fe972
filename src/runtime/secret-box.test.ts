import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecretBox, SecretBox } from './secret-box';

describe('SecretBox', () => {
  it('round-trips and uses a fresh IV each time', () => {
    const box = new SecretBox(Buffer.alloc(32, 1));
    const a = box.seal('hello', 'ctx');
    const b = box.seal('hello', 'ctx');
    expect(a.equals(b)).toBe(false);
    expect(box.open(a, 'ctx')).toBe('hello');
  });

  it('detects tampering and a wrong key', () => {
    const box = new SecretBox(Buffer.alloc(32, 1));
    const sealed = box.seal('hello', 'ctx');
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    expect(() => box.open(tampered, 'ctx')).toThrow(/cannot be decrypted/);
    expect(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed, 'ctx')).toThrow(/cannot be decrypted/);
  });

  it('generates a key file with mode 0600 on first use and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'billsync-key-'));
    const first = loadSecretBox({ secretKey: undefined, dataDir: dir });
    expect(statSync(join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const second = loadSecretBox({ secretKey: undefined, dataDir: dir });
    expect(second.open(first.seal('x', 'c'), 'c')).toBe('x');
  });

  it('takes BILLSYNC_SECRET_KEY as hex or base64 and refuses a short key', () => {
    const hex = 'ab'.repeat(32);
    const box = loadSecretBox({ secretKey: hex, dataDir: '/nonexistent' });
    const b64 = loadSecretBox({
      secretKey: Buffer.from(hex, 'hex').toString('base64'),
      dataDir: '/nonexistent',
    });
    expect(b64.open(box.seal('y', 'c'), 'c')).toBe('y');
    expect(() => loadSecretBox({ secretKey: 'short', dataDir: '/nonexistent' })).toThrow(/32 bytes/);
  });
});
