import { describe, expect, it } from 'vitest';
import { IntegrationError } from '../../src/core/integration-error';
import { testFailureMessage } from '../../src/services/sync/connect';

/** A refused test in our words, naming the fields of that PSA's connect form (never the vendor's own text). */
describe('testFailureMessage: the credential failure per PSA', () => {
  const refused = (vendor: string) =>
    new IntegrationError({
      kind: 'auth',
      vendor,
      status: 401,
      message: 'Unauthorized: bad key',
      vendorMessages: ['Unauthorized: bad key'],
    });

  it('ConnectWise: the site, company id, public key and private key', () => {
    expect(testFailureMessage(refused('connectwise'), 'ConnectWise')).toBe(
      'ConnectWise refused the credentials: check the site, the company id, the public key and the private key (HTTP 401)',
    );
  });

  it('Autotask: the API username, secret and integration code', () => {
    expect(testFailureMessage(refused('autotask'), 'Autotask')).toBe(
      'Autotask refused the credentials: check the API username, the secret and the integration code (HTTP 401)',
    );
  });

  it('a message of ours is kept as it is', () => {
    const ours = new IntegrationError({ kind: 'auth', vendor: 'connectwise', message: 'Our own words' });
    expect(testFailureMessage(ours, 'ConnectWise')).toBe('Our own words');
  });
});
