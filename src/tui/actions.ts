// The wizard's runner: the one place its I/O happens. It carries out the commands the reducer
// returns (the use cases in src/flows, the loads of src/wizard/loads.ts, the pauses the reducer
// asks for) and reports every outcome as events. A PIN or passphrase is passed straight to the
// call and dropped afterwards.
import { resolve } from 'node:path';
import type { Certificate } from '../domain/types.js';
import { changeCardPin, findInstallTarget, generateOnCard, installOnCard, keepForLater, loadIssuedCertificates, unblockCardPin } from '../flows/card.js';
import { isReissueError } from '../domain/errors.js';
import { t } from '../i18n/i18n.js';
import { reissueInCloud } from '../flows/cloud.js';
import type { FlowDeps, FlowEvent } from '../flows/flow.js';
import { checkCsrFor, resumeReissue, submitReissue } from '../flows/reissue.js';
import { shownError } from '../wizard/selectors.js';
import type { WizardCommand } from '../wizard/commands.js';
import type { WizardEvent } from '../wizard/state.js';
import type { CardHolder } from './card-holder.js';
import { pageEvents } from './page-events.js';
import type { DnsRecordsRequest, WizardServices } from './services.js';
import { hasCapability } from '../portal/portal.js';
import { isPendingReissue, type ReissueOutcome } from '../domain/types.js';

export type Dispatch = (event: WizardEvent) => void;

/** The new copy, or the order the portal is still working on (the reducer asks again later). */
function outcomeEvent(outcome: ReissueOutcome, tokenSerial: string | null = null): WizardEvent {
  return isPendingReissue(outcome) ? { type: 'reissue-pending', pending: outcome.pending, tokenSerial } : { type: 'reissued', result: outcome, tokenSerial };
}

/** The one runner: carries out a command the reducer returned and reports back with events. */
export interface WizardActions {
  run(command: WizardCommand): Promise<void>;
}

export function createActions(services: WizardServices, card: CardHolder, dispatch: Dispatch): WizardActions {
  const fail = (e: unknown) => dispatch({ type: 'failed', error: shownError(e) });
  // Countdowns are computed from the time of the last answer, not the time the wizard started.
  const stamp = () => dispatch({ type: 'tick', now: services.now().toISOString() });
  const portal = services.portal;
  const deps: FlowDeps = { portal: async () => portal, card: () => card.get(), readFile: (path) => services.readFile(path) };
  const onCardEvent = (e: FlowEvent) => {
    if (e.type === 'card-progress') dispatch({ type: 'card-progress', progress: e.progress });
    else if (e.type === 'key-generated') dispatch({ type: 'card-generated', csrPem: e.csrPem, keyId: e.keyId });
  };

  // A portal that validates step by step reports each step; the reducer keeps them while it issues.
  services.onPortalProgress?.((line) => dispatch({ type: 'portal-progress', line }));
  // dns-01 by hand: the records go to the reducer; its answer (Enter/Esc) comes back as a command.
  let dnsRequest: DnsRecordsRequest | null = null;
  services.onDnsRecords?.((request) => {
    dnsRequest = request;
    if (request) dispatch({ type: 'dns-records', records: request.records });
  });

  const check = async (cert: Certificate, csr: Uint8Array) => {
    const report = await checkCsrFor(deps, cert.id, csr);
    dispatch({ type: 'csr-checked', report });
  };

  /** The reader of the card holding the key of copy `id`, or (no such card here) why. */
  const installPlace = async (id: string): Promise<Extract<WizardEvent, { type: 'reissued' }>['install']> => {
    try {
      const target = await findInstallTarget(deps, await loadIssuedCertificates(deps, { certificateId: id }), { selector: {} });
      const inventory = await (await card.get()).inventory();
      const reader = inventory.readers.find((r) => r.token?.serial === target.token.serial && r.token.label === target.token.label);
      if (reader) return { inventory, reader: { module: reader.module, slotId: reader.slotId } };
      return { later: t('notice.installSkipped') };
    } catch (e) {
      if (!isReissueError(e) || e.kind !== 'card') throw e;
      return { later: e.message };
    }
  };

  const runCommand = async (c: WizardCommand): Promise<void> => {
    switch (c.type) {
      case 'answer-dns-records': {
        const request = dnsRequest;
        dnsRequest = null;
        request?.answer(c.published);
        return;
      }
      case 'download':
        try {
          // The notice names the file as the file system does (the typed path may be relative).
          const path = resolve(services.workDir(), c.path);
          await services.writeFile(path, await portal.download(c.cert.id, c.format), { overwrite: c.overwrite });
          dispatch({ type: 'written', path });
        } catch (e) {
          if ((e as { code?: string }).code !== 'file-exists') throw e;
          dispatch({ type: 'file-exists' });
        }
        return;
      case 'revoke':
        dispatch({ type: 'revoked', cert: await portal.revoke(c.cert.id, 'unspecified') });
        return;
      case 'check-csr':
        return check(c.cert, c.csr);
      case 'check-csr-file': {
        let csr: Uint8Array;
        try {
          csr = await services.readFile(c.path);
        } catch (e) {
          // The typed path stays in its field with the reason under it.
          dispatch({ type: 'csr-file-failed', error: shownError(e) });
          return;
        }
        dispatch({ type: 'csr-file-read', csr });
        return check(c.cert, csr);
      }
      case 'check-key-path':
        try {
          await services.checkNewKeyPath(c.path);
        } catch (e) {
          dispatch({ type: 'gen-key-path-taken', error: shownError(e) });
        }
        return;
      case 'generate-csr': {
        const made = await services.generateCsr({ certificate: c.cert, algorithm: c.algorithm, keyPath: c.keyPath, ...(c.passphrase ? { passphrase: c.passphrase } : {}) });
        dispatch({ type: 'csr-generated', csrPem: made.csrPem, keyPath: made.keyPath });
        return check(c.cert, new TextEncoder().encode(made.csrPem));
      }
      case 'submit-csr': {
        const outcome = await submitReissue(deps, { certificateId: c.cert.id, request: { keySource: 'csr', csr: c.csr } });
        stamp();
        dispatch(outcomeEvent(outcome));
        return;
      }
      case 'reissue-in-cloud': {
        const outcome = await reissueInCloud(deps, { certificateId: c.cert.id, algorithm: c.algorithm });
        stamp();
        dispatch(outcomeEvent(outcome));
        return;
      }
      case 'generate-on-card': {
        const { keygen, issued } = await generateOnCard(deps, { token: c.token, pin: c.pin, confirmFinalTry: c.confirmFinalTry, subject: { certificate: c.cert }, algorithm: c.algorithm, submit: true }, onCardEvent);
        stamp();
        if (issued) dispatch(outcomeEvent(issued, keygen.token.serial));
        return;
      }
      case 'resume-reissue': {
        const outcome = await resumeReissue(deps, c.orderRef);
        stamp();
        // A card key: where its new copy goes (found by its key, no PIN), or why not now.
        if (!isPendingReissue(outcome) && outcome.certificate.keySource === 'card') {
          dispatch({ type: 'reissued', result: outcome, tokenSerial: c.tokenSerial, install: await installPlace(outcome.certificate.id) });
          return;
        }
        dispatch(outcomeEvent(outcome, c.tokenSerial));
        return;
      }
      case 'wait':
        // A pause the reducer asked for; it decides again when `then` comes back. unref: a pause
        // never keeps the process alive after the wizard has ended.
        setTimeout(() => dispatch(c.then), c.ms).unref();
        return;
      case 'load-info':
        try {
          const info = await portal.info();
          dispatch({ type: 'portal-info', name: info.name, now: info.now, capabilities: info.capabilities, terms: info.terms });
        } catch {
          // The header falls back to "portal"; the list shows the real error if the portal is down.
        }
        return;
      case 'load-page':
        try {
          for (const event of await pageEvents(portal, c.request, () => services.now())) dispatch(event);
        } catch (e) {
          dispatch({ type: 'page-failed', query: c.request.text, error: shownError(e) });
        }
        return;
      case 'load-total':
        try {
          dispatch({ type: 'total-loaded', query: c.text, total: await portal.count({ text: c.text }) });
        } catch (e) {
          dispatch({ type: 'total-failed', query: c.text, error: shownError(e) });
        }
        return;
      case 'refresh-details':
        try {
          // The e-mail list is extra: a portal that cannot answer it, or whose kind keeps none, still shows the details.
          const emails = hasCapability(portal, 'emails') ? portal.emails(c.id).catch(() => null) : null;
          const [cert, sent] = await Promise.all([portal.get(c.id), emails]);
          dispatch({ type: 'details-loaded', cert, emails: sent });
        } catch {
          // The row from the list is still shown; a failed refresh is not worth an error screen.
        }
        return;
      case 'load-pending': {
        const items = await portal.pendingRevocations();
        stamp();
        dispatch({ type: 'pending-loaded', items });
        return;
      }
      case 'load-preview': {
        const der = await portal.download(c.cert.id, 'der');
        dispatch({ type: 'preview-loaded', id: c.cert.id, text: await services.describeCertificate(der) });
        return;
      }
      case 'scan-cards':
        try {
          const service = await card.get();
          dispatch({ type: 'inventory-loaded', inventory: await service.inventory() });
        } catch (e) {
          dispatch({ type: 'inventory-failed', error: shownError(e) });
        }
        return;
      case 'cancel-card':
        await card.close();
        return;
      case 'keep-for-later': {
        const later = await keepForLater(c.csrPem, c.cert.id, c.keyId, undefined, services.workDir());
        dispatch({ type: 'kept-for-later', command: later.command });
        return;
      }
      case 'install-on-card': {
        // The portal's download is the one certificate; the card layer finds its key on the chosen card.
        const [certificate] = await loadIssuedCertificates(deps, { certificateId: c.cert.id });
        const done = await installOnCard(deps, { token: c.token, pin: c.pin, confirmFinalTry: c.confirmFinalTry, certificateDer: certificate!.der }, onCardEvent);
        dispatch({ type: 'card-installed', serial: done.token.serial });
        return;
      }
      case 'change-pin': {
        const done = await changeCardPin(deps, { token: c.token, pin: c.pin, newPin: c.newPin, confirmFinalTry: c.confirmFinalTry });
        dispatch({ type: 'pin-dialog-done', token: done.token });
        return;
      }
      case 'unblock-pin': {
        const done = await unblockCardPin(deps, { token: c.token, puk: c.puk, newPin: c.newPin, confirmFinalTry: c.confirmFinalTry });
        dispatch({ type: 'pin-dialog-done', token: done.token });
        return;
      }
    }
  };

  return {
    async run(command) {
      try {
        await runCommand(command);
      } catch (e) {
        fail(e);
      }
    },
  };
}
