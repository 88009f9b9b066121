// Typed-text events build on the state as it is when they are applied, so a burst of keys gives
// the text typed even when no render happened in between.
import { describe, expect, test } from 'vitest';
import { initialState, reduce } from '../../src/wizard/reducer.js';
import { textField } from '../../src/wizard/selectors.js';
import type { WizardEvent, WizardState } from '../../src/wizard/state.js';
import { createSecretBuffer } from '../../src/tui/secrets.js';
import { demoCertificates, NOW } from '../tui/fakes.js';

const run = (state: WizardState, ...events: WizardEvent[]) => events.reduce(reduce, state);
const start = () => initialState({ rows: 24, columns: 80, now: NOW.toISOString() });
const certs = demoCertificates();

describe('filter events', () => {
  test('filter-input appends to the latest query; filter-erase removes one character', () => {
    const s = run(start(), { type: 'filter-start' }, ...[...'b0000'].map((text): WizardEvent => ({ type: 'filter-input', text })), { type: 'filter-erase' }, { type: 'filter-input', text: '1' });
    expect(s.list).toMatchObject({ query: 'b0001', filtering: true, cursor: 0, total: null });
  });
  test('typed text is ignored unless the filter has the keyboard; `p` while filtering opens nothing', () => {
    expect(run(start(), { type: 'filter-input', text: 'x' }).list.query).toBe('');
    const s = run(start(), { type: 'filter-start' }, { type: 'open-pending' });
    expect(s.screen.kind).toBe('list');
    expect(run(start(), { type: 'filter-start' }, { type: 'filter-erase' }).list.query).toBe('');
  });
});

describe('path events', () => {
  test('text-input / text-erase edit the download path from its latest value', () => {
    let s = run(start(), { type: 'page-loaded', query: '', offset: 0, items: certs, total: certs.length }, { type: 'open-details', cert: certs[0]! }, { type: 'choose-action', action: 'download-pem' });
    expect(textField(s)).toEqual({ kind: 'path' });
    s = run(s, { type: 'text-erase' }, { type: 'text-erase' }, { type: 'text-erase' }, { type: 'text-input', text: 'd' }, { type: 'text-input', text: 'er' });
    expect(s.screen).toMatchObject({ kind: 'download', path: 'assecodata.pl.der' });
  });
  test('textField: the key path is a path field, the passphrase a secret one (its text is never in the state)', () => {
    const cert = certs[0]!;
    let s = run(start(), { type: 'page-loaded', query: '', offset: 0, items: certs, total: certs.length }, { type: 'open-details', cert });
    expect(textField(s)).toBeNull();
    s = run(s, { type: 'choose-action', action: 'reissue' }, { type: 'choose-method', method: 'csr' }, { type: 'choose-csr-source', source: 'generate' }, { type: 'gen-algorithm', algorithm: cert.algorithms[0]! });
    expect(textField(s)).toEqual({ kind: 'path' });
    s = run(s, { type: 'gen-key-path', keyPath: 'k.key' });
    expect(textField(s)).toEqual({ kind: 'secret', id: 'passphrase' });
    expect(run(s, { type: 'toggle-help' }).help).toBe(true);
    expect(textField(run(s, { type: 'toggle-help' }))).toBeNull();
  });
});

describe('secret buffer', () => {
  test('appends, erases, hands over once, and forgets on another field', () => {
    const b = createSecretBuffer();
    let changes = 0;
    b.subscribe(() => changes++);
    b.append('pin', '97');
    b.append('pin', '31');
    b.erase('pin');
    expect(b.length('pin')).toBe(3);
    expect(b.length('passphrase')).toBe(0);
    expect(b.take('pin')).toBe('973');
    expect(b.take('pin')).toBe('');
    b.append('pin', '12');
    b.append('passphrase', 'x');
    expect(b.take('passphrase')).toBe('x');
    expect(changes).toBeGreaterThan(0);
  });
});
