// The key splitter: what one read from the terminal holds, key by key.
import { describe, expect, test } from 'vitest';
import { flushRest, isHelpKey, PASTE_END, PASTE_START, splitKeys } from '../../src/tui/input/keys.js';

describe('splitKeys', () => {
  test('text and Enter: one key per character', () => {
    expect(splitKeys('1234\r')).toEqual({ keys: ['1', '2', '3', '4', '\r'], rest: '' });
  });
  test('N Backspaces are N keys', () => {
    expect(splitKeys('abXX\u007f\u007f\r').keys).toEqual(['a', 'b', 'X', 'X', '\u007f', '\u007f', '\r']);
  });
  test('escape sequences stay whole: arrows, PgDn, SS3, F1, Alt+arrow', () => {
    expect(splitKeys('\r\u001b[C\u001b[C\u001b[C\r').keys).toEqual(['\r', '\u001b[C', '\u001b[C', '\u001b[C', '\r']);
    expect(splitKeys('\u001b[6~\u001bOA\u001bOP\u001b[11~\u001b\u001b[B').keys).toEqual(['\u001b[6~', '\u001bOA', '\u001bOP', '\u001b[11~', '\u001b\u001b[B']);
  });
  test('characters outside the BMP are one key', () => {
    expect(splitKeys('a😀b').keys).toEqual(['a', '😀', 'b']);
  });
  test('a bracketed paste stays one paste between its markers', () => {
    const pem = '-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n';
    expect(splitKeys(`x${PASTE_START}${pem}${PASTE_END}\r`).keys).toEqual(['x', PASTE_START, pem, PASTE_END, '\r']);
  });
  test('an incomplete sequence waits for the rest, then becomes what it is', () => {
    expect(splitKeys('ab\u001b')).toEqual({ keys: ['a', 'b'], rest: '\u001b' });
    expect(splitKeys('\u001b[1;')).toEqual({ keys: [], rest: '\u001b[1;' });
    expect(splitKeys(`${PASTE_START}half`)).toEqual({ keys: [], rest: `${PASTE_START}half` });
    expect(flushRest('\u001b')).toEqual(['\u001b']);
    expect(flushRest(`${PASTE_START}half`)).toEqual([PASTE_START, 'half', PASTE_END]);
    expect(flushRest('\u001b[1;')).toEqual([]);
  });
  test('Escape before other keys is Escape, then each key (no Alt bindings); real sequences stay whole', () => {
    expect(splitKeys('\u001b/sklep\r').keys).toEqual(['\u001b', '/', 's', 'k', 'l', 'e', 'p', '\r']);
    expect(splitKeys('\u001bq\u001b\u007f').keys).toEqual(['\u001b', 'q', '\u001b', '\u007f']);
    expect(splitKeys(`\u001b[A\u001bOA\u001bOP\u001b${PASTE_START}x${PASTE_END}`).keys).toEqual(['\u001b[A', '\u001bOA', '\u001bOP', '\u001b', PASTE_START, 'x', PASTE_END]);
  });
  test('three or more lines of text in one read are one paste: its line breaks are text, never Enter', () => {
    const pem = '-----BEGIN CERTIFICATE REQUEST-----\rMIIB\r-----END CERTIFICATE REQUEST-----\r';
    expect(splitKeys(pem).keys).toEqual([pem]);
    expect(splitKeys(`\u001b[B${pem}`).keys).toEqual(['\u001b[B', pem]);
    // Typing ahead is not a paste: one line of text with its Enters.
    expect(splitKeys('/poczta\r\r').keys).toEqual(['/', 'p', 'o', 'c', 'z', 't', 'a', '\r', '\r']);
    expect(splitKeys('\r97315').keys).toEqual(['\r', '9', '7', '3', '1', '5']);
    // A passphrase and its repetition typed ahead stay keys, each Enter an Enter.
    expect(splitKeys('pw\rpw\r').keys).toEqual(['p', 'w', '\r', 'p', 'w', '\r']);
  });
  test('a line feed on its own is Enter typed while the terminal was still in line mode', () => {
    expect(splitKeys('/x\n\n').keys).toEqual(['/', 'x', '\r', '\r']);
  });
  test('F1 in the forms terminals send it is the help key', () => {
    for (const k of ['\u001bOP', '\u001b[11~', '\u001b[[A', '\u001b[1;2P']) expect(isHelpKey(k)).toBe(true);
    for (const k of ['?', '\u001bOQ', '\u001b[A', 'P']) expect(isHelpKey(k)).toBe(false);
  });
});
