import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Clock } from '../../src/core/time/clock';
import { utcDateOf } from '../../src/core/time/plain-date';

/** One message the sink received: its recipients and its raw text, soft line breaks undone. */
export interface Received {
  to: string[];
  raw: string;
}

/** Decodes the quoted-printable soft line breaks and escapes nodemailer uses for long lines. */
export const unfold = (raw: string) =>
  raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

/** A real SMTP server on a free loopback port that keeps every message it is sent (spec section 7 e-mails). */
export async function startMailSink(): Promise<{ port: number; inbox: Received[]; close(): Promise<void> }> {
  const inbox: Received[] = [];
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        inbox.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: unfold(Buffer.concat(chunks).toString('utf8')),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  return {
    port: (smtp.server.address() as AddressInfo).port,
    inbox,
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

/** A clock the test moves by hand (the worker's schedule reads it). */
export function movableClock(start: string): Clock & { set(at: string): void } {
  let at = start;
  return { now: () => at, today: () => utcDateOf(at), set: (t) => (at = t) };
}
