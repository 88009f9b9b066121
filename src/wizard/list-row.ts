// One line of the certificate list as fixed-width text, cut and padded here (and cut again to a
// narrower terminal with truncate) so the terminal renderer never wraps or truncates rows itself.
import type { Certificate } from '../domain/types.js';
import { CATALOGS, language } from '../i18n/i18n.js';
import { formatDate, formatSerial, revocationBadge, stateLabel } from './format.js';
import { labelWidths, layoutLine, listHeading, listLayout, type ListLayout } from './list-layout.js';

let cached: { key: string; layout: ListLayout; heading: string } | null = null;

function layoutFor(columns: number): { layout: ListLayout; heading: string } {
  const lang = language();
  const key = `${lang}:${columns}`;
  if (cached?.key !== key) {
    const catalog = CATALOGS[lang];
    const layout = listLayout(columns, labelWidths(catalog));
    cached = { key, layout, heading: listHeading(catalog, layout) };
  }
  return cached;
}

/** The list's columns at this width, in the current language. */
export function listColumns(columns: number): ListLayout {
  return layoutFor(columns).layout;
}

/** The column headings, aligned with the rows. */
export function listHeadingLine(columns: number): string {
  return layoutFor(columns).heading;
}

/** A certificate's line; `now` decides the pending-revocation badge. */
export function certificateLine(cert: Certificate, selected: boolean, now: Date, columns: number): string {
  return layoutLine(listColumns(columns), selected ? '>' : ' ', {
    cn: cert.commonName,
    state: stateLabel(cert.state),
    product: cert.product,
    validTo: formatDate(cert.notAfter),
    badge: revocationBadge(cert, now) ?? '',
    serial: formatSerial(cert.serialNumber),
  });
}

/** The line of a row whose certificate is not loaded yet. */
export function placeholderLine(selected: boolean, columns: number): string {
  return layoutLine(listColumns(columns), selected ? '>' : ' ', { cn: '…', state: '', product: '', validTo: '', badge: '', serial: '' });
}
