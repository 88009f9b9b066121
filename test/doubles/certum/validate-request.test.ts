// The schema check can fail: xmllint accepts a request the soap library built from the WSDL and
// refuses the same request with one thing wrong (a required element missing, a wrong type, the
// wrong order, an unknown element, a value outside an enumeration, another namespace, an answer
// passed off as a request).
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startCertumDouble, type CertumDouble } from './double.js';
import { clientFor } from './soap-client.js';
import { validateRequest, validateSoapMessage } from './validate-request.js';

let certum: CertumDouble;
let good: { getOrderByOrderID: string; getOrdersByDateRange: string; revokeCertificate: string };

beforeAll(async () => {
  certum = await startCertumDouble();
  const call = await clientFor(certum);
  await call('getOrderByOrderID', { orderID: certum.orders.manual.orderID });
  await call('getOrdersByDateRange', { fromDate: '2026-01-01T00:00:00Z', toDate: '2026-02-01T00:00:00Z', pageNumber: 1 });
  await call('revokeCertificate', { revokeCertificateParameters: { serialNumber: 'ffff', revocationReason: 'UNSPECIFIED' } });
  const xml = (op: string) => certum.requests.find((r) => r.operation === op)!.xml;
  good = { getOrderByOrderID: xml('getOrderByOrderID'), getOrdersByDateRange: xml('getOrdersByDateRange'), revokeCertificate: xml('revokeCertificate') };
});

afterAll(async () => {
  await certum?.stop();
});

describe('validateRequest (xmllint --schema against the WSDL schema)', () => {
  test('accepts the requests the soap library built from the WSDL', () => {
    for (const [op, xml] of Object.entries(good)) {
      const verdict = validateRequest(xml, op);
      expect(verdict, `${op}: ${verdict.errors}`).toMatchObject({ valid: true, operation: op, errors: '' });
    }
  });

  test('refuses a request without a required element (orderID)', () => {
    const xml = good.getOrderByOrderID.replace(/<orderID>[^<]*<\/orderID>/, '');
    expect(xml).not.toBe(good.getOrderByOrderID);
    const verdict = validateRequest(xml, 'getOrderByOrderID');
    expect(verdict.valid).toBe(false);
    expect(verdict.errors).toMatch(/Missing child element\(s\)\. Expected is \( orderID \)/);
  });

  test('refuses a request without its credentials (requestHeader)', () => {
    const xml = good.getOrderByOrderID.replace(/<requestHeader>.*<\/requestHeader>/, '');
    const verdict = validateRequest(xml, 'getOrderByOrderID');
    expect(verdict.valid).toBe(false);
    expect(verdict.errors).toMatch(/requestHeader/);
  });

  test('refuses a value of the wrong type (pageNumber is an xs:int, fromDate an xs:dateTime)', () => {
    const badPage = validateRequest(good.getOrdersByDateRange.replace(/<pageNumber>1<\/pageNumber>/, '<pageNumber>first</pageNumber>'), 'getOrdersByDateRange');
    expect(badPage.valid).toBe(false);
    expect(badPage.errors).toMatch(/pageNumber.*'first' is not a valid value of the atomic type 'xs:int'/);
    const badDate = validateRequest(good.getOrdersByDateRange.replace(/<fromDate>[^<]*<\/fromDate>/, '<fromDate>01.01.2026</fromDate>'), 'getOrdersByDateRange');
    expect(badDate.valid).toBe(false);
    expect(badDate.errors).toMatch(/fromDate.*xs:dateTime/);
  });

  test('refuses elements in the wrong order (userName before password)', () => {
    const xml = good.getOrderByOrderID.replace(/(<password>[^<]*<\/password>)(<userName>[^<]*<\/userName>)/, '$2$1');
    expect(xml).not.toBe(good.getOrderByOrderID);
    const verdict = validateRequest(xml, 'getOrderByOrderID');
    expect(verdict.valid).toBe(false);
    expect(verdict.errors).toMatch(/userName.*not expected.*password/);
  });

  test('refuses an element the schema does not have, and a value outside an enumeration', () => {
    const extra = validateRequest(good.getOrderByOrderID.replace('</orderID>', '</orderID><customer>demo</customer>'), 'getOrderByOrderID');
    expect(extra.valid).toBe(false);
    expect(extra.errors).toMatch(/customer.*not expected/);
    const reason = validateRequest(good.revokeCertificate.replace('>UNSPECIFIED<', '>LOST<'), 'revokeCertificate');
    expect(reason.valid).toBe(false);
    expect(reason.errors).toMatch(/revocationReason.*enumeration.*'LOST' is not an element of the set/);
  });

  test('refuses a payload in another namespace, an unknown operation, and the wrong operation', () => {
    const otherNs = validateRequest(good.getOrderByOrderID.replace('xmlns:tns="http://webservice.api.muc.unizeto.pl/"', 'xmlns:tns="http://example.com/partner/"'));
    expect(otherNs.valid).toBe(false);
    const unknown = validateRequest(good.getOrderByOrderID.replace(/tns:getOrderByOrderID>/g, 'tns:getOrderByNumber>').replace('<tns:getOrderByOrderID', '<tns:getOrderByNumber'));
    expect(unknown.valid).toBe(false);
    expect(unknown.errors).toMatch(/No matching global element declaration|getOrderByNumber/);
    const wrongOp = validateRequest(good.getOrderByOrderID, 'getOrderState');
    expect(wrongOp).toMatchObject({ valid: false, operation: 'getOrderByOrderID' });
    expect(wrongOp.errors).toMatch(/expected getOrderState/);
  });

  test('refuses an answer passed as a request, and text that is not XML', () => {
    const answer = certum.replies.find((r) => r.includes('getOrderByOrderIDResponse'))!;
    expect(validateSoapMessage(answer, 'getOrderByOrderIDResponse').valid).toBe(true);
    expect(validateRequest(answer).valid).toBe(false);
    expect(validateRequest('<not-soap').valid).toBe(false);
  });
});
