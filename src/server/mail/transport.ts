// Where the portal's messages go: an SMTP server (nodemailer: STARTTLS when the server offers it,
// smtps:// for TLS from the start, user:password in the URL for AUTH), or, when no SMTP is
// configured (and always in the sandbox), RFC 5322 .eml files in the data directory's outbox/.
// nodemailer is loaded on the first message only: opening a portal never pays for it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EmailKind } from '../../domain/types.js';
import { createFileAtomically } from '../datadir.js';
import type { OutgoingMessage } from '../store/records.js';

/** One queued message as the transports take it. */
export interface MailToSend {
  /** The outbox row's id. */
  id: number;
  kind: EmailKind;
  /** The copy it is about (issued: the new copy; reminder: the replaced copy). */
  certificateId: string;
  message: OutgoingMessage;
}

export interface MailTransport {
  /** Hands the message on; resolves with where it went (file path or "SMTP host:port"). */
  send(mail: MailToSend): Promise<string>;
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

/** The file of one message: `NNNNNN-CERTID-KIND.eml` (row number, the copy it is about, its kind). */
export function outboxFileName(mail: Pick<MailToSend, 'id' | 'kind' | 'certificateId'>): string {
  return `${String(mail.id).padStart(6, '0')}-${mail.certificateId.replace(/[^a-z0-9-]/gi, '_')}-${mail.kind}.eml`;
}

/**
 * Messages written as `outbox/NNNNNN-CERTID-KIND.eml`, mode 0600, each exactly once and never over
 * another file: row numbers start again after `sandbox reset` (which moves the old files away), and
 * the certificate id (random, new with every copy) keeps two messages from sharing a name even so.
 */
export function fileTransport(outboxDir: string, from: string): MailTransport {
  let composer: Promise<ReturnType<Nodemailer['createTransport']>> | null = null;
  return {
    async send(mail) {
      composer ??= loadNodemailer().then((n) => n.createTransport({ streamTransport: true, buffer: true }));
      const info = await (await composer).sendMail(mailFields(from, mail.message));
      const file = join(outboxDir, outboxFileName(mail));
      mkdirSync(outboxDir, { recursive: true, mode: 0o700 });
      // Created exclusively. A file of this name can only be this very message, written by an
      // earlier attempt that stopped before recording it: it is delivered.
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
    async send(mail) {
      transport ??= loadNodemailer().then((n) =>
        n.createTransport(url, { from }),
      );
      await (await transport).sendMail(mailFields(from, mail.message));
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
