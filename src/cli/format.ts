// Human text for certificates: local time, the portal's own field names, and the pending
// revocation always in view. JSON output uses the domain objects as they are.
import type { Certificate, CertificateState, PendingRevocation } from '../domain/types.js';
import { t } from '../i18n/i18n.js';
import { formatDateTime, keyOrigin, reasonLabel, revocationBadge, willBeRevokedText } from '../wizard/format.js';

export function stateLabel(state: CertificateState): string {
  return t(`cli.format.state.${state}`);
}

export function revocationLine(cert: Certificate, now: Date): string | null {
  if (!cert.revocationDate) return null;
  const willBeRevoked = willBeRevokedText(cert, now);
  if (willBeRevoked) return t('cli.format.scheduledRevocation', { when: willBeRevoked, reason: reasonLabel(cert.revocationReason ?? 'superseded') });
  if (cert.state === 'revoked') return t('cli.format.revokedOn', { date: formatDateTime(cert.revocationDate), reason: reasonLabel(cert.revocationReason ?? 'unspecified') });
  return null;
}

export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell + ' '.repeat(widths[i]! - [...cell].length))).join('  '))
    .join('\n');
}

const headings = (keys: string[]) => keys.map((k) => t(`cli.format.column.${k}`));

export function certificateList(certs: Certificate[], now: Date): string {
  if (!certs.length) return t('cli.format.noMatch');
  const rows = [headings(['id', 'cn', 'state', 'product', 'validTo'])];
  for (const c of certs) {
    const badge = revocationBadge(c, now);
    rows.push([c.id, c.commonName, badge ? t('cli.format.validWithBadge', { badge }) : t(`cli.format.stateWord.${c.state}`), c.product, formatDateTime(c.notAfter)]);
  }
  return table(rows);
}

/** The manual's "Certificate for order …" details view, as text. */
export function certificateDetails(c: Certificate, now: Date): string {
  const lines: string[] = [];
  const f = (key: string) => t(`cli.format.field.${key}`);
  const kv = (rows: [string, string][]) => table(rows.map(([k, v]) => [`  ${f(k)}`, v]));
  lines.push(t('cli.format.certificateForOrder', { order: c.orderId }), `CN: ${c.commonName}`, t('cli.format.certificateState', { state: stateLabel(c.state) }));
  const rev = revocationLine(c, now);
  if (rev) lines.push(rev);
  lines.push('', t('cli.format.section.subscriber'));
  lines.push(
    kv([
      ['name', c.subscriber.name],
      ['lastName', c.subscriber.lastName],
      ['email', c.subscriber.email],
      ['verificationMethod', c.subscriber.verificationMethod],
    ]),
  );
  if (c.organization) {
    const o = c.organization;
    lines.push('', t('cli.format.section.organization'));
    lines.push(
      kv([
        ['organization', o.name],
        ['verificationMethod', o.verificationMethod],
        ['country', o.country],
        ['stateOrProvince', o.stateOrProvince],
        ['locality', o.locality],
      ]),
    );
  }
  lines.push('', t('cli.format.section.authorization'), kv([['verificationMethod', c.authorizationMethod]]));
  lines.push('', t('cli.format.section.domains', { count: c.domains.length }), ...c.domains.map((d) => `  ${d}`));
  lines.push('', t('cli.format.section.details'));
  lines.push(
    kv([
      ['productCategory', c.productCategory],
      ['product', c.product],
      ['keySources', c.keySources.map((s) => t(`cli.format.keySource.${s}`)).join(', ')],
      ...(keyOrigin(c) ? ([['key', keyOrigin(c)!]] as [string, string][]) : []),
      ...(c.cloudKey ? ([['keyStore', c.cloudKey.location]] as [string, string][]) : []),
      ['activationDate', formatDateTime(c.notBefore)],
      ['validTo', formatDateTime(c.notAfter)],
      ['serialNumber', c.serialNumber],
      ['id', c.id],
      ...(c.replaces ? ([['replaces', c.replaces]] as [string, string][]) : []),
      ...(c.replacedBy ? ([['replacedBy', c.replacedBy]] as [string, string][]) : []),
    ]),
  );
  if (c.acme) lines.push('', ...acmeLines(c.acme));
  return lines.join('\n');
}

/** What an ACME portal's ledger knows of a copy: its order, key, origin, the CA's answers and ARI window. */
function acmeLines(a: NonNullable<Certificate['acme']>): string[] {
  const f = (key: string) => t(`cli.format.acme.${key}`);
  const rows: [string, string][] = [
    [f('origin'), a.origin === 'imported' ? t('cli.format.acme.originImported') : t('cli.format.acme.originIssued')],
    [f('order'), a.orderUrl ?? '-'],
    [f('keyLocation'), a.keyLocation ?? '-'],
    [f('obtained'), formatDateTime(a.obtainedAt)],
  ];
  if (a.revocationAnswer) rows.push([f('revocationAnswer'), a.revocationAnswer]);
  if (a.revocationError) rows.push([f('revocationError'), a.revocationError]);
  rows.push([f('renewalWindow'), a.renewalWindow ? `${formatDateTime(a.renewalWindow.start)} – ${formatDateTime(a.renewalWindow.end)}` : f('noRenewalInfo')]);
  return [t('cli.format.acme.section'), table(rows.map(([k, v]) => [`  ${k}`, v]))];
}

export function pendingList(items: PendingRevocation[]): string {
  if (!items.length) return t('cli.format.noPending');
  const rows = [headings(['oldSerial', 'newSerial', 'cn', 'revocationDate', 'daysLeft'])];
  for (const p of items) rows.push([p.serialNumber, p.replacedBy ?? '-', p.commonName, formatDateTime(p.revocationDate!), String(p.daysLeft)]);
  // A revocation the CA refused (an ACME portal's schedule): what went wrong, under the table.
  const failed = items.filter((p) => p.acme?.revocationError).map((p) => t('cli.format.revocationFailed', { serial: p.serialNumber, error: p.acme!.revocationError }));
  return failed.length ? `${table(rows)}\n\n${failed.join('\n')}` : table(rows);
}
