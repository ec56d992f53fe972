import { describe, expect, it } from 'vitest';
import { freePort, startCli } from '../support/cli';

const auth = `Basic ${Buffer.from('demo+demo-public:demo-private').toString('base64')}`;

describe('billsync sandbox connectwise', () => {
  it('starts the demo tenant on the given port, answers discovery and the API, and stops on SIGTERM', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const cli = await startCli(
      [
        '--json',
        'sandbox',
        'connectwise',
        '--port',
        String(port),
        '--seed',
        'demo',
        '--now',
        '2026-03-15T09:00:00Z',
      ],
      {},
      async () => (await fetch(`${base}/login/companyinfo/demo`)).status === 200,
    );
    try {
      const printed = JSON.parse(cli.output().slice(cli.output().indexOf('{')));
      expect(printed).toMatchObject({
        baseUrl: base,
        apiUrl: `${base}/v4_6_release/apis/3.0`,
        credentials: {
          companyId: 'demo',
          publicKey: 'demo-public',
          privateKey: 'demo-private',
          clientId: 'any',
        },
        today: '2026-03-15',
      });
      const info = await (await fetch(`${base}/login/companyinfo/demo`)).json();
      expect(info).toMatchObject({ CompanyID: 'demo', Codebase: 'v2025_8/' });
      const res = await fetch(`${base}/v2025_8/apis/3.0/company/companies/count`, {
        headers: { Authorization: auth, clientId: 'any-client' },
      });
      expect(await res.json()).toEqual({ count: 31 });
      const refused = await fetch(`${base}/v4_6_release/apis/3.0/company/companies/count`, {
        headers: { Authorization: auth },
      });
      expect(refused.status).toBe(403);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });
});
