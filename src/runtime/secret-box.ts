import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals secrets (vendor credentials) with AES-256-GCM. Layout of a sealed value:
 * [version:1][iv:12][tag:16][ciphertext]. The `context` (workspace id + connection kind) is bound as additional
 * authenticated data, so a sealed blob copied to another row does not open.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('the secret key must be 32 bytes (AES-256)');
    this.#key = key;
  }

  seal(plaintext: string, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, context: string): string {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
      throw new Error('stored credentials are not in a format this version can read');
    }
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([
        decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new Error(
        'stored credentials cannot be decrypted: BILLSYNC_SECRET_KEY (or data/secret.key) is not the key they were saved with',
      );
    }
  }
}

function parseKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) {
    throw new Error(
      'BILLSYNC_SECRET_KEY must be 32 bytes, written as 64 hex digits or base64 (openssl rand -base64 32)',
    );
  }
  return key;
}

/**
 * The key comes from BILLSYNC_SECRET_KEY, or from `<dataDir>/secret.key`, generated on first use with mode 0600.
 * Several machines sharing one database must share BILLSYNC_SECRET_KEY.
 */
export function loadSecretBox(options: { secretKey: string | undefined; dataDir: string }): SecretBox {
  if (options.secretKey) return new SecretBox(parseKey(options.secretKey));
  const file = join(options.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return new SecretBox(parseKey(readFileSync(file, 'utf8')));
}
