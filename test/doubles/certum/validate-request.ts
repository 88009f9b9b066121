// The schema check of what goes over the wire, by a tool that shares nothing with the soap
// library: libxml2's `xmllint --schema` (Debian's libxml2-utils). The <xs:schema> inside the WSDL
// is written out as its own .xsd; a small SOAP 1.1 envelope schema imports it and lets the Body
// hold exactly one element of the Partner API namespace, validated strictly (an element the
// schema does not declare, a missing required child, a wrong type or order all fail).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WSDL_PATH, operationOf } from './wsdl.js';

export const PARTNER_NS = 'http://webservice.api.muc.unizeto.pl/';

const ENVELOPE_XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    targetNamespace="http://schemas.xmlsoap.org/soap/envelope/" elementFormDefault="qualified">
  <xs:import namespace="${PARTNER_NS}" schemaLocation="partner.xsd"/>
  <xs:element name="Envelope">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="Header" minOccurs="0">
          <xs:complexType>
            <xs:sequence>
              <xs:any namespace="##other" processContents="lax" minOccurs="0" maxOccurs="unbounded"/>
            </xs:sequence>
            <xs:anyAttribute namespace="##other" processContents="lax"/>
          </xs:complexType>
        </xs:element>
        <xs:element name="Body">
          <xs:complexType>
            <xs:sequence>
              <xs:any namespace="${PARTNER_NS}" processContents="strict"/>
            </xs:sequence>
            <xs:anyAttribute namespace="##other" processContents="lax"/>
          </xs:complexType>
        </xs:element>
      </xs:sequence>
      <xs:anyAttribute namespace="##other" processContents="lax"/>
    </xs:complexType>
  </xs:element>
</xs:schema>
`;

export interface SchemaVerdict {
  valid: boolean;
  /** The Body's element (e.g. getOrderByOrderID). */
  operation: string;
  /** xmllint's own words when it refused. */
  errors: string;
}

const schemaDirs = new Map<string, string>();

/** The WSDL's schema and the envelope schema, written once per WSDL file. */
function schemaDir(wsdlPath: string): string {
  let dir = schemaDirs.get(wsdlPath);
  if (dir) return dir;
  dir = mkdtempSync(join(tmpdir(), 'certum-xsd-'));
  // xmllint's XPath prints the <xs:schema> element; it declares its own namespaces, so it stands alone.
  const xsd = execFileSync('xmllint', ['--xpath', '/*[local-name()="definitions"]/*[local-name()="types"]/*[local-name()="schema"]', wsdlPath], { encoding: 'utf8' });
  writeFileSync(join(dir, 'partner.xsd'), `<?xml version="1.0" encoding="UTF-8"?>\n${xsd}\n`);
  writeFileSync(join(dir, 'envelope.xsd'), ENVELOPE_XSD);
  schemaDirs.set(wsdlPath, dir);
  process.once('exit', () => rmSync(dir!, { recursive: true, force: true }));
  return dir;
}

/**
 * Validates a SOAP envelope (a captured request, or an answer) against the WSDL's schema with
 * xmllint. `expected` names the Body element it must carry (e.g. 'reissueCertificate').
 */
export function validateSoapMessage(xml: string, expected?: string, wsdlPath = WSDL_PATH): SchemaVerdict {
  const dir = schemaDir(wsdlPath);
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', join(dir, 'envelope.xsd'), '-'], { input: xml, encoding: 'utf8' });
  if (r.error) throw new Error(`xmllint could not run (install libxml2-utils): ${r.error.message}`);
  const operation = operationOf(xml);
  let valid = r.status === 0;
  let errors = valid ? '' : r.stderr.trim();
  if (valid && expected !== undefined && operation !== expected) {
    valid = false;
    errors = `the Body carries ${operation || 'nothing'}, expected ${expected}`;
  }
  return { valid, operation, errors };
}

/** Many messages in one xmllint run (the schema is read once): one verdict per message, in order. */
export function validateSoapMessages(xmls: string[], wsdlPath = WSDL_PATH): SchemaVerdict[] {
  if (!xmls.length) return [];
  const dir = schemaDir(wsdlPath);
  const work = mkdtempSync(join(tmpdir(), 'certum-msgs-'));
  try {
    const files = xmls.map((xml, i) => {
      const file = join(work, `m${i}.xml`);
      writeFileSync(file, xml);
      return file;
    });
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', join(dir, 'envelope.xsd'), ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.error) throw new Error(`xmllint could not run (install libxml2-utils): ${r.error.message}`);
    const lines = r.stderr.split('\n');
    return files.map((file, i) => {
      const mine = lines.filter((l) => l.startsWith(`${file}:`) || l.startsWith(`${file} `));
      const valid = mine.includes(`${file} validates`);
      return { valid, operation: operationOf(xmls[i]!), errors: valid ? '' : mine.join('\n') };
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The same for a request: it must be one of the operations' input elements, not an answer. */
export function validateRequest(xml: string, expected?: string, wsdlPath = WSDL_PATH): SchemaVerdict {
  const verdict = validateSoapMessage(xml, expected, wsdlPath);
  if (verdict.valid && verdict.operation.endsWith('Response')) return { ...verdict, valid: false, errors: `${verdict.operation} is an answer, not a request` };
  return verdict;
}
