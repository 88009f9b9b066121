import { describe, expect, test } from 'vitest';
import { initialState, listHeight, reduce, step } from '../../src/wizard/reducer.js';
import { bannerCertificate, detailsActions, focusCertificate, isBusy, isTyping, knownRows, readerChecklist, resultActions, selectedRow, shownError, totalToCount } from '../../src/wizard/selectors.js';
import type { CsrReport } from '../../src/domain/types.js';
import { cardError, portalError } from '../../src/domain/errors.js';
import type { WizardState } from '../../src/wizard/state.js';
import { drawn, nextRead, run } from './as-drawn.js';
import { codeSigning, demoCertificates, manualExample, manyCertificates, NOW, reader, token } from '../tui/fakes.js';

const start = () => initialState({ rows: 24, columns: 80, now: NOW.toISOString() });
const certs = demoCertificates();
const ok: CsrReport = { ok: true, problems: [], summary: { subject: 'CN=assecodata.pl', commonName: 'assecodata.pl', sans: ['assecodata.pl'], keyType: 'EC', keySize: 256, curve: 'P-256', signatureAlgorithm: 'ECDSA with SHA-256' } };
const bad: CsrReport = { ok: false, problems: [{ code: 'domain-not-in-order', message: 'evil.example is not among the order domains.' }], summary: null };
const csr = new TextEncoder().encode('-----BEGIN CERTIFICATE REQUEST-----');
const result = () => ({ certificate: manualExample({ id: 'c-new', serialNumber: 'ab', replaces: 'c-0001' }), replaced: manualExample({ state: 'pending-revocation', replacedBy: 'c-new', revocationDate: '2026-12-08T12:00:00Z' }) });

function atDetails(cert = certs[0]!) {
  return run(start(), { type: 'page-loaded', query: '', offset: 0, items: certs, total: certs.length }, { type: 'open-details', cert });
}

describe('certificates list', () => {
  test('the window height follows the terminal', () => {
    expect(start().list.height).toBe(listHeight(24));
    expect(run(start(), { type: 'resize', rows: 40, columns: 100 }).list.height).toBe(listHeight(40));
  });
  test('pages, moves, and opens the selected row', () => {
    let s = run(start(), { type: 'page-loaded', query: '', offset: 0, items: certs, total: certs.length });
    expect(focusCertificate(s)?.id).toBe('c-0001');
    s = run(s, { type: 'move', delta: 2 });
    expect(focusCertificate(s)?.id).toBe('c-0003');
    s = run(s, { type: 'move-to', to: 'last' });
    expect(s.list.cursor).toBe(certs.length - 1);
  });
  test('filtering resets the window and ignores pages of an older filter', () => {
    let s = run(start(), { type: 'page-loaded', query: '', offset: 0, items: certs, total: certs.length }, { type: 'move', delta: 3 });
    s = run(s, { type: 'filter-start' }, { type: 'filter-change', text: 'shop' });
    expect(isTyping(s)).toBe(true);
    expect(s.list).toMatchObject({ query: 'shop', cursor: 0, top: 0, total: null });
    s = run(s, { type: 'page-loaded', query: 'sho', offset: 0, items: certs, total: 6 });
    expect(s.list.total).toBeNull();
    s = run(s, { type: 'page-loaded', query: 'shop', offset: 0, items: certs.slice(2, 4), total: 2 }, { type: 'filter-end', clear: false });
    expect(isTyping(s)).toBe(false);
    expect(s.list.query).toBe('shop');
    s = run(s, { type: 'back' });
    expect(s.list.query).toBe('');
  });
  test('rows come before the count: the total stays pending, moves stay within the loaded rows, End waits', () => {
    const many = manyCertificates(51);
    let s = run(start(), { type: 'filter-start' }, { type: 'filter-change', text: 'host' });
    s = run(s, { type: 'page-loaded', query: 'host', offset: 0, items: many, total: null });
    expect(s.list.total).toBeNull();
    expect(knownRows(s.list)).toBe(51);
    expect(totalToCount(s.list)).toBe('host');
    s = run(s, { type: 'filter-end', clear: false }, { type: 'move', delta: 100 });
    expect(s.list.cursor).toBe(50);
    expect(run(s, { type: 'move-to', to: 'last' }).list.cursor).toBe(50);
    s = run(s, { type: 'total-loaded', query: 'host', total: 1234 });
    expect(s.list.total).toBe(1234);
    expect(totalToCount(s.list)).toBeNull();
    expect(run(s, { type: 'move-to', to: 'last' }).list.cursor).toBe(1233);
    // A later page of the same filter (scrolling) keeps the count.
    expect(run(s, { type: 'page-loaded', query: 'host', offset: 17, items: many, total: null }).list.total).toBe(1234);
  });
  test('a short page shows the total by itself: nothing left to count', () => {
    const s = run(start(), { type: 'filter-start' }, { type: 'filter-change', text: 'shop' }, { type: 'page-loaded', query: 'shop', offset: 0, items: certs.slice(2, 4), total: 2 });
    expect(s.list.total).toBe(2);
    expect(totalToCount(s.list)).toBeNull();
  });
  test('answers for an older filter are dropped: neither its rows nor its total are shown', () => {
    let s = run(start(), { type: 'filter-start' }, { type: 'filter-change', text: 'sh' }, { type: 'page-loaded', query: 'sh', offset: 0, items: certs, total: null });
    expect(totalToCount(s.list)).toBe('sh');
    s = run(s, { type: 'filter-input', text: 'o' });
    expect(totalToCount(s.list)).toBeNull(); // no rows for "sho" yet: no count either
    s = run(s, { type: 'total-loaded', query: 'sh', total: 99 }, { type: 'page-loaded', query: 'sh', offset: 0, items: certs, total: 6 });
    expect(s.list).toMatchObject({ query: 'sho', total: null });
    expect(selectedRow(s.list)).toBeNull();
    expect(knownRows(s.list)).toBeNull();
    s = run(s, { type: 'total-failed', query: 'sh', error: shownError(portalError('network', 'down')) });
    expect(s.list.error).toBeNull();
    s = run(s, { type: 'page-loaded', query: 'sho', offset: 0, items: certs.slice(0, 3), total: null }, { type: 'total-loaded', query: 'sh', total: 99 });
    expect(s.list.total).toBeNull();
    s = run(s, { type: 'total-loaded', query: 'sho', total: 3 });
    expect(s.list.total).toBe(3);
  });
  test('back from a certificate reloads the rows and counts again, showing the old total meanwhile', () => {
    let s = run(atDetails(), { type: 'back' });
    expect(s.list).toMatchObject({ page: null, total: certs.length, totalStale: true });
    expect(totalToCount(s.list)).toBeNull(); // rows first
    s = run(s, { type: 'page-loaded', query: '', offset: 0, items: certs.slice(0, 3), total: null });
    expect(totalToCount(s.list)).toBe('');
    s = run(s, { type: 'total-loaded', query: '', total: 3 });
    expect(s.list).toMatchObject({ total: 3, totalStale: false });
  });
  test('a failed count shows the error; retrying reloads the rows, then counts', () => {
    let s = run(start(), { type: 'page-loaded', query: '', offset: 0, items: manyCertificates(51), total: null });
    s = run(s, { type: 'total-failed', query: '', error: shownError(portalError('network', 'The portal did not answer.')) });
    expect(s.list.error?.code).toBe('network');
    expect(totalToCount(s.list)).toBeNull();
    s = run(s, { type: 'page-loaded', query: '', offset: 0, items: manyCertificates(51), total: null });
    expect(s.list.error).toBeNull();
    expect(totalToCount(s.list)).toBe('');
  });
  test('pending revocations view and back', () => {
    let s = run(start(), { type: 'open-pending' });
    expect(s.screen.kind).toBe('pending');
    s = run(s, { type: 'pending-loaded', items: [{ ...certs[2]!, daysLeft: 13 }] });
    expect(focusCertificate(s)?.id).toBe('c-0003');
    expect(run(s, { type: 'back' }).screen.kind).toBe('list');
  });
});

describe('details', () => {
  test('actions depend on the state and key sources', () => {
    expect(detailsActions(certs[0]!)).toEqual(['preview', 'download-pem', 'download-der', 'reissue', 'revoke']);
    expect(detailsActions(codeSigning())).toContain('install');
    expect(detailsActions(certs[4]!)).toEqual(['preview', 'download-pem', 'download-der']);
  });
  test('download: default path, existing file needs a yes, then a notice', () => {
    let s = run(atDetails(), { type: 'choose-action', action: 'download-pem' });
    expect(s.screen).toMatchObject({ kind: 'download', format: 'pem', path: 'assecodata.pl.pem', phase: 'path' });
    expect(isTyping(s)).toBe(true);
    s = run(s, { type: 'text-change', value: 'out.pem' }, { type: 'download-start' }, { type: 'file-exists' });
    expect(s.screen).toMatchObject({ phase: 'confirm-overwrite' });
    expect(run(s, { type: 'answer', yes: false }).screen).toMatchObject({ phase: 'path' });
    s = run(s, { type: 'answer', yes: true }, { type: 'written', path: 'out.pem' });
    expect(s.screen).toMatchObject({ kind: 'details', notice: 'Saved PEM to out.pem' });
  });
  test('revoke needs a yes', () => {
    let s = run(atDetails(), { type: 'choose-action', action: 'revoke' });
    expect(run(s, { type: 'answer', yes: false }).screen.kind).toBe('details');
    s = run(s, { type: 'answer', yes: true });
    expect(s.screen).toMatchObject({ kind: 'revoke', phase: 'working' });
    s = run(s, { type: 'revoked', cert: { ...certs[0]!, state: 'revoked' } });
    expect(s.screen).toMatchObject({ kind: 'details', notice: 'The certificate was revoked.' });
  });
  test('preview loads and scrolls; a late preview for another certificate is ignored', () => {
    let s = run(atDetails(), { type: 'choose-action', action: 'preview' }, { type: 'preview-loaded', id: 'other', text: 'x' });
    expect(s.screen).toMatchObject({ kind: 'preview', text: null });
    s = run(s, { type: 'preview-loaded', id: 'c-0001', text: 'a\nb\nc' }, { type: 'move', delta: 5 });
    expect(s.screen).toMatchObject({ scroll: 2 });
    expect(run(s, { type: 'back' }).screen.kind).toBe('details');
  });
  test('a replaced copy is not offered for reissue (its details name the copy that replaced it)', () => {
    expect(detailsActions(certs[2]!)).not.toContain('reissue');
    const s = run(atDetails(certs[2]!), { type: 'choose-action', action: 'reissue' });
    expect(s.screen.kind).toBe('details');
  });
});

describe('reissue with a CSR', () => {
  const toCsr = () => run(atDetails(), { type: 'choose-action', action: 'reissue' }, { type: 'choose-method', method: 'csr' });

  test('step 1 offers the product methods; CSR leads to the CSR step', () => {
    const s1 = run(atDetails(), { type: 'choose-action', action: 'reissue' });
    expect(s1.screen).toMatchObject({ kind: 'step1', methods: ['csr'], stage: 'method' });
    expect(run(s1, { type: 'choose-method', method: 'card' }).screen).toMatchObject({ stage: 'method' });
    expect(toCsr().screen).toMatchObject({ kind: 'csr', mode: 'choose' });
  });
  test('paste → check → ✓ Correct → Next → result (new beside old)', () => {
    let s = run(toCsr(), { type: 'choose-csr-source', source: 'paste' });
    expect(isTyping(s)).toBe(true);
    s = run(s, { type: 'csr-text', text: 'partial' }, { type: 'csr-check-start', csr });
    expect(s.screen).toMatchObject({ mode: 'checking' });
    s = run(s, { type: 'csr-checked', report: ok }, { type: 'submit-start' });
    expect(isBusy(s)).toBe(true);
    s = run(s, { type: 'reissued', result: result() });
    expect(s.screen).toMatchObject({ kind: 'result', via: 'csr' });
    expect(focusCertificate(s)?.state).toBe('pending-revocation');
    expect(resultActions(s.screen as never)).toEqual(['download-pem', 'download-der', 'list']);
    expect(run(s, { type: 'back' }).screen.kind).toBe('list');
  });
  test('a bad CSR cannot be submitted; Esc goes back to the choice', () => {
    let s = run(toCsr(), { type: 'choose-csr-source', source: 'file' }, { type: 'text-change', value: 'req.pem' }, { type: 'csr-file-start' }, { type: 'csr-file-read', csr }, { type: 'csr-checked', report: bad });
    expect(run(s, { type: 'submit-start' }).screen).toMatchObject({ mode: 'report' });
    s = run(s, { type: 'back' });
    expect(s.screen).toMatchObject({ kind: 'csr', mode: 'choose', cursor: 1 });
  });
  test('commands: only an accepted event starts work; an Enter during the check submits nothing', () => {
    let s = run(toCsr(), { type: 'choose-csr-source', source: 'file' });
    expect(step(s, { type: 'csr-file-start' }).commands).toEqual([]); // no path typed
    s = run(s, { type: 'text-input', text: 'req.pem' });
    const checking = step(s, { type: 'csr-file-start' });
    expect(checking.commands).toMatchObject([{ type: 'check-csr-file', path: 'req.pem' }]);
    s = run(checking.state, { type: 'csr-file-read', csr });
    const early = step(s, { type: 'submit-start', at: nextRead() });
    expect(early.commands).toEqual([]);
    expect(early.state.screen).toMatchObject({ mode: 'checking' });
    // The review comes up and stays: that Enter was typed before it.
    const passed = step(early.state, { type: 'csr-checked', report: ok });
    expect(passed.commands).toEqual([]);
    expect(passed.state.screen).toMatchObject({ mode: 'report' });
    expect(passed.state.asked).toMatchObject({ id: 'csr-review:c-0001', shownAt: null });
    // Drawn, then an Enter read after it submits.
    const shown = drawn(passed.state);
    expect(step(shown, { type: 'submit-start', at: shown.asked!.shownAt! + 1 }).commands).toMatchObject([{ type: 'submit-csr', csr }]);
    // A CSR that fails the check is not submitted.
    const failed = step(early.state, { type: 'csr-checked', report: bad });
    expect(failed.commands).toEqual([]);
    expect(failed.state.screen).toMatchObject({ mode: 'report' });
    expect(step(failed.state, { type: 'submit-start', at: nextRead() }).commands).toEqual([]);
  });
  test('a CSR file that cannot be read keeps the typed path, the reason under it', () => {
    let s = run(toCsr(), { type: 'choose-csr-source', source: 'file' }, { type: 'text-input', text: 'missing.pem' }, { type: 'csr-file-start' });
    s = run(s, { type: 'csr-file-failed', error: shownError(portalError('no-such-file', 'Cannot read missing.pem.')) });
    expect(s.screen).toMatchObject({ kind: 'csr', mode: 'file', path: 'missing.pem', fileError: { code: 'no-such-file' } });
  });
  test('an existing key file is reported before the passphrase is asked', () => {
    let s = run(toCsr(), { type: 'choose-csr-source', source: 'generate' }, { type: 'gen-algorithm', algorithm: 'ec-p256' });
    const asked = step(s, { type: 'gen-key-path', keyPath: '/tmp/k.key' });
    expect(asked.commands).toMatchObject([{ type: 'check-key-path', path: '/tmp/k.key' }]);
    s = run(asked.state, { type: 'gen-key-path-taken', error: shownError(portalError('file-exists', 'The private key file /tmp/k.key already exists.')) });
    expect(s.screen).toMatchObject({ mode: 'gen-key-path', keyPath: '/tmp/k.key', fileError: { code: 'file-exists' } });
  });
  test('the pending revocation stays in view on the screens of the new copy (download, install)', () => {
    let s = run(toCsr(), { type: 'choose-csr-source', source: 'paste' }, { type: 'csr-check-start', csr }, { type: 'csr-checked', report: ok }, { type: 'submit-start' }, { type: 'reissued', result: result() });
    const old = bannerCertificate(s);
    expect(old?.state).toBe('pending-revocation');
    for (const action of ['download-pem', 'install'] as const) {
      const on = run(s, { type: 'choose-action', action });
      expect(on.screen.kind).not.toBe('result');
      expect(bannerCertificate(on)?.id).toBe(old!.id);
    }
    s = run(s, { type: 'choose-action', action: 'list' });
    expect(bannerCertificate(s)?.id).not.toBe(old!.id);
  });
  test('Ctrl+C while the CSR is submitted: the submission is finished and its answer is the last frame', () => {
    const submitting = run(toCsr(), { type: 'choose-csr-source', source: 'paste' }, { type: 'csr-check-start', csr }, { type: 'csr-checked', report: ok }, { type: 'submit-start' });
    const once = step(submitting, { type: 'interrupt' });
    expect(once.state.ending).toBeNull();
    expect(once.state.screen).toMatchObject({ kind: 'csr', mode: 'submitting', finishing: true });
    // Issued: the result, exit 0.
    const issued = run(once.state, { type: 'reissued', result: result() });
    expect(issued.screen).toMatchObject({ kind: 'result', via: 'csr' });
    expect(issued.ending).toEqual({ code: 0, message: null });
    // Refused: the portal's answer, with its exit status (5: portal).
    const refused = run(once.state, { type: 'failed', error: shownError(portalError('conflict', 'Already reissued.', 'Reload the list.')) });
    expect(refused.ending).toEqual({ code: 5, message: '✗ Already reissued. Reload the list.' });
    // Ctrl+C again: 130, and how to see whether the copy was issued.
    const twice = run(once.state, { type: 'interrupt' });
    expect(twice.ending?.code).toBe(130);
    expect(twice.ending?.message).toContain('may have been issued');
    expect(twice.ending?.message).toContain(`reissue show ${certs[0]!.id}`);
    // Nothing to finish (before the submission): Ctrl+C ends at once.
    expect(run(toCsr(), { type: 'interrupt' }).ending).toEqual({ code: 130, message: null });
  });
  test('back to the list from the result puts the cursor on the new copy', () => {
    let s = run(toCsr(), { type: 'choose-csr-source', source: 'paste' }, { type: 'csr-check-start', csr }, { type: 'csr-checked', report: ok }, { type: 'submit-start' }, { type: 'reissued', result: result() });
    s = run(s, { type: 'choose-action', action: 'list' });
    const fresh = (s.screen.kind === 'list' && s.list.focusId) || '';
    const items = [...demoCertificates().slice(0, 2), { ...demoCertificates()[0]!, id: fresh }, ...demoCertificates().slice(2)];
    s = run(s, { type: 'page-loaded', query: '', offset: 0, items, total: null });
    expect(selectedRow(s.list)?.id).toBe(fresh);
  });
  test('generate here: algorithm, key path, passphrase, generated, checked', () => {
    let s = run(toCsr(), { type: 'choose-csr-source', source: 'generate' }, { type: 'gen-algorithm', algorithm: 'ec-p256' });
    expect(s.screen).toMatchObject({ mode: 'gen-key-path', keyPath: 'assecodata.pl.key' });
    s = run(s, { type: 'gen-key-path', keyPath: ' /tmp/k.key ' });
    expect(s.screen).toMatchObject({ mode: 'gen-passphrase', keyPath: '/tmp/k.key' });
    // A passphrase is typed twice; a mismatch goes back to the first, saying so.
    s = run(s, { type: 'gen-passphrase-typed' });
    expect(s.screen).toMatchObject({ mode: 'gen-passphrase-repeat' });
    s = run(s, { type: 'gen-passphrase-mismatch' });
    expect(s.screen).toMatchObject({ mode: 'gen-passphrase', passphraseMismatch: true });
    expect(run(s, { type: 'gen-passphrase-mismatch' }).screen).toBe(s.screen); // only from the repeat
    s = run(s, { type: 'gen-passphrase-typed' });
    expect(s.screen).toMatchObject({ mode: 'gen-passphrase-repeat', passphraseMismatch: false });
    expect(run(s, { type: 'back' }).screen).toMatchObject({ mode: 'gen-passphrase' });
    s = run(s, { type: 'gen-start', passphrase: '' }, { type: 'csr-generated', csrPem: 'PEM', keyPath: '/tmp/k.key' });
    expect(s.screen).toMatchObject({ mode: 'checking', generatedKeyPath: '/tmp/k.key', csrText: 'PEM' });
    s = run(s, { type: 'csr-checked', report: ok }, { type: 'submit-start' }, { type: 'reissued', result: result() });
    expect(s.screen).toMatchObject({ kind: 'result', generatedKeyPath: '/tmp/k.key' });
  });
  test('a portal error while submitting shows it and leads back to the report', () => {
    let s = run(toCsr(), { type: 'choose-csr-source', source: 'paste' }, { type: 'csr-check-start', csr }, { type: 'csr-checked', report: ok }, { type: 'submit-start' });
    s = run(s, { type: 'failed', error: shownError(portalError('network', 'The portal did not answer.', 'Check the connection and press Next again.')) });
    expect(s.screen).toMatchObject({ kind: 'error', error: { kind: 'portal', code: 'network', hint: 'Check the connection and press Next again.' } });
    expect(run(s, { type: 'back' }).screen).toMatchObject({ kind: 'csr', mode: 'report' });
  });
});

describe('reissue on a card', () => {
  const cs = codeSigning();
  const inv = (...readers: ReturnType<typeof reader>[]) => ({ modules: [], readers });
  const toAlgorithms = (s = atDetails(cs)) => run(s, { type: 'choose-action', action: 'reissue' }, { type: 'choose-method', method: 'card' });

  test('algorithms = product ∩ card, after the scan', () => {
    let s = toAlgorithms();
    expect(s.screen).toMatchObject({ kind: 'step1', stage: 'algorithm', scan: 'loading' });
    s = run(s, { type: 'inventory-loaded', inventory: inv(reader(token({ algorithms: ['rsa-2048', 'ec-p384'] }))) });
    expect(s.screen).toMatchObject({ scan: 'ready', algorithms: ['rsa-2048'] });
    expect(run(s, { type: 'back' }).screen).toMatchObject({ kind: 'step1', stage: 'method' });
  });
  test('a failed scan can be retried', () => {
    let s = run(toAlgorithms(), { type: 'inventory-failed', error: shownError(cardError('module-missing', 'No PKCS#11 module found.', 'Set REISSUE_PKCS11_MODULE.')) });
    expect(s.screen).toMatchObject({ scan: 'failed' });
    s = run(s, { type: 'rescan' });
    expect(s.screen).toMatchObject({ scan: 'loading', scanError: null });
  });
  test('checklist gates the reader; final try asks first; progress; submit; result', () => {
    const empty = reader(null, 'Empty reader', '0');
    const ready = reader(token({}, { finalTry: true, countLow: true }), 'ACS ACR39U ICC Reader 0', '1');
    let s = run(toAlgorithms(), { type: 'inventory-loaded', inventory: inv(empty, ready) }, { type: 'choose-algorithm', algorithm: 'rsa-2048' });
    expect(s.screen).toMatchObject({ kind: 'card', phase: 'select', algorithm: 'rsa-2048' });
    expect(readerChecklist(empty, 'rsa-2048').filter((i) => !i.ok).map((i) => i.label)).toEqual(['Card inserted', 'User PIN set (common profile initialized)', 'Card can generate RSA 2048']);
    s = run(s, { type: 'choose-reader', module: empty.module, slotId: '0' });
    expect(s.screen).toMatchObject({ phase: 'select' });
    s = run(s, { type: 'choose-reader', module: ready.module, slotId: '1' });
    expect(s.screen).toMatchObject({ phase: 'final-try' });
    expect(run(s, { type: 'answer', yes: false }).screen).toMatchObject({ phase: 'select' });
    s = run(s, { type: 'answer', yes: true });
    expect(isTyping(s)).toBe(true);
    const short = step(s, { type: 'pin-submit', pin: '123' });
    expect(short.commands).toEqual([]); // a PIN the card would refuse never reaches it
    s = short.state;
    expect(s.screen).toMatchObject({ pinError: expect.stringMatching(/from 4 to 8/) });
    const go = step(s, { type: 'pin-submit', pin: '9731' });
    // The final-try consent travels with the PIN to the card; neither is kept in the state.
    expect(go.commands).toMatchObject([{ type: 'generate-on-card', algorithm: 'rsa-2048', pin: '9731', confirmFinalTry: true, token: { serial: ready.token!.serial } }]);
    expect(JSON.stringify(go.state)).not.toContain('9731');
    s = run(go.state, { type: 'card-progress', progress: { type: 'tick', phase: 'generate', elapsedMs: 1500 } });
    expect(s.screen).toMatchObject({ phase: 'progress', progress: { phase: 'generate', elapsedMs: 1500 } });
    expect(isBusy(s)).toBe(true);
    s = run(s, { type: 'card-generated', csrPem: 'PEM', keyId: 'a1b2' }, { type: 'reissued', result: result(), tokenSerial: '1625834976919804' });
    expect(s.screen).toMatchObject({ kind: 'result', via: 'card', tokenSerial: '1625834976919804' });
    expect(resultActions(s.screen as never)).toContain('install');
  });
  test('a wrong PIN leads back to the PIN; card removal back to the checklist', () => {
    const r = reader(token());
    const atPin = run(toAlgorithms(), { type: 'inventory-loaded', inventory: inv(r) }, { type: 'choose-algorithm', algorithm: 'rsa-2048' }, { type: 'choose-reader', module: r.module, slotId: r.slotId }, { type: 'pin-submit', pin: '9731' });
    const wrong = run(atPin, { type: 'failed', error: shownError(cardError('pin-wrong', 'The PIN is wrong.')) });
    expect(wrong.screen).toMatchObject({ kind: 'error' });
    expect(run(wrong, { type: 'back' }).screen).toMatchObject({ kind: 'card', phase: 'pin' });
    const removed = run(atPin, { type: 'failed', error: shownError(cardError('card-removed', 'The card was removed.')) });
    expect(run(removed, { type: 'back' }).screen).toMatchObject({ kind: 'card', phase: 'select', progress: null });
  });
  test('every way to the PIN field passes the final-try question: back from a wrong PIN, a rescan, the card saying so', () => {
    const r = reader(token({}, { countLow: true }));
    const finalTry = reader(token({}, { countLow: true, finalTry: true }));
    const atPin = run(toAlgorithms(), { type: 'inventory-loaded', inventory: inv(r) }, { type: 'choose-algorithm', algorithm: 'rsa-2048' }, { type: 'choose-reader', module: r.module, slotId: r.slotId });
    expect(atPin.screen).toMatchObject({ phase: 'pin' });
    // Wrong PIN; back from its error screen; the PIN screen's check finds the card at its final try.
    const wrong = run(atPin, { type: 'pin-submit', pin: '1111' }, { type: 'failed', error: shownError(cardError('pin-wrong', 'The PIN is wrong.')) }, { type: 'back' });
    expect(wrong.screen).toMatchObject({ kind: 'card', phase: 'pin' });
    const asked = run(wrong, { type: 'inventory-loaded', inventory: inv(finalTry) });
    expect(asked.screen).toMatchObject({ phase: 'final-try', finalTryConfirmed: false });
    expect(isTyping(asked)).toBe(false);
    // Back to the checklist and in again: asked again (and answered y, the PIN field).
    const again = run(asked, { type: 'back' }, { type: 'choose-reader', module: r.module, slotId: r.slotId });
    expect(again.screen).toMatchObject({ phase: 'final-try' });
    expect(run(again, { type: 'answer', yes: true }).screen).toMatchObject({ phase: 'pin', finalTryConfirmed: true });
    // The inventory was stale when the PIN went: the card refuses without consent (no PIN sent), and the question comes.
    const refused = run(atPin, { type: 'pin-submit', pin: '9731' }, { type: 'failed', error: shownError(cardError('pin-final-try', 'Only one PIN try is left.')) });
    expect(refused.screen).toMatchObject({ kind: 'card', phase: 'final-try' });
    // A card that locked meanwhile goes back to the checklist, which says so.
    const locked = run(wrong, { type: 'inventory-loaded', inventory: inv(reader(token({}, { locked: true }))) });
    expect(locked.screen).toMatchObject({ kind: 'card', phase: 'select' });
  });
  test('an irreversible question takes only a key read after it was drawn; earlier ones are dropped with a note', () => {
    const s = reduce(atDetails(), { type: 'choose-action', action: 'revoke' });
    expect(s.asked).toEqual({ id: 'revoke:c-0001', shownAt: null, early: false });
    // Not drawn yet: no answer counts.
    const early = reduce(s, { type: 'answer', yes: true, at: 5 });
    expect(early.screen).toMatchObject({ kind: 'revoke', phase: 'confirm' });
    expect(early.asked).toMatchObject({ early: true });
    const shown = reduce(early, { type: 'question-shown', id: 'revoke:c-0001', at: 10 });
    // A key read before the frame (typed ahead, held in the queue) still does not count.
    expect(reduce(shown, { type: 'answer', yes: true, at: 9 }).screen).toMatchObject({ phase: 'confirm' });
    expect(reduce(shown, { type: 'answer', yes: true }).screen).toMatchObject({ phase: 'confirm' });
    expect(reduce(shown, { type: 'answer', yes: true, at: 11 }).screen).toMatchObject({ phase: 'working' });
    // Questions that can be taken back keep typeahead: the download overwrite.
    const dl = run(atDetails(), { type: 'choose-action', action: 'download-pem' }, { type: 'download-start' }, { type: 'file-exists' });
    expect(reduce(dl, { type: 'answer', yes: false }).screen).toMatchObject({ phase: 'path' });
  });
  test('keys wait while the screen waits for its rows; a failed page of an older filter ends the wait', async () => {
    const { awaitsLoad } = await import('../../src/wizard/loads.js');
    let s = step(start(), { type: 'start' }).state;
    expect(awaitsLoad(s)).toBe(true);
    s = step(s, { type: 'page-loaded', query: '', offset: 0, items: certs, total: certs.length }).state;
    expect(awaitsLoad(s)).toBe(false);
    s = step(s, { type: 'filter-start' }).state;
    s = step(s, { type: 'filter-input', text: 'sh' }).state;
    expect(awaitsLoad(s)).toBe(false); // typing into the filter never waits
    s = step(s, { type: 'filter-end', clear: false }).state;
    expect(awaitsLoad(s)).toBe(true); // Enter on a row of "sh" waits for them
    s = step(s, { type: 'back' }).state; // filter cleared: the rows of '' are on screen, "sh" still in flight
    expect(awaitsLoad(s)).toBe(true);
    s = step(s, { type: 'page-failed', query: 'sh', error: shownError(portalError('unreachable', 'No answer.')) }).state;
    expect(awaitsLoad(s)).toBe(false);
  });
  test('install on card from the result returns there with a notice', () => {
    const r = reader(token());
    let s = run(atDetails(cs), { type: 'choose-action', action: 'install' });
    expect(s.screen).toMatchObject({ kind: 'card', purpose: 'install', phase: 'select' });
    s = run(s, { type: 'inventory-loaded', inventory: inv(r) }, { type: 'choose-reader', module: r.module, slotId: r.slotId }, { type: 'pin-submit', pin: '9731' }, { type: 'card-installed', serial: '1625834976919804' });
    expect(s.screen).toMatchObject({ kind: 'details', notice: 'Certificate installed on card 1625 8349 7691 9804.' });
  });
});

describe('help and typing', () => {
  test('? opens help; Esc closes it before anything else', () => {
    let s = run(atDetails(), { type: 'toggle-help' });
    expect(s.help).toBe(true);
    s = run(s, { type: 'back' });
    expect(s.help).toBe(false);
    expect(s.screen.kind).toBe('details');
  });
  test('unknown errors keep their message, get a hint, and no stack', () => {
    const e = shownError(new Error('boom'));
    expect(e).toMatchObject({ kind: 'unexpected', message: 'boom' });
    expect(JSON.stringify(e)).not.toMatch(/at .*\.ts/);
  });
});

describe('help texts', () => {
  test('every screen has help that fits the overlay at 80×24 (76 columns, 17 lines) and wraps to 40 columns', async () => {
    const { helpFor } = await import('../../src/wizard/help.js');
    const cs = codeSigning();
    const states: WizardState[] = [
      start(),
      run(start(), { type: 'open-pending' }),
      atDetails(),
      run(atDetails(), { type: 'choose-action', action: 'preview' }),
      run(atDetails(), { type: 'choose-action', action: 'download-der' }),
      run(atDetails(), { type: 'choose-action', action: 'revoke' }),
      run(atDetails(), { type: 'choose-action', action: 'reissue' }),
      run(atDetails(), { type: 'choose-action', action: 'reissue' }, { type: 'choose-method', method: 'csr' }),
      run(atDetails(cs), { type: 'choose-action', action: 'install' }),
      run(atDetails(cs), { type: 'choose-action', action: 'reissue' }, { type: 'choose-method', method: 'card' }, { type: 'inventory-loaded', inventory: { modules: [], readers: [reader(token())] } }, { type: 'choose-algorithm', algorithm: 'rsa-2048' }),
      run(atDetails(), { type: 'failed', error: shownError(portalError('portal-unreachable', 'down')) }),
    ];
    const kinds = new Set(states.map((s) => s.screen.kind));
    expect(kinds.size).toBe(10);
    for (const s of states) {
      const h = helpFor(s);
      expect(h.lines.length).toBeLessThanOrEqual(17);
      for (const line of h.lines) expect([...line].length, line).toBeLessThanOrEqual(76);
      const narrow = helpFor({ ...s, columns: 40 });
      for (const line of narrow.lines) expect([...line].length, line).toBeLessThanOrEqual(36);
      // Every word of the wide text is in the narrow one: wrapped, not cut.
      expect(narrow.lines.join(' ').split(/\s+/).join(' ')).toBe(h.lines.join(' ').split(/\s+/).join(' '));
    }
  });
});
