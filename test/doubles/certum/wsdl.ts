// Where the WSDL the double serves lives (the file reissue ships), and how to tell which operation
// a SOAP envelope carries.
import { fileURLToPath } from 'node:url';

export const WSDL_PATH = fileURLToPath(new URL('../../../src/portal/certum/PartnerApi.wsdl', import.meta.url));

/** The operation named by a SOAP envelope's Body (its first element's local name). */
export function operationOf(xml: string): string {
  const m = /<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(xml);
  return m?.[1] ?? '';
}
