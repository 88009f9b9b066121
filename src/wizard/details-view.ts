// The details view's text: its title, its facts (state, dates, the pending revocation — always on
// screen) and its other fields (a window of them when the rows are short; PgUp/PgDn move it).
// Pure apart from the language, so the view and its size (view-size.ts) use the same lines.
import { algorithmLabel } from '../domain/algorithms.js';
import type { Certificate, PortalEmail } from '../domain/types.js';
import { t } from '../i18n/i18n.js';
import { emailsLine, formatDateTime, keyLine, reasonLabel, stateLabel, willBeRevokedText, wrapWords } from './format.js';

export const detailsTitle = (cert: Certificate) => t('details.title', { order: cert.orderId });

/** "Revoked (on DATE, reason)" or the state's word. */
function stateText(cert: Certificate): string {
  if (cert.state !== 'revoked' || !cert.revocationDate) return stateLabel(cert.state);
  const reason = cert.revocationReason ? `, ${reasonLabel(cert.revocationReason)}` : '';
  return `${stateLabel(cert.state)} (${t('details.revokedOn', { date: formatDateTime(cert.revocationDate) })}${reason})`;
}

export interface DetailsLine {
  label: string;
  value: string;
}

/** "Activation date: … Valid to: …" on one line, or one line each when the window is narrower (a date is never split). */
function dateLines(cert: Certificate, columns: number): DetailsLine[] {
  const activation = { label: t('details.activationDate'), value: formatDateTime(cert.notBefore) };
  const validTo = { label: t('details.validTo'), value: formatDateTime(cert.notAfter) };
  const one = { label: activation.label, value: `${activation.value}   ${validTo.label} ${validTo.value}` };
  return [...`${one.label} ${one.value}`].length < columns ? [one] : [activation, validTo];
}

/** The facts, above the other fields: the state, the dates and the pending revocation. */
export function detailsFacts(cert: Certificate, now: Date, columns: number): { lines: DetailsLine[]; pending: string | null } {
  const pending = willBeRevokedText(cert, now);
  return {
    lines: [
      { label: 'CN:', value: `${cert.commonName}   ${t('details.state')} ${stateText(cert)}` },
      ...dateLines(cert, columns),
    ],
    pending: pending ? t('details.thisCopy', { when: pending }) : null,
  };
}

/**
 * "Name Surname <e-mail>", leaving out what the portal does not know: an ACME account has only a
 * contact address (or none), so no blank name before it and no empty "<>".
 */
function subscriberText(sub: Certificate['subscriber']): string {
  const name = [sub.name, sub.lastName].map((x) => x.trim()).filter(Boolean).join(' ');
  const email = sub.email.trim() ? `<${sub.email.trim()}>` : '';
  return [name, email].filter(Boolean).join(' ') || t('details.none');
}

/** Every other field of the portal's details view, in its order. */
export function detailsFields(cert: Certificate, emails: readonly PortalEmail[] | null | undefined): DetailsLine[] {
  const org = cert.organization;
  const sub = cert.subscriber;
  const key = keyLine(cert);
  const out: DetailsLine[] = [
    { label: t('details.subscriber'), value: subscriberText(sub) },
    { label: `  ${t('details.verificationMethod')}`, value: sub.verificationMethod },
    { label: t('details.organization'), value: org ? org.name : t('details.none') },
  ];
  if (org) {
    out.push({ label: `  ${t('details.verificationMethod')}`, value: org.verificationMethod });
    out.push({ label: `  ${t('details.country')}`, value: t('details.place', { country: org.country, state: org.stateOrProvince, locality: org.locality }) });
  }
  out.push({ label: t('details.authorization'), value: cert.authorizationMethod });
  out.push({ label: t('details.domains', { count: cert.domains.length }), value: cert.domains.join(', ') || t('details.none') });
  if (cert.replaces) out.push({ label: t('details.replaces'), value: cert.replaces });
  if (cert.replacedBy) out.push({ label: t('details.replacedBy'), value: cert.replacedBy });
  out.push({ label: t('details.productCategory'), value: cert.productCategory });
  out.push({ label: t('details.product'), value: cert.product });
  out.push({ label: t('details.serialNumber'), value: cert.serialNumber });
  out.push({ label: t('details.keyGeneration'), value: `${cert.keySources.map((s) => t(`details.keySource.${s}`)).join(', ')} · ${cert.algorithms.map(algorithmLabel).join(', ')}` });
  if (key) out.push({ label: t('details.key'), value: key });
  if (emails?.length) out.push({ label: t('details.emails'), value: emailsLine(emails) });
  return out;
}

/**
 * "Label value" wrapped to `width` with a hanging indent of two beyond the label's own indent, as
 * text lines; `label` is the label's part of the first line (drawn bold).
 */
export function labelledLines(line: DetailsLine, width: number): { label: string; rest: string }[] {
  const label = line.label.trimStart();
  const indent = line.label.length - label.length;
  const whole = `${label} ${line.value}`;
  // Kept as it is when it fits (its spacing too), else wrapped at words.
  const lines = [...whole].length <= width - indent ? [whole] : wrapWords(whole, width - indent - 2, width - indent);
  return lines.map((text, i) => {
    if (i > 0) return { label: '', rest: ' '.repeat(indent + 2) + text };
    return text.startsWith(label) ? { label: ' '.repeat(indent) + label, rest: text.slice(label.length) } : { label: '', rest: ' '.repeat(indent) + text };
  });
}
