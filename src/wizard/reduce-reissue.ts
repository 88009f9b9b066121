// The events of the reissue steps, downloads and revocation: the next state and, for the events
// that start work (a check, a submission, a card operation, a file, a revocation), the command.
// Anything that does not fit the screen on view is ignored and starts nothing.
import { offeredAlgorithms } from './algorithms.js';
import { run, stay, type Step } from './commands.js';
import { cardFor, csrFor, detailsAt, withNotice } from './navigation.js';
import { cardNumber } from './format.js';
import { t } from '../i18n/i18n.js';
import { validatePin } from './pin.js';
import { defaultKeyPath, findReader, readerReady } from './selectors.js';
import { READER_CHECK_MS } from './loads.js';
import { viewFits } from './view-size.js';
import type { CardScreen, Screen, WizardEvent, WizardState } from './state.js';

/** How many of the portal's latest steps stay on screen (the order, each name, finalizing). */
export const PORTAL_STEPS_SHOWN = 4;

export function reduceReissue(state: WizardState, event: WizardEvent): Step | null {
  const s = state.screen;
  const to = (screen: Screen): Step => stay({ ...state, screen });
  const ignore = stay(state);

  switch (event.type) {
    case 'download-start':
      if (s.kind !== 'download' || s.phase !== 'path' || !s.path.trim()) return ignore;
      return run({ ...state, screen: { ...s, phase: 'writing' } }, { type: 'download', cert: s.cert, format: s.format, path: s.path.trim(), overwrite: false });
    case 'file-exists':
      if (s.kind !== 'download' || s.phase !== 'writing') return ignore;
      return to({ ...s, phase: 'confirm-overwrite' });
    case 'answer':
      // A question is answered only while it is on screen whole (a window too small shows no question).
      if (!viewFits(state)) return ignore;
      if (s.kind === 'download' && s.phase === 'confirm-overwrite') {
        if (!event.yes) return to({ ...s, phase: 'path' });
        return run({ ...state, screen: { ...s, phase: 'writing' } }, { type: 'download', cert: s.cert, format: s.format, path: s.path.trim(), overwrite: true });
      }
      if (s.kind === 'revoke' && s.phase === 'confirm') {
        if (!event.yes) return to(detailsAt(s.cert, 'revoke'));
        return run({ ...state, screen: { ...s, phase: 'working' } }, { type: 'revoke', cert: s.cert });
      }
      if (s.kind === 'step1' && s.stage === 'cloud-confirm') {
        if (!event.yes) return to({ ...s, stage: 'cloud' });
        const algorithm = s.algorithms[s.algCursor];
        if (!algorithm) return ignore;
        return run({ ...state, screen: { ...s, stage: 'cloud-submitting' } }, { type: 'reissue-in-cloud', cert: s.cert, algorithm });
      }
      if (s.kind === 'card' && s.phase === 'final-try') return to(event.yes ? { ...s, phase: 'pin', finalTryConfirmed: true } : { ...s, phase: 'select', finalTryConfirmed: false });
      return ignore;
    case 'written':
      if (s.kind !== 'download' || s.phase !== 'writing') return ignore;
      return to(withNotice(s.back, t('notice.saved', { format: s.format.toUpperCase(), path: event.path })));
    case 'revoked':
      if (s.kind !== 'revoke') return ignore;
      return to({ kind: 'details', cert: event.cert, cursor: 0, notice: t('notice.revoked') });

    case 'choose-method':
      if (s.kind !== 'step1' || s.stage !== 'method' || !s.methods.includes(event.method)) return ignore;
      if (event.method === 'csr') return to(csrFor(s.cert));
      // Stored in the cloud: the portal generates the key pair; only the algorithm is chosen here.
      if (event.method === 'cloud') return to({ ...s, cursor: s.methods.indexOf('cloud'), stage: 'cloud', algorithms: [...s.cert.algorithms], algCursor: 0 });
      return to({ ...s, cursor: s.methods.indexOf('card'), stage: 'algorithm', scan: 'loading', scanError: null, algorithms: [], algCursor: 0 });
    case 'rescan':
      if (s.kind === 'step1' && s.stage === 'algorithm' && s.scan === 'failed') return to({ ...s, scan: 'loading', scanError: null });
      return ignore;
    case 'inventory-loaded':
      if (s.kind === 'step1' && s.stage === 'algorithm') {
        return to({ ...s, scan: 'ready', scanError: null, inventory: event.inventory, algorithms: offeredAlgorithms(s.cert.algorithms, event.inventory.readers) });
      }
      if (s.kind === 'card') {
        const cursor = Math.min(s.cursor, Math.max(0, event.inventory.readers.length - 1));
        return nextReaderCheck(state, { ...s, inventory: event.inventory, scanError: null, cursor });
      }
      return ignore;
    case 'inventory-failed':
      if (s.kind === 'step1' && s.stage === 'algorithm') return to({ ...s, scan: 'failed', scanError: event.error });
      if (s.kind === 'card') return nextReaderCheck(state, { ...s, scanError: event.error });
      return ignore;
    case 'readers-due':
      // Only the pause the last check started ends in a check (at most one check is ever in flight).
      if (s.kind !== 'card' || s.readerCheck !== 'waiting') return ignore;
      if (s.phase !== 'select') return to({ ...s, readerCheck: 'idle' });
      return run({ ...state, screen: { ...s, readerCheck: 'scanning' } }, { type: 'scan-cards' });
    case 'choose-algorithm':
      // The cloud reissue says what it will do and asks first, like the other paths.
      if (s.kind === 'step1' && s.stage === 'cloud' && s.algorithms.includes(event.algorithm)) return to({ ...s, stage: 'cloud-confirm', algCursor: s.algorithms.indexOf(event.algorithm) });
      if (s.kind !== 'step1' || s.stage !== 'algorithm' || !s.algorithms.includes(event.algorithm)) return ignore;
      return to(cardFor(s.cert, 'generate', s, event.algorithm, s.inventory));

    case 'choose-csr-source':
      if (s.kind !== 'csr' || s.mode !== 'choose') return ignore;
      if (event.source === 'paste') return to({ ...s, mode: 'paste', source: 'paste', csrText: '' });
      if (event.source === 'file') return to({ ...s, mode: 'file', source: 'file', path: '', fileError: null });
      return to({ ...s, mode: 'gen-algorithm', source: 'generate', cursor: 0 });
    case 'csr-text':
      if (s.kind !== 'csr' || s.mode !== 'paste') return ignore;
      return to({ ...s, csrText: event.text });
    case 'csr-check-start':
      if (s.kind !== 'csr' || s.mode !== 'paste') return ignore;
      return run({ ...state, screen: { ...s, mode: 'checking', csr: event.csr, report: null } }, { type: 'check-csr', cert: s.cert, csr: event.csr });
    case 'csr-file-start': {
      if (s.kind !== 'csr' || s.mode !== 'file' || !s.path.trim()) return ignore;
      const screen = { ...s, mode: 'checking' as const, csr: null, report: null, fileError: null };
      return run({ ...state, screen }, { type: 'check-csr-file', cert: s.cert, path: s.path.trim() });
    }
    case 'csr-file-read':
      if (s.kind !== 'csr' || s.mode !== 'checking') return ignore;
      return to({ ...s, csr: event.csr });
    case 'csr-file-failed':
      // The typed path stays in the field, the reason under it.
      if (s.kind !== 'csr' || s.mode !== 'checking' || s.source !== 'file') return ignore;
      return to({ ...s, mode: 'file', fileError: event.error });
    case 'gen-algorithm':
      if (s.kind !== 'csr' || s.mode !== 'gen-algorithm' || !s.cert.algorithms.includes(event.algorithm)) return ignore;
      return to({ ...s, mode: 'gen-key-path', algorithm: event.algorithm, keyPath: s.keyPath || defaultKeyPath(s.cert), fileError: null });
    case 'gen-key-path':
      if (s.kind !== 'csr' || s.mode !== 'gen-key-path' || !event.keyPath.trim()) return ignore;
      return run({ ...state, screen: { ...s, mode: 'gen-passphrase', keyPath: event.keyPath.trim(), fileError: null } }, { type: 'check-key-path', path: event.keyPath.trim() });
    case 'gen-key-path-taken':
      // Said before the passphrase is asked: the key file is never overwritten.
      if (s.kind !== 'csr' || s.mode !== 'gen-passphrase') return ignore;
      return to({ ...s, mode: 'gen-key-path', fileError: event.error });
    case 'gen-passphrase-typed':
      if (s.kind !== 'csr' || s.mode !== 'gen-passphrase') return ignore;
      return to({ ...s, mode: 'gen-passphrase-repeat', passphraseMismatch: false });
    case 'gen-passphrase-mismatch':
      if (s.kind !== 'csr' || s.mode !== 'gen-passphrase-repeat') return ignore;
      return to({ ...s, mode: 'gen-passphrase', passphraseMismatch: true });
    case 'gen-start':
      if (s.kind !== 'csr' || (s.mode !== 'gen-passphrase' && s.mode !== 'gen-passphrase-repeat') || !s.algorithm) return ignore;
      return run(
        { ...state, screen: { ...s, mode: 'generating', passphraseMismatch: false } },
        { type: 'generate-csr', cert: s.cert, algorithm: s.algorithm, keyPath: s.keyPath, passphrase: event.passphrase },
      );
    case 'csr-generated':
      if (s.kind !== 'csr' || s.mode !== 'generating') return ignore;
      return to({ ...s, mode: 'checking', csrText: event.csrPem, csr: new TextEncoder().encode(event.csrPem), generatedKeyPath: event.keyPath, report: null });
    case 'csr-checked': {
      if (s.kind !== 'csr' || s.mode !== 'checking') return ignore;
      return to({ ...s, mode: 'report', report: event.report });
    }
    case 'submit-start':
      // Only from the "✓ Correct" review (an Enter typed while the check ran counts for nothing).
      if (s.kind === 'csr' && s.mode === 'report' && s.report?.ok && s.csr) return run({ ...state, screen: { ...s, mode: 'submitting' } }, { type: 'submit-csr', cert: s.cert, csr: s.csr });
      return ignore;
    case 'reissue-pending': {
      if (!isSubmitting(s)) return ignore;
      const before = state.pendingOrder?.orderRef === event.pending.orderRef ? state.pendingOrder : null;
      const pendingOrder = { ...event.pending, answers: (before?.answers ?? 0) + 1, tokenSerial: event.tokenSerial ?? before?.tokenSerial ?? null };
      return run({ ...state, pendingOrder }, { type: 'wait', ms: event.pending.retryAfterMs, then: { type: 'resume-due', orderRef: event.pending.orderRef } });
    }
    case 'resume-due': {
      const order = state.pendingOrder;
      if (!isSubmitting(s) || order?.orderRef !== event.orderRef) return ignore;
      return run(state, { type: 'resume-reissue', orderRef: order.orderRef, tokenSerial: order.tokenSerial });
    }
    case 'reissued': {
      const fromCsr = s.kind === 'csr' && s.mode === 'submitting';
      const fromCard = s.kind === 'card' && s.phase === 'submitting';
      const fromCloud = s.kind === 'step1' && s.stage === 'cloud-submitting';
      if (!fromCsr && !fromCard && !fromCloud) return ignore;
      const result: Screen = {
        kind: 'result',
        result: event.result,
        via: fromCsr ? 'csr' : fromCard ? 'card' : 'cloud',
        cursor: 0,
        tokenSerial: event.tokenSerial ?? null,
        generatedKeyPath: s.kind === 'csr' ? s.generatedKeyPath : null,
        notice: null,
      };
      const install = fromCard ? event.install : undefined;
      if (!install) return to(result);
      // Issued after the portal kept it pending: straight on to the card holding the key (its PIN,
      // then the install screen's own steps); the card absent, the result says how to install it later.
      const id = event.result.certificate.id;
      if ('later' in install) return to({ ...result, cursor: 2, notice: t('notice.installLater', { reason: install.later, id }) });
      const token = findReader(install.inventory, install.reader)?.token;
      const cursor = Math.max(0, install.inventory.readers.findIndex((r) => r.module === install.reader.module && r.slotId === install.reader.slotId));
      const card = cardFor(event.result.certificate, 'install', { ...result, cursor: 2, notice: t('notice.installLater', { reason: t('notice.installSkipped'), id }) }, null, install.inventory);
      return to({ ...card, cursor, reader: install.reader, phase: token?.pin.finalTry ? 'final-try' : 'pin' });
    }

    case 'choose-reader': {
      if (s.kind !== 'card' || s.phase !== 'select') return ignore;
      const reader = findReader(s.inventory, event);
      if (!reader || !readerReady(reader, s.purpose === 'generate' ? s.algorithm : null)) return ignore;
      const sel = { module: event.module, slotId: event.slotId };
      return to({ ...s, reader: sel, phase: reader.token?.pin.finalTry ? 'final-try' : 'pin', finalTryConfirmed: false, pinError: null });
    }
    case 'pin-submit': {
      if (s.kind !== 'card' || s.phase !== 'pin') return ignore;
      const token = findReader(s.inventory, s.reader)?.token;
      if (!token) return ignore;
      const problem = validatePin(event.pin, token.pin);
      if (problem) return to({ ...s, pinError: problem });
      const next = { ...state, screen: { ...s, phase: 'progress' as const, pinError: null, progress: { phase: 'login' as const, elapsedMs: 0, failed: false } } };
      const login = { token, pin: event.pin, confirmFinalTry: s.finalTryConfirmed };
      if (s.purpose === 'generate' && s.algorithm) return run(next, { type: 'generate-on-card', cert: s.cert, algorithm: s.algorithm, ...login });
      return run(next, { type: 'install-on-card', cert: s.cert, ...login });
    }
    case 'card-progress':
      if (s.kind !== 'card' || s.phase !== 'progress') return ignore;
      return to({
        ...s,
        progress: {
          phase: event.progress.phase,
          elapsedMs: event.progress.type === 'started' ? 0 : event.progress.elapsedMs,
          failed: event.progress.type === 'failed',
        },
      });
    case 'portal-progress': {
      // Only while a copy is being issued; the latest few, the oldest scrolling away.
      const issuing = (s.kind === 'csr' && s.mode === 'submitting') || (s.kind === 'card' && s.phase === 'submitting');
      if (!issuing) return ignore;
      return to({ ...s, portalSteps: [...(s.portalSteps ?? []), event.line].slice(-PORTAL_STEPS_SHOWN) });
    }
    case 'dns-records': {
      // Shown on the screen that is issuing; with none on view nobody can create them: cancelled.
      const issuing = (s.kind === 'csr' && s.mode === 'submitting') || (s.kind === 'card' && s.phase === 'submitting');
      if (!issuing) return run(state, { type: 'answer-dns-records', published: false });
      return to({ ...s, dnsRecords: event.records });
    }
    case 'dns-records-answer': {
      const asking = ((s.kind === 'csr' && s.mode === 'submitting') || (s.kind === 'card' && s.phase === 'submitting')) && s.dnsRecords;
      if (!asking) return ignore;
      return run({ ...state, screen: { ...s, dnsRecords: null } }, { type: 'answer-dns-records', published: event.published });
    }
    case 'card-generated':
      if (s.kind !== 'card' || s.phase !== 'progress' || s.purpose !== 'generate') return ignore;
      return to({ ...s, phase: 'submitting', made: { csrPem: event.csrPem, keyId: event.keyId } });
    case 'card-installed':
      if (s.kind !== 'card' || s.phase !== 'progress' || s.purpose !== 'install') return ignore;
      return to(withNotice(s.back, t('notice.installed', { number: cardNumber(event.serial) })));
    case 'failed':
      // The card reached its final try since it was last read (no PIN was sent): ask, not a dead end.
      if (s.kind !== 'card' || s.phase !== 'progress' || event.error.code !== 'pin-final-try') return null;
      return to({ ...s, phase: 'final-try', finalTryConfirmed: false, progress: null, inventory: withFinalTry(s) });
    default:
      return null;
  }
}

/** The inventory with the chosen card at its final try (as the card itself just said). */
function withFinalTry(s: CardScreen): CardScreen['inventory'] {
  const inv = s.inventory;
  const sel = s.reader;
  if (!inv || !sel) return inv;
  const readers = inv.readers.map((r) => (r.module === sel.module && r.slotId === sel.slotId && r.token ? { ...r, token: { ...r.token, pin: { ...r.token.pin, finalTry: true } } } : r));
  return { ...inv, readers };
}

/** A reader check answered: while the checklist is on screen the next one follows after a pause. */
function nextReaderCheck(state: WizardState, s: CardScreen): Step {
  if (s.readerCheck !== 'scanning') return stay({ ...state, screen: s });
  if (s.phase !== 'select') return stay({ ...state, screen: { ...s, readerCheck: 'idle' } });
  return run({ ...state, screen: { ...s, readerCheck: 'waiting' } }, { type: 'wait', ms: READER_CHECK_MS, then: { type: 'readers-due' } });
}

/** The screens a reissue waits on: a CSR, a card key or a cloud key being issued. */
export function isSubmitting(s: Screen): boolean {
  return (s.kind === 'csr' && s.mode === 'submitting') || (s.kind === 'card' && s.phase === 'submitting') || (s.kind === 'step1' && s.stage === 'cloud-submitting');
}
