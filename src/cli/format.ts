// Human text for certificates: local time, the portal's own field names, and the pending
// revocation always in view. JSON output uses the domain objects as they are.
import { daysLeft } from '../domain/policy.js';
import type { Certificate, CertificateState, PendingRevocation } from '../domain/types.js';
import { formatDateTime, KEY_SOURCE_LABELS, keyOrigin, revocationBadge } from '../wizard/format.js';

export function stateLabel(state: CertificateState): string {
  switch (state) {
    case 'valid':
      return 'Valid';
    case 'pending-revocation':
      return 'Valid (pending revocation)';
    case 'revoked':
      return 'Revoked';
    case 'expired':
      return 'Expired';
  }
}

export function revocationLine(cert: Certificate, now: Date): string | null {
  if (!cert.revocationDate) return null;
  if (cert.state === 'pending-revocation') {
    return `Scheduled revocation: ${formatDateTime(cert.revocationDate)} (in ${daysLeft(cert.revocationDate, now)} d, reason ${cert.revocationReason ?? 'superseded'})`;
  }
  if (cert.state === 'revoked') return `Revoked: ${formatDateTime(cert.revocationDate)} (reason ${cert.revocationReason ?? 'unspecified'})`;
  return null;
}

export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length))).join('  '))
    .join('\n');
}

export function certificateList(certs: Certificate[], now: Date): string {
  if (!certs.length) return 'No certificates match.';
  const rows = [['ID', 'CN', 'STATE', 'PRODUCT', 'VALID TO']];
  for (const c of certs) {
    const badge = revocationBadge(c, now);
    rows.push([c.id, c.commonName, badge ? `valid, ${badge}` : c.state, c.product, formatDateTime(c.notAfter)]);
  }
  return table(rows);
}

/** The manual's "Certificate for order …" details view, as text. */
export function certificateDetails(c: Certificate, now: Date): string {
  const lines: string[] = [];
  const kv = (rows: [string, string][]) => table(rows.map(([k, v]) => [`  ${k}`, v]));
  lines.push(`Certificate for order ${c.orderId}`, `CN: ${c.commonName}`, `CERTIFICATE STATE: ${stateLabel(c.state)}`);
  const rev = revocationLine(c, now);
  if (rev) lines.push(rev);
  lines.push('', "Subscriber's data");
  lines.push(
    kv([
      ['Name', c.subscriber.name],
      ['Last name', c.subscriber.lastName],
      ['E-mail address', c.subscriber.email],
      ['Verification method', c.subscriber.verificationMethod],
    ]),
  );
  if (c.organization) {
    const o = c.organization;
    lines.push('', "Organization's data");
    lines.push(
      kv([
        ['Organization', o.name],
        ['Verification method', o.verificationMethod],
        ['Country', o.country],
        ['State or province', o.stateOrProvince],
        ['Locality', o.locality],
      ]),
    );
  }
  lines.push('', "Subscriber's authorization", kv([['Verification method', c.authorizationMethod]]));
  lines.push('', `Domain list [${c.domains.length}]`, ...c.domains.map((d) => `  ${d}`));
  lines.push('', 'Details');
  lines.push(
    kv([
      ['Product category', c.productCategory],
      ['Product', c.product],
      ['Key sources', c.keySources.map((s) => KEY_SOURCE_LABELS[s]).join(', ')],
      ...(keyOrigin(c) ? ([['Key', keyOrigin(c)!]] as [string, string][]) : []),
      ...(c.cloudKey ? ([['Key store', c.cloudKey.location]] as [string, string][]) : []),
      ['Activation date', formatDateTime(c.notBefore)],
      ['Valid to', formatDateTime(c.notAfter)],
      ['Certificate serial number', c.serialNumber],
      ['Id', c.id],
      ...(c.replaces ? ([['Replaces', c.replaces]] as [string, string][]) : []),
      ...(c.replacedBy ? ([['Replaced by', c.replacedBy]] as [string, string][]) : []),
    ]),
  );
  return lines.join('\n');
}

export function pendingList(items: PendingRevocation[]): string {
  if (!items.length) return 'No copies are awaiting revocation.';
  const rows = [['OLD SERIAL', 'NEW SERIAL', 'CN', 'REVOCATION DATE', 'DAYS LEFT']];
  for (const p of items) rows.push([p.serialNumber, p.replacedBy ?? '-', p.commonName, formatDateTime(p.revocationDate!), String(p.daysLeft)]);
  return table(rows);
}
