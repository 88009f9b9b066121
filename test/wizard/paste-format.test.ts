import { describe, expect, test } from 'vitest';
import { emptyPaste, feedPaste, pasteInputFor, PASTE_LIMIT, type PasteInput } from '../../src/wizard/paste.js';
import { fit, formatCount, formatElapsed, pendingRevocationText, revocationBadge, stateLabel, truncate } from '../../src/wizard/format.js';

const PEM = '-----BEGIN CERTIFICATE REQUEST-----\nMIIBfoo\nbar==\n-----END CERTIFICATE REQUEST-----';
const feed = (...inputs: PasteInput[]) => inputs.reduce(feedPaste, emptyPaste);

describe('collecting a pasted CSR', () => {
  test('bracketed paste: complete at the end marker, newlines kept', () => {
    const s = feed({ kind: 'paste-start' }, { kind: 'text', text: PEM.replace(/\n/g, '\r') }, { kind: 'paste-end' });
    expect(s.complete).toBe(true);
    expect(s.text).toBe(PEM);
  });
  test('bracketed paste in several chunks is not cut at the END line', () => {
    const half = PEM.length / 2;
    const s = feed({ kind: 'paste-start' }, { kind: 'text', text: PEM.slice(0, half) }, { kind: 'text', text: PEM.slice(half) });
    expect(s.complete).toBe(false);
    expect(feedPaste(s, { kind: 'paste-end' }).complete).toBe(true);
  });
  test('a truncated bracketed paste is still handed over (the check names the problem)', () => {
    const s = feed({ kind: 'paste-start' }, { kind: 'text', text: PEM.slice(0, 40) }, { kind: 'paste-end' });
    expect(s.complete).toBe(true);
    expect(s.text).toBe(PEM.slice(0, 40));
  });
  test('plain typing: Enter is a newline, complete at -----END ... REQUEST-----', () => {
    const lines = PEM.split('\n');
    const inputs: PasteInput[] = lines.flatMap((l) => [{ kind: 'text', text: l } as PasteInput, { kind: 'enter' } as PasteInput]);
    const s = feed(...inputs.slice(0, -1));
    expect(s.complete).toBe(true);
    expect(s.text).toBe(PEM + '\n');
  });
  test('NEW CERTIFICATE REQUEST also ends it; text after the END line is dropped', () => {
    const s = feed({ kind: 'text', text: '-----BEGIN NEW CERTIFICATE REQUEST-----\nAA==\n-----END NEW CERTIFICATE REQUEST-----\ntrailing' });
    expect(s.complete).toBe(true);
    expect(s.text.endsWith('-----END NEW CERTIFICATE REQUEST-----\n')).toBe(true);
  });
  test('backspace edits; nothing changes after completion; input is capped', () => {
    expect(feed({ kind: 'text', text: 'ab' }, { kind: 'backspace' }).text).toBe('a');
    const done = feed({ kind: 'text', text: PEM });
    expect(feedPaste(done, { kind: 'text', text: 'more' })).toBe(done);
    expect(feed({ kind: 'text', text: 'x'.repeat(PASTE_LIMIT + 10) }).text.length).toBe(PASTE_LIMIT);
  });
  test("Ink's key events map to paste inputs", () => {
    expect(pasteInputFor('[200~', {})).toEqual({ kind: 'paste-start' });
    expect(pasteInputFor('[201~', {})).toEqual({ kind: 'paste-end' });
    expect(pasteInputFor('', { return: true })).toEqual({ kind: 'enter' });
    expect(pasteInputFor('', { backspace: true })).toEqual({ kind: 'backspace' });
    expect(pasteInputFor('', { escape: true })).toBeNull();
    expect(pasteInputFor('abc', {})).toEqual({ kind: 'text', text: 'abc' });
  });
});

describe('formatting', () => {
  test('counts: thousands separated as en-US writes them', () => {
    for (const n of [0, 6, 999, 1000, 12345, 100000, 1234567, 9007199254740991]) expect(formatCount(n)).toBe(n.toLocaleString('en-US'));
  });
  const now = new Date('2026-11-24T12:00:00Z');
  const pending = { state: 'pending-revocation' as const, revocationDate: '2026-12-07T11:00:00Z' };
  test('badge and pending text count whole days up', () => {
    expect(revocationBadge(pending, now)).toBe('revoked in 13 d');
    expect(pendingRevocationText(pending, now)).toMatch(/\(13 days left\)$/);
    expect(pendingRevocationText({ ...pending, revocationDate: '2026-11-24T15:00:00Z' }, now)).toMatch(/\(1 day left\)$/);
    expect(revocationBadge({ state: 'valid', revocationDate: null }, now)).toBeNull();
  });
  test('a pending copy is still Valid; the badge carries the rest', () => {
    expect(stateLabel('pending-revocation')).toBe('Valid');
    expect(stateLabel('revoked')).toBe('Revoked');
  });
  test('fit pads and cuts with an ellipsis', () => {
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abcde', 5)).toBe('abcde');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('abc', 0)).toBe('');
  });
  test('fit and truncate count and cut by code point, not by UTF-16 unit', () => {
    expect(fit('gdańsk', 7)).toBe('gdańsk ');
    expect(fit('żółw.example', 5)).toBe('żółw…');
    expect(fit('😀😀😀', 2)).toBe('😀…');
    expect(fit('😀', 2)).toBe('😀 ');
  });
  test('truncate cuts without padding', () => {
    expect(truncate('abcdef', 10)).toBe('abcdef');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('> …', 3)).toBe('> …');
    expect(truncate('ab…cd', 4)).toBe('ab……');
    expect(truncate('abc', 0)).toBe('');
  });
  test('elapsed time', () => {
    expect(formatElapsed(12_400)).toBe('12 s');
    expect(formatElapsed(65_000)).toBe('1 min 05 s');
  });
});

describe('word wrap', () => {
  test('breaks at spaces without leading spaces, cuts over-long words', async () => {
    const { wrapWords } = await import('../../src/wizard/format.js');
    expect(wrapWords('Depending on the algorithm and size of the key generation may take up to several minutes', 40)).toEqual([
      'Depending on the algorithm and size of',
      'the key generation may take up to',
      'several minutes',
    ]);
    expect(wrapWords('abcdefghij xy', 4)).toEqual(['abcd', 'efgh', 'ij', 'xy']);
    expect(wrapWords('', 10)).toEqual(['']);
    // A narrower first line (after a label).
    expect(wrapWords('one two three four', 9, 4)).toEqual(['one', 'two three', 'four']);
  });
});
