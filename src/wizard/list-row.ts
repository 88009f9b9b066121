// One line of the certificate list as fixed-width text, cut and padded here (and cut again to a
// narrower terminal with truncate) so the terminal renderer never wraps or truncates rows itself.
import type { Certificate } from '../domain/types.js';
import { fit, formatDate, revocationBadge, stateLabel } from './format.js';

export const LIST_COLUMNS = { cn: 22, state: 7, product: 19, validTo: 10, badge: 15 } as const;

/** A list line: the cursor marker, then CN, state, product, valid-to and badge cells. */
export function listLine(marker: string, cn: string, state: string, product: string, validTo: string, badge: string): string {
  const c = LIST_COLUMNS;
  return `${marker} ${fit(cn, c.cn)} ${fit(state, c.state)} ${fit(product, c.product)} ${fit(validTo, c.validTo)} ${fit(badge, c.badge)}`.trimEnd();
}

/** The column headings, aligned with the rows. */
export const LIST_HEADING = listLine(' ', 'CN', 'State', 'Product', 'Valid to', 'Revocation');

/** A certificate's line; `now` decides the pending-revocation badge. */
export function certificateLine(cert: Certificate, selected: boolean, now: Date): string {
  return listLine(selected ? '>' : ' ', cert.commonName, stateLabel(cert.state), cert.product, formatDate(cert.notAfter), revocationBadge(cert, now) ?? '');
}

/** The line of a row whose certificate is not loaded yet. */
export function placeholderLine(selected: boolean): string {
  return listLine(selected ? '>' : ' ', '…', '', '', '', '');
}
