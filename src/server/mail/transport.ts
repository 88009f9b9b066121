// Where the portal's messages go: an SMTP server (nodemailer: STARTTLS when the server offers it,
// smtps:// for TLS from the start, user:password in the URL for AUTH), or, when no SMTP is
// configured (and always in the sandbox), RFC 5322 .eml files in the data directory's outbox/.
// nodemailer is loaded on the first message only: opening a portal never pays for it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EmailKind } from '../../domain/types.js';
import { createFileAtomically } from '../datadir.js';
import type { OutgoingMessage } from '../store.js';

export interface MailTransport {
  /** Hands the message on; resolves with where it went (file path or "SMTP host:port"). */
  send(id: number, kind: EmailKind, message: OutgoingMessage): Promise<string>;
  close(): void;
}

export const DEFAULT_MAIL_FROM = 'reissue SANDBOX portal <no-reply@reissue.invalid>';

type Nodemailer = typeof import('nodemailer');
const loadNodemailer = async (): Promise<Nodemailer> => {
  const m = await import('nodemailer');
  return ((m as unknown as { default?: Nodemailer }).default ?? m) as Nodemailer;
};

function mailFields(from: string, message: OutgoingMessage) {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    date: new Date(message.date),
    attachments: message.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  };
}

/** Messages written as `outbox/NNNNNN-KIND-CERTID.eml`, mode 0600, each exactly once. */
export function fileTransport(outboxDir: string, from: string): MailTransport {
  let composer: Promise<ReturnType<Nodemailer['createTransport']>> | null = null;
  return {
    async send(id, kind, message) {
      composer ??= loadNodemailer().then((n) => n.createTransport({ streamTransport: true, buffer: true }));
      const info = await (await composer).sendMail(mailFields(from, message));
      const file = join(outboxDir, `${String(id).padStart(6, '0')}-${kind}.eml`);
      mkdirSync(outboxDir, { recursive: true, mode: 0o700 });
      // An earlier attempt may have written it and stopped before recording that: it is delivered.
      createFileAtomically(file, (info as { message: Buffer }).message.toString('utf8'), 0o600);
      return file;
    },
    close() {},
  };
}

/** SMTP through nodemailer; `url` like smtp://user:pass@host:587 (STARTTLS) or smtps://host:465. */
export function smtpTransport(url: string, from: string): MailTransport {
  const where = `SMTP ${smtpAddress(url)}`;
  let transport: Promise<ReturnType<Nodemailer['createTransport']>> | null = null;
  return {
    async send(_id, _kind, message) {
      transport ??= loadNodemailer().then((n) =>
        n.createTransport(url, { from }),
      );
      await (await transport).sendMail(mailFields(from, message));
      return where;
    },
    close() {
      void transport?.then((t) => t.close()).catch(() => {});
    },
  };
}

/** host:port of an SMTP URL, without the credentials (for logs and the details view). */
export function smtpAddress(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'smtps:' ? '465' : '587')}`;
  } catch {
    return '(invalid URL)';
  }
}
