import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkspaceId } from '../../src/core/ids';
import { fixedClock } from '../../src/core/time/clock';
import { migrate } from '../../src/db/migrate';
import { createPool, type Pool } from '../../src/db/pool';
import { listOutbox } from '../../src/db/repos/notifications';
import { storeInvoice } from '../../src/db/repos/source-data';
import { getProgram, type StoredProgram, saveProgram, type TargetKind } from '../../src/db/repos/sync';
import { insertWorkspace } from '../../src/db/repos/workspaces';
import { DEFAULT_PROGRAM } from '../../src/engine/program';
import { syncCustomers, syncProducts } from '../../src/engine/sync';
import { createMailer, type Mailer } from '../../src/notifications/mailer';
import { AppError } from '../../src/services/errors';
import { monthName } from '../../src/services/reports/recon-email';
import { reconEmailHook } from '../../src/services/reports/recon-email-hook';
import {
  type ReconEmailDeps,
  type ReconLeakageFn,
  type ReconMonthFn,
  reconEmailsAfterDailyCheck,
  sendReconEmails,
} from '../../src/services/reports/recon-email-job';
import { reconLeakage, reconMonth } from '../../src/services/reports/reconciliation';
import type {
  LeakageWire,
  ReconCustomerRowWire,
  ReconMonthWire,
} from '../../src/services/reports/reconciliation-schemas';
import { autotaskWorld, runCtx } from '../support/autotask-world';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { PUBLIC_URL } from '../support/jobs';
import { inv, line, offer, priceEntry, TENANT } from '../support/planner-fixtures';

interface Received {
  to: string[];
  raw: string;
}

let db: TestDatabase;
let pool: Pool;
let smtp: SMTPServer;
let smtpUrl: string;
const inbox: Received[] = [];

/** A real SMTP server in the test: it accepts every message and keeps it. */
async function startSink(): Promise<number> {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  return (smtp.server.address() as AddressInfo).port;
}

/** The decoded body of one MIME part (text/plain or text/html) of a message nodemailer wrote. */
function part(raw: string, type: 'text/plain' | 'text/html'): string {
  const sections = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  const section = sections.find((s) => s.toLowerCase().startsWith(`content-type: ${type}`));
  if (!section) throw new Error(`no ${type} part in:\n${raw}`);
  const [head = '', ...rest] = section.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n').replace(/\r?\n--[^\r\n]*--\s*$/, '');
  if (/content-transfer-encoding: base64/i.test(head))
    return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/content-transfer-encoding: quoted-printable/i.test(head)) {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8').replace(/\r\n/g, '\n');
  }
  return body.replace(/\r\n/g, '\n');
}

const subjectOf = (raw: string) => /^Subject: (.*)$/m.exec(raw)?.[1];

const money = (cost: string, expected: string, billed: string, margin: string, percent: number | null) => ({
  cost,
  expected,
  billed,
  billedCost: cost,
  margin,
  marginPercent: percent,
  difference: (Number(billed) - Number(expected)).toFixed(2),
});

const customer = (
  name: string,
  figures: ReturnType<typeof money>,
  flags: ReconCustomerRowWire['flags'] = [],
): ReconCustomerRowWire => ({
  tenantId: `tenant-${name.length}-${name.charCodeAt(0)}`,
  name,
  contractName: 'CSP',
  offers: 2,
  ...figures,
  flags,
});

/** What the reconciliation service answers for a period (hand-built: the e-mail must repeat it). */
function monthWire(target: TargetKind, period: string): ReconMonthWire {
  return {
    target,
    period,
    periods: [period],
    currency: 'EUR',
    totals: money('1234.56', '1500.00', '1480.10', '245.54', 16.6),
    customers: [
      customer('Contoso Dental', money('500.00', '600.00', '560.00', '60.00', 10.7), [
        { kind: 'differs', text: 'Bills 40.00 less than the expected retail' },
      ]),
      customer('Zürich <Zahnärzte> & Co', money('300.00', '380.00', '290.00', '-10.00', -3.4), [
        { kind: 'below-cost', text: 'The PSA bills less than Microsoft charged' },
        { kind: 'differs', text: 'Bills 90.00 less than the expected retail' },
      ]),
      customer('Fabrikam', money('434.56', '520.00', '630.10', '195.54', 31.0)),
    ],
    leakage: { total: '77.25', rows: 2 },
    computedAt: '2025-09-10T09:00:00.000Z',
    psaCalls: 3,
  };
}

function leakageWire(target: TargetKind, period: string): LeakageWire {
  return {
    target,
    period,
    currency: 'EUR',
    total: '77.25',
    rows: [
      {
        reason: 'unmapped',
        tenantId: 't-n',
        customerName: 'Northwind',
        offerKey: null,
        title: 'Every offer (the customer is not mapped)',
        cost: '12.25',
        fix: 'Map the customer to a contract',
        action: 'map',
        runId: null,
      },
      {
        reason: 'no-product',
        tenantId: 't-a',
        customerName: 'Adatum',
        offerKey: 'CFQ7TTC0LH18:0001',
        title: 'Microsoft 365 Business Basic',
        cost: '65.00',
        fix: 'Run the product sync',
        action: 'product-sync',
        runId: null,
      },
    ],
    months: [{ period, total: '77.25' }],
  };
}

/** The stubbed service: answers with the wires above and records what it was asked. */
function stubService() {
  const calls: { fn: string; ws: WorkspaceId; target: TargetKind; q: unknown }[] = [];
  let down: Error | undefined;
  const reconMonth: ReconMonthFn = async (_deps, ws, target, q) => {
    calls.push({ fn: 'month', ws, target, q });
    if (down) throw down;
    return monthWire(target, q.period ?? '2025-01');
  };
  const reconLeakage: ReconLeakageFn = async (_deps, ws, target, q) => {
    calls.push({ fn: 'leakage', ws, target, q });
    return leakageWire(target, q.period ?? '2025-01');
  };
  return {
    calls,
    reconMonth,
    reconLeakage,
    setDown(error: Error | undefined) {
      down = error;
    },
  };
}

function depsWith(mailer: Mailer, service = stubService()): ReconEmailDeps & { service: typeof service } {
  return {
    sync: {
      pool,
      clock: fixedClock('2025-09-10T09:00:00Z'),
      openTarget: async () => {
        throw new Error('the stubbed service reads no PSA');
      },
    },
    mailer,
    publicUrl: PUBLIC_URL,
    reconMonth: service.reconMonth,
    reconLeakage: service.reconLeakage,
    service,
  };
}

const realMailer = () => createMailer(smtpUrl, 'billsync <billsync@msp.example>');

async function workspace(
  name: string,
  program: { reconEmail?: boolean; emails?: string[]; target?: TargetKind },
): Promise<WorkspaceId> {
  const ws = (await insertWorkspace(pool, name)).id;
  await saveProgram(pool, ws, program.target ?? 'autotask', {
    ...DEFAULT_PROGRAM,
    emails: program.emails ?? ['billing@msp.example', 'owner@msp.example'],
    ...(program.reconEmail === undefined ? {} : { reconEmail: program.reconEmail }),
  } as StoredProgram);
  return ws;
}

async function addInvoice(ws: WorkspaceId, id: string, period: string): Promise<void> {
  const i = inv(id, period, [
    line({
      start: `${period}-15`,
      last: `${period}-28`,
      qty: 10,
      unitPrice: '20.00',
      subtotal: '200.00',
    }),
  ]);
  await storeInvoice(pool, ws, i.header, i.lines);
}

beforeAll(async () => {
  db = await createTestDatabase('recon_mail');
  await migrate(db.url);
  pool = createPool(db.url, 8);
  smtpUrl = `smtp://127.0.0.1:${await startSink()}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await pool.end();
  await db.drop();
});
beforeEach(() => {
  inbox.length = 0;
});

const PAUSED = '5a0f0000-0000-4000-8000-0000000000aa';

describe('the monthly reconciliation e-mail', () => {
  it("sends the period's figures to the program's addresses, once per period", async () => {
    const ws = await workspace('Recon MSP', { reconEmail: true });
    await addInvoice(ws, 'G1', '2025-07');
    await addInvoice(ws, 'G2', '2025-08');
    const mailer = realMailer();
    const deps = depsWith(mailer);

    expect(await sendReconEmails(deps, ws)).toEqual([
      { target: 'autotask', period: '2025-08', email: 'sent' },
    ]);
    // The newest invoice's period, read fresh from the PSA.
    expect(deps.service.calls).toEqual([
      { fn: 'month', ws, target: 'autotask', q: { period: '2025-08', refresh: true } },
      { fn: 'leakage', ws, target: 'autotask', q: { period: '2025-08' } },
    ]);
    expect(inbox).toHaveLength(1);
    const mail = inbox[0]!;
    expect(mail.to.sort()).toEqual(['billing@msp.example', 'owner@msp.example']);
    expect(subjectOf(mail.raw)).toBe(`billsync: reconciliation for ${monthName('2025-08')}`);
    expect(monthName('2025-08')).toBe('August 2025');

    // Every figure of the mail is the service's, as it gave it.
    const m = monthWire('autotask', '2025-08');
    const l = leakageWire('autotask', '2025-08');
    const text = part(mail.raw, 'text/plain');
    const value = (label: string) => new RegExp(`^${label}:\\s+(.+)$`, 'm').exec(text)?.[1];
    expect(value('Microsoft cost')).toBe(`EUR ${m.totals.cost}`);
    expect(value('Expected retail')).toBe(`EUR ${m.totals.expected}`);
    expect(value('Autotask bills')).toBe(`EUR ${m.totals.billed}`);
    expect(value('Margin')).toBe(`EUR ${m.totals.margin} (${m.totals.marginPercent!.toFixed(1)} %)`);
    expect(value('Difference to expected')).toBe(`EUR ${m.totals.difference}`);
    const flagged = m.customers.filter((c) => c.flags.length > 0);
    expect(value('Customers with flags')).toBe(`${flagged.length} of ${m.customers.length}`);
    expect(value('Not billed \\(leakage\\)')).toBe(`EUR ${l.total} in ${l.rows.length} line(s)`);
    // The flagged customers, largest difference first, with their figures and flags; the unflagged one is not listed.
    const listed = text
      .split('\n')
      .filter((s) => s.startsWith('- '))
      .map((s) => s.slice(2));
    const zurich = m.customers[1]!;
    const contoso = m.customers[0]!;
    expect(listed[0]).toBe(
      `${zurich.name}: Autotask bills EUR ${zurich.billed}, expected EUR ${zurich.expected}, difference EUR ${zurich.difference}, margin EUR ${zurich.margin} (${zurich.marginPercent!.toFixed(1)} %). ${zurich.flags.map((f) => f.text).join(' / ')}`,
    );
    expect(listed[1]).toMatch(new RegExp(`^${contoso.name}: .*difference EUR ${contoso.difference}`));
    expect(text).not.toContain('Fabrikam');
    // What nobody is billed for, largest first.
    expect(listed.slice(2)).toEqual([
      `Adatum: Microsoft 365 Business Basic: EUR 65.00. Run the product sync`,
      `Northwind: Every offer (the customer is not mapped): EUR 12.25. Map the customer to a contract`,
    ]);
    const link = `${PUBLIC_URL}/programs/autotask/csp/reconciliation?period=2025-08`;
    expect(text).toContain(`Open the reconciliation: ${link}`);
    const html = part(mail.raw, 'text/html');
    expect(html).toContain(`<a href="${link}">`);
    expect(html).toContain('Zürich &lt;Zahnärzte&gt; &amp; Co');
    expect(html).toContain(`EUR ${m.totals.billed}`);

    // Asked again (the next daily check): nothing new, nothing asked of the PSA.
    expect(await sendReconEmails(deps, ws)).toEqual([
      { target: 'autotask', period: '2025-08', email: 'already-sent' },
    ]);
    expect(inbox).toHaveLength(1);
    expect(deps.service.calls).toHaveLength(2);

    // September's invoice, imported ahead of its issue date (7 October): not due yet.
    await addInvoice(ws, 'G3', '2025-09');
    expect(await sendReconEmails(deps, ws)).toEqual([
      { target: 'autotask', period: '2025-08', email: 'already-sent' },
    ]);
    // Once it is issued: one more e-mail, however many checks ask at once.
    const october = { ...deps, sync: { ...deps.sync, clock: fixedClock('2025-10-10T09:00:00Z') } };
    const together = (await Promise.all([sendReconEmails(october, ws), sendReconEmails(october, ws)])).flat();
    expect(together.filter((o) => 'email' in o && o.email === 'sent')).toHaveLength(1);
    expect(inbox).toHaveLength(2);
    expect(subjectOf(inbox[1]!.raw)).toBe('billsync: reconciliation for September 2025');
    const outbox = await listOutbox(pool, ws);
    expect(outbox.map((o) => [o.subject, o.status, o.run_id])).toEqual([
      ['billsync: reconciliation for September 2025', 'sent', null],
      ['billsync: reconciliation for August 2025', 'sent', null],
    ]);
    mailer.close();
  });

  it('is off unless the program says so, needs addresses, and waits for the syncs a check has queued', async () => {
    const mailer = realMailer();
    const off = await workspace('Off MSP', {});
    await addInvoice(off, 'H1', '2025-08');
    expect(await sendReconEmails(depsWith(mailer), off)).toEqual([]);
    const switchedOff = await workspace('Switched off MSP', { reconEmail: false });
    await addInvoice(switchedOff, 'H1', '2025-08');
    expect(await sendReconEmails(depsWith(mailer), switchedOff)).toEqual([]);

    const none = await workspace('No invoice MSP', { reconEmail: true });
    expect(await sendReconEmails(depsWith(mailer), none)).toEqual([
      { target: 'autotask', period: null, skipped: 'no invoice imported yet' },
    ]);
    const silent = await workspace('No address MSP', { reconEmail: true, emails: [] });
    await addInvoice(silent, 'H1', '2025-08');
    expect(await sendReconEmails(depsWith(mailer), silent)).toMatchObject([
      { target: 'autotask', period: '2025-08', skipped: expect.stringMatching(/no notification addresses/) },
    ]);

    const ws = await workspace('ConnectWise MSP', { reconEmail: true, target: 'connectwise' });
    await addInvoice(ws, 'H1', '2025-08');
    const deps = depsWith(mailer);
    // The check that found the invoice queued its syncs: the figures would predate them.
    expect(
      await reconEmailsAfterDailyCheck(deps, ws, [{ target: 'connectwise', thenCustomers: true }]),
    ).toMatchObject([
      { target: 'connectwise', period: '2025-08', skipped: expect.stringMatching(/next daily check/) },
    ]);
    expect(deps.service.calls).toEqual([]);
    // A price-list-only product sync of the check does not hold it back; nor does another PSA's chain.
    expect(
      await reconEmailsAfterDailyCheck(deps, ws, [
        { target: 'connectwise', thenCustomers: false },
        { target: 'autotask', thenCustomers: true },
      ]),
    ).toEqual([{ target: 'connectwise', period: '2025-08', email: 'sent' }]);
    expect(inbox).toHaveLength(1);
    expect(part(inbox[0]!.raw, 'text/plain')).toContain(
      `${PUBLIC_URL}/programs/connectwise/csp/reconciliation?period=2025-08`,
    );
    expect(part(inbox[0]!.raw, 'text/plain')).toMatch(/^ConnectWise bills:\s+EUR 1480\.10$/m);
    mailer.close();
  });

  it('retries a failed send at the next check, keeps it without SMTP, and skips while the PSA is down', async () => {
    const real = realMailer();
    let refuse = true;
    const flaky: Mailer = {
      configured: true,
      describe: 'flaky',
      async send(mail) {
        if (refuse) throw new Error('451 try again later');
        await real.send(mail);
      },
      close: () => real.close(),
    };
    const ws = await workspace('Flaky MSP', { reconEmail: true });
    await addInvoice(ws, 'K1', '2025-08');
    const deps = depsWith(flaky);
    deps.service.setDown(new AppError('integration_failed', 'Autotask: the service is unavailable'));
    expect(await sendReconEmails(deps, ws)).toEqual([
      { target: 'autotask', period: '2025-08', skipped: 'Autotask: the service is unavailable' },
    ]);
    expect(await listOutbox(pool, ws)).toEqual([]);

    deps.service.setDown(undefined);
    expect(await sendReconEmails(deps, ws)).toEqual([
      { target: 'autotask', period: '2025-08', email: 'failed' },
    ]);
    expect((await listOutbox(pool, ws)).map((o) => [o.status, o.error, o.attempts])).toEqual([
      ['failed', '451 try again later', 1],
    ]);
    expect(inbox).toHaveLength(0);
    refuse = false;
    expect(await sendReconEmails(deps, ws)).toEqual([
      { target: 'autotask', period: '2025-08', email: 'sent' },
    ]);
    expect(inbox).toHaveLength(1);
    expect(await sendReconEmails(deps, ws)).toEqual([
      { target: 'autotask', period: '2025-08', email: 'already-sent' },
    ]);
    expect(inbox).toHaveLength(1);
    // The figures were read once: the retry sends the stored message.
    expect(deps.service.calls.filter((c) => c.fn === 'month')).toHaveLength(2);

    const held = await workspace('No SMTP MSP', { reconEmail: true });
    await addInvoice(held, 'K1', '2025-08');
    const noSmtp = depsWith(createMailer(undefined, 'billsync <billsync@msp.example>'));
    expect(await sendReconEmails(noSmtp, held)).toEqual([
      { target: 'autotask', period: '2025-08', email: 'held' },
    ]);
    expect(await sendReconEmails(noSmtp, held)).toEqual([
      { target: 'autotask', period: '2025-08', email: 'held' },
    ]);
    expect((await listOutbox(pool, held)).map((o) => o.status)).toEqual(['held']);
    expect(inbox).toHaveLength(1);
    real.close();
  });

  it('with the real reconciliation service: the figures the page shows once the syncs ran', async () => {
    // Seats at 20.00 in July; the August invoice bills the next cycle at 21.00 from 15 Aug (a price change).
    const world = await autotaskWorld(pool, {
      invoices: [
        inv('G1', '2025-07', [
          line({ start: '2025-07-15', last: '2025-08-14', qty: 10, unitPrice: '20.00', subtotal: '200.00' }),
        ]),
        inv('G2', '2025-08', [
          line({ start: '2025-08-15', last: '2025-09-14', qty: 10, unitPrice: '21.00', subtotal: '210.00' }),
        ]),
      ],
      priceList: [priceEntry(offer(), '20.00', '23.10')],
      extraTenants: [PAUSED],
    });
    // A second customer with the same seats whose sync is off: its Microsoft cost is leakage.
    await pool.query(
      'update customer_mappings set sync_on = false where workspace_id = $1 and tenant_id = $2',
      [world.ws, PAUSED],
    );
    const mailer = realMailer();
    try {
      const program = await getProgram(pool, world.ws, 'autotask');
      await saveProgram(pool, world.ws, 'autotask', {
        ...program!,
        emails: ['billing@msp.example'],
        reconEmail: true,
      } as StoredProgram);
      await syncProducts(world.deps, runCtx(world), { preview: false });
      await syncCustomers(world.deps, runCtx(world), { preview: false, tenantIds: [TENANT] });
      const hook = reconEmailHook({ engine: world.deps, mailer, publicUrl: PUBLIC_URL, log: () => {} });

      expect(await hook(world.ws, [])).toEqual([{ target: 'autotask', period: '2025-08', email: 'sent' }]);
      expect(await hook(world.ws, [])).toEqual([
        { target: 'autotask', period: '2025-08', email: 'already-sent' },
      ]);
      expect(inbox).toHaveLength(1);
      const m = await reconMonth(world.deps, world.ws, 'autotask', { period: '2025-08' });
      const l = await reconLeakage(world.deps, world.ws, 'autotask', { period: '2025-08' });
      expect(m.customers.map((c) => c.tenantId)).toEqual([TENANT]);
      expect(l.rows.map((r) => [r.reason, r.tenantId])).toEqual([['sync-off', PAUSED]]);
      const text = part(inbox[0]!.raw, 'text/plain');
      const value = (label: string) => new RegExp(`^${label}:\\s+(.+)$`, 'm').exec(text)?.[1];
      const cur = (amount: string) => `${m.currency} ${amount}`;
      expect(value('Microsoft cost')).toBe(cur(m.totals.cost));
      expect(value('Expected retail')).toBe(cur(m.totals.expected));
      expect(value('Autotask bills')).toBe(cur(m.totals.billed));
      expect(value('Margin')).toBe(
        `${cur(m.totals.margin)} (${m.totals.marginPercent === null ? 'n/a' : `${m.totals.marginPercent.toFixed(1)} %`})`,
      );
      const flagged = m.customers.filter((c) => c.flags.length > 0).length;
      expect(value('Customers with flags')).toBe(`${flagged} of ${m.customers.length}`);
      expect(value('Not billed \\(leakage\\)')).toBe(`${cur(l.total)} in ${l.rows.length} line(s)`);
      for (const c of m.customers.filter((x) => x.flags.length > 0))
        for (const f of c.flags) expect(text).toContain(f.text);
      expect(text).toContain(`- Customer 0: ${l.rows[0]!.title}: ${cur(l.rows[0]!.cost)}. ${l.rows[0]!.fix}`);
    } finally {
      mailer.close();
      await world.close();
    }
  });
});
