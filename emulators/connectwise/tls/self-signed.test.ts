import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { selfSignedCertificate } from './self-signed';

describe('selfSignedCertificate', () => {
  it('is a valid self-signed X.509 certificate for the loopback names, matching its key', () => {
    const { key, cert } = selfSignedCertificate();
    const x509 = new X509Certificate(cert);
    expect(x509.subject).toBe('CN=127.0.0.1');
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.subjectAltName).toBe('IP Address:127.0.0.1, DNS:localhost');
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(Date.parse(x509.validTo) - Date.now()).toBeGreaterThan(300 * 86_400_000);
  });
});
