// The certificates.search column: what the list filter looks in. One rule for every store (SQLite,
// PostgreSQL) and for `reissue admin copy`, so a copy found by a filter on one is found on the other.
import type { NewCertificate } from './records.js';

/** The fields of a copy the filter matches (the product by name). */
export type SearchedFields = Pick<NewCertificate, 'id' | 'commonName' | 'domains' | 'orderId' | 'serial'>;

/**
 * The copy's id, common name, domains, order id, serial and product name, space-separated and
 * lower-cased here (not with SQL lower(), which only knows ASCII) the way the list filter lower-cases
 * what the user types. The id comes first: lists order ties by this text, and the id is unique.
 */
export function certificateSearchText(c: SearchedFields, productName: string): string {
  return [c.id, c.commonName, ...c.domains, c.orderId, c.serial, productName].join(' ').toLowerCase();
}
