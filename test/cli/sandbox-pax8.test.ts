// The CLI entry of the Pax8 emulator (`billsync sandbox pax8`): it spawns the CLI.
import { describe, expect, it } from 'vitest';
import { freePort, startCli } from '../support/cli';

describe('billsync sandbox pax8', () => {
  it('serves the demo partner on the given port: token, invoices by the clock; stops on SIGTERM', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const cli = await startCli(
      [
        '--json',
        'sandbox',
        'pax8',
        '--port',
        String(port),
        '--seed',
        'demo',
        '--now',
        '2026-03-15T09:00:00Z',
      ],
      {},
      async () => (await fetch(`${base}/_emulator/clock`).catch(() => undefined))?.status === 200,
    );
    try {
      const printed = JSON.parse(cli.output().slice(cli.output().indexOf('{')));
      expect(printed).toMatchObject({
        apiUrl: `${base}/v1`,
        tokenUrl: `${base}/v1/token`,
        audience: 'https://api.pax8.com',
        credentials: { clientId: 'demo-pax8-client', clientSecret: 'demo-pax8-secret' },
        today: '2026-03-15',
      });
      const token = (await (
        await fetch(`${base}/v1/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            client_id: 'demo-pax8-client',
            client_secret: 'demo-pax8-secret',
            audience: 'https://api.pax8.com',
            grant_type: 'client_credentials',
          }),
        })
      ).json()) as { access_token: string };
      const res = await fetch(`${base}/v1/invoices?size=1`, {
        headers: { Authorization: `Bearer ${token.access_token}` },
      });
      const body = (await res.json()) as { content: Array<{ invoiceDate: string }> };
      expect(body.content[0]?.invoiceDate).toBe('2026-03-01');
      expect((await fetch(`${base}/v1/companies`)).status).toBe(401);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });
});
