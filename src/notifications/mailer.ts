import nodemailer from 'nodemailer';

/** One e-mail: plain text and HTML bodies of the same content. */
export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends e-mail through the configured SMTP server; `configured` is false without SMTP_URL (messages stay held). */
export interface Mailer {
  readonly configured: boolean;
  /** Where mail goes, for logs: the SMTP URL without its credentials. */
  readonly describe: string;
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** The SMTP URL with user and password blanked (it is logged). */
export function redactSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.toString();
  } catch {
    return 'an SMTP server (the URL does not parse)';
  }
}

/**
 * A mailer on nodemailer's SMTP transport. `smtp://host:587` upgrades with STARTTLS when offered, `smtps://` is
 * TLS from the start; credentials go in the URL (`smtps://user:pass@host:465`).
 */
export function createMailer(smtpUrl: string | undefined, from: string): Mailer {
  if (!smtpUrl) {
    return {
      configured: false,
      describe: 'no SMTP server (SMTP_URL unset): notification e-mails are kept in the outbox',
      async send() {
        throw new Error('No SMTP server is configured: set SMTP_URL');
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    configured: true,
    describe: redactSmtpUrl(smtpUrl),
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    },
    close: () => transport.close(),
  };
}
