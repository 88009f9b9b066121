// Strict DER in the CSR reader: requests that are correctly signed (so only the encoding is at
// fault) but break a DER rule are refused, each with its own message naming the part.
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkCsr, type CsrCheckContext } from '../../src/pki/csr-check.js';
import { assembleCsr, oid, tlv } from './helpers.js';

const ORDER: CsrCheckContext = { domains: ['assecodata.pl', 'www.assecodata.pl'], algorithms: ['rsa-2048', 'ec-p256'] };
const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const spki = key.publicKey.export({ type: 'spki', format: 'der' });

const cat = (...parts: Uint8Array[]) => Buffer.concat(parts);
const seq = (...parts: Uint8Array[]) => tlv(0x30, cat(...parts));
const set = (...parts: Uint8Array[]) => tlv(0x31, cat(...parts));
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s));
const ia5 = (s: string) => tlv(0x16, Buffer.from(s));
const atv = (type: string, v: Uint8Array) => seq(oid(type), v);
const CN = '2.5.4.3';
const O = '2.5.4.10';
const subjectOf = (...rdns: Uint8Array[]) => seq(...rdns);
const goodSubject = subjectOf(set(atv(CN, utf8('assecodata.pl'))));
const san = (...names: string[]) => seq(oid('2.5.29.17'), tlv(0x04, seq(...names.map((n) => tlv(0x82, Buffer.from(n))))));
const extensionRequest = (...exts: Uint8Array[]) => seq(oid('1.2.840.113549.1.9.14'), set(seq(...exts)));
const challenge = (pw: string) => seq(oid('1.2.840.113549.1.9.7'), set(utf8(pw)));
const attributes = (...attrs: Uint8Array[]) => tlv(0xa0, cat(...attrs));

/** A request signed by its own key (ecdsa-with-SHA256), so only its encoding can be wrong. */
function csr(subject: Uint8Array, attrs: Uint8Array = attributes(extensionRequest(san('assecodata.pl')))): Buffer {
  const info = seq(tlv(0x02, Buffer.from([0])), subject, spki, attrs);
  return assembleCsr(info, '1.2.840.10045.4.3.2', sign('sha256', info, key.privateKey), false);
}

async function refusedFor(der: Buffer, part: string, words: RegExp): Promise<string> {
  const r = await checkCsr(der, ORDER);
  expect(r.ok).toBe(false);
  expect(r.problems.map((p) => p.code)).toEqual(['malformed']);
  const message = r.problems[0]!.message;
  expect(message).toContain(`damaged in ${part}:`);
  expect(message).toMatch(words);
  return message;
}

describe('strict DER in the CSR reader', () => {
  it('the well-formed baseline passes: same builder, only the rule under test is broken below', async () => {
    const r = await checkCsr(csr(goodSubject), ORDER);
    expect(r.problems).toEqual([]);
    const multi = subjectOf(set(...[atv(CN, utf8('assecodata.pl')), atv(O, utf8('Asseco'))].sort(Buffer.compare)));
    expect((await checkCsr(csr(multi), ORDER)).ok).toBe(true);
    const two = attributes(...[extensionRequest(san('assecodata.pl')), challenge('secret')].sort(Buffer.compare));
    expect((await checkCsr(csr(goodSubject, two), ORDER)).ok).toBe(true);
  });

  it('refuses each violation with its own message naming the part', async () => {
    const messages = new Set<string>();
    // An Attribute with an extra element after its SET of values.
    const extra = seq(oid('1.2.840.113549.1.9.14'), set(seq(san('assecodata.pl'))), utf8('x'));
    messages.add(await refusedFor(csr(goodSubject, attributes(extra)), 'the request attributes', /extensionRequest .* has an extra element after its set of values/));
    // SET OF not sorted: the attributes, and a multi-valued RDN.
    const unsorted = [extensionRequest(san('assecodata.pl')), challenge('secret')].sort(Buffer.compare).reverse();
    messages.add(await refusedFor(csr(goodSubject, attributes(...unsorted)), 'the request attributes', /the request attributes are not in DER order/));
    const rdn = subjectOf(set(...[atv(CN, utf8('assecodata.pl')), atv(O, utf8('Asseco'))].sort(Buffer.compare).reverse()));
    messages.add(await refusedFor(csr(rdn), 'the subject', /multi-valued RDN are not in DER order/));
    // An empty RDN.
    messages.add(await refusedFor(csr(subjectOf(set(atv(CN, utf8('assecodata.pl'))), set())), 'the subject', /empty RDN/));
    // The same attribute twice; the same extension twice.
    const twice = [challenge('a'), challenge('b')].sort(Buffer.compare);
    messages.add(await refusedFor(csr(goodSubject, attributes(...twice)), 'the request attributes', /challengePassword .* appears more than once/));
    messages.add(await refusedFor(csr(goodSubject, attributes(extensionRequest(san('assecodata.pl'), san('www.assecodata.pl')))), 'the requested extensions', /subjectAltName .* appears more than once/));
    // A DEFAULT value written out: critical FALSE; and TRUE written as 01 instead of FF.
    const sanWith = (flag: number) => seq(oid('2.5.29.17'), tlv(0x01, Buffer.from([flag])), tlv(0x04, seq(tlv(0x82, Buffer.from('assecodata.pl')))));
    messages.add(await refusedFor(csr(goodSubject, attributes(extensionRequest(sanWith(0x00)))), 'the requested extensions', /critical FALSE explicitly; DER leaves a DEFAULT value out/));
    messages.add(await refusedFor(csr(goodSubject, attributes(extensionRequest(sanWith(0x01)))), 'the requested extensions', /critical flag that is not DER/));
    // An attribute with no values.
    messages.add(await refusedFor(csr(goodSubject, attributes(seq(oid('1.2.840.113549.1.9.7'), set()))), 'the request attributes', /challengePassword .* has no values/));
    expect(messages.size).toBe(9);
  });

  it('trailing data after the CSR is refused, in DER and inside a PEM block', async () => {
    const der = Buffer.concat([csr(goodSubject), Buffer.from([0x05, 0x00])]);
    const r = await checkCsr(der, ORDER);
    expect(r.ok).toBe(false);
    expect(r.problems[0]!.message).toMatch(/extra bytes after the request/);
    const pem = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    const p = await checkCsr(Buffer.from(pem), ORDER);
    expect(p.ok).toBe(false);
    expect(p.problems[0]!.message).toMatch(/extra bytes after the request/);
  });

  it('a critical extension written as DER TRUE (FF) is accepted', async () => {
    const critical = seq(oid('2.5.29.17'), tlv(0x01, Buffer.from([0xff])), tlv(0x04, seq(tlv(0x82, Buffer.from('assecodata.pl')))));
    expect((await checkCsr(csr(goodSubject, attributes(extensionRequest(critical))), ORDER)).ok).toBe(true);
    // ia5 keeps the unused helper honest: an IA5String CN is a directory string too.
    expect((await checkCsr(csr(subjectOf(set(atv(CN, ia5('assecodata.pl'))))), ORDER)).ok).toBe(true);
  });
});
