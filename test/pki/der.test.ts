import { describe, expect, it } from 'vitest';
import { DerError, children, decodeOid, integerBits, readTlv } from '../../src/pki/der.js';
import { displaySafe, formatName } from '../../src/pki/name.js';
import { scanPem } from '../../src/pki/pem.js';

const b = (...bytes: number[]) => new Uint8Array(bytes);

describe('DER reader', () => {
  it('reads short and long lengths', () => {
    expect(readTlv(b(0x04, 0x02, 1, 2), 0)).toEqual({ tag: 4, start: 0, valueStart: 2, end: 4 });
    const long = new Uint8Array(3 + 200);
    long.set([0x04, 0x81, 200]);
    expect(readTlv(long, 0).end).toBe(203);
  });

  it('rejects what DER forbids, saying why', () => {
    expect(() => readTlv(b(0x30, 0x80, 0, 0), 0)).toThrow(/indefinite/);
    expect(() => readTlv(b(0x04, 0x81, 0x05, 1, 2, 3, 4, 5), 0)).toThrow(/minimal/);
    expect(() => readTlv(b(0x04, 0x82, 0x00, 0x05, 1, 2, 3, 4, 5), 0)).toThrow(/minimal/);
    expect(() => readTlv(b(0x1f, 0x01, 0x00), 0)).toThrow(/multi-byte tags/);
    expect(() => readTlv(b(0x04, 0x85, 1, 1, 1, 1, 1), 0)).toThrow(/too large/);
  });

  it('marks a length that runs past the end as truncated', () => {
    try {
      readTlv(b(0x30, 0x10, 1, 2), 0);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DerError);
      expect((e as DerError).truncated).toBe(true);
      expect((e as DerError).message).toBe('an element declares 16 bytes but only 2 are present');
    }
  });

  it('children stay inside their parent', () => {
    const seq = b(0x30, 0x04, 0x02, 0x01, 0x05, 0x05, 0x00);
    expect(() => children(seq, readTlv(seq, 0, 6))).toThrow(DerError);
    const ok = b(0x30, 0x05, 0x02, 0x01, 0x05, 0x05, 0x00);
    expect(children(ok, readTlv(ok, 0)).map((t) => t.tag)).toEqual([0x02, 0x05]);
  });

  it('decodes object identifiers and integer sizes', () => {
    expect(decodeOid(b(0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07))).toBe('1.2.840.10045.3.1.7');
    expect(decodeOid(b(0x55, 0x1d, 0x11))).toBe('2.5.29.17');
    expect(() => decodeOid(b(0x2a, 0x86))).toThrow(DerError);
    expect(() => decodeOid(b(0x2a, 0x80, 0x01))).toThrow(DerError);
    expect(integerBits(b(0x00, 0x80, 0x00))).toBe(16);
    expect(integerBits(b(0x01, 0xff))).toBe(9);
  });
});

describe('names and display safety', () => {
  it('formats RFC 4514 style, escaping specials', () => {
    expect(formatName([{ type: 'CN', value: 'a.pl' }, { type: 'O', value: 'Foo, Inc.' }])).toBe('CN=a.pl, O=Foo\\, Inc.');
  });

  it('escapes control and bidi characters and caps the length', () => {
    expect(displaySafe('a\x1b[2Jb\u202ec\n')).toBe('a\\u001b[2Jb\\u202ec\\u000a');
    expect(displaySafe('x'.repeat(300))).toHaveLength(257);
  });
});

describe('scanPem', () => {
  it('reports blocks, open BEGIN lines and orphan END lines', () => {
    const block = '-----BEGIN X-----\nAAAA\n-----END X-----';
    expect(scanPem(`hi\n${block}\n`).blocks).toEqual([{ label: 'X', body: b(0, 0, 0) }]);
    expect(scanPem('-----BEGIN CERTIFICATE REQUEST-----\nAAAA').unterminated).toEqual(['CERTIFICATE REQUEST']);
    expect(scanPem('AAAA\n-----END CERTIFICATE REQUEST-----').orphanEnd).toBe(true);
    expect(scanPem('-----BEGIN X-----\n%%%\n-----END X-----').blocks[0]!.body).toBeNull();
  });
});
