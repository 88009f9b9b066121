// The portal's two messages, composed from the stored records when they are queued: "certificate
// issued" (new copy attached as PEM, the previous copy's revocation date) and the reminder before
// a replaced copy is revoked (saying whether the new copy was downloaded). Pure: no I/O.
import { daysLeft } from '../../domain/policy.js';
import type { KeySource } from '../../domain/types.js';
import { encodePem } from '../../pki/pem.js';
import type { CertificateRecord, OutgoingMessage } from '../store/records.js';
import { mailText, type MailLanguage } from './templates.js';

export interface MessageContext {
  lang: MailLanguage;
  /** Signs each message, e.g. "reissue SANDBOX portal". */
  portal: string;
}

/** "2026-12-15 12:00 UTC": mail is read anywhere, so the zone is always spelled out. */
export function mailDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** The file name of an attached certificate: the CN as a safe name plus the serial. */
export function certificateFileName(commonName: string, serial: string): string {
  const base = commonName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '') || 'certificate';
  return `${base}-${serial.slice(0, 16)}.pem`;
}

function keyText(lang: MailLanguage, source: KeySource | null): string {
  return mailText(lang, source ? `key.${source}` : 'key.unknown');
}

export function issuedMessage(ctx: MessageContext, issued: CertificateRecord, replaced: CertificateRecord, revocationDate: string): OutgoingMessage {
  const fileName = certificateFileName(issued.commonName, issued.serial);
  const vars = {
    name: `${issued.subscriber.name} ${issued.subscriber.lastName}`,
    commonName: issued.commonName,
    orderId: issued.orderId,
    product: issued.product.name,
    serial: issued.serial,
    notAfter: mailDate(issued.notAfter),
    key: keyText(ctx.lang, issued.keySource),
    fileName,
    id: issued.id,
    oldSerial: replaced.serial,
    revocationDate: mailDate(revocationDate),
  };
  return {
    date: issued.issuedAt,
    to: issued.subscriber.email,
    subject: mailText(ctx.lang, 'issued.subject', vars),
    text: mailText(ctx.lang, 'issued.body', vars) + '\n' + mailText(ctx.lang, 'signature', { portal: ctx.portal }),
    attachments: [{ filename: fileName, content: encodePem('CERTIFICATE', issued.der), contentType: 'application/x-pem-file' }],
  };
}

export function reminderMessage(ctx: MessageContext, replaced: CertificateRecord, successor: CertificateRecord, now: Date): OutgoingMessage {
  const revocationDate = replaced.revocationDate!;
  const next = { serial: successor.serial, id: successor.id, downloadedAt: successor.downloadedAt ? mailDate(successor.downloadedAt) : '' };
  const vars = {
    name: `${replaced.subscriber.name} ${replaced.subscriber.lastName}`,
    commonName: replaced.commonName,
    oldSerial: replaced.serial,
    orderId: replaced.orderId,
    revocationDate: mailDate(revocationDate),
    daysLeft: daysLeft(revocationDate, now),
    download: mailText(ctx.lang, successor.downloadedAt ? 'reminder.downloaded' : 'reminder.notDownloaded', next),
  };
  return {
    date: now.toISOString(),
    to: replaced.subscriber.email,
    subject: mailText(ctx.lang, 'reminder.subject', vars),
    text: mailText(ctx.lang, 'reminder.body', vars) + '\n' + mailText(ctx.lang, 'signature', { portal: ctx.portal }),
    attachments: [],
  };
}
