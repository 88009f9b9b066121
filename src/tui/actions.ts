// The wizard's I/O: each action calls a service and reports the outcome as events to the pure
// flow. A PIN or passphrase is passed straight to the service call and dropped afterwards.
import type { Algorithm, Certificate } from '../domain/types.js';
import { generateOnCard, installOnCard, loadIssuedCertificate, type CardLogin } from '../flows/card.js';
import type { FlowDeps, FlowEvent } from '../flows/flow.js';
import { reissueInCloud } from '../flows/cloud.js';
import { checkCsrFor, submitReissue } from '../flows/reissue.js';
import { shownError } from '../wizard/selectors.js';
import type { WizardEvent } from '../wizard/state.js';
import type { PageRequest } from '../wizard/list-window.js';
import type { CardHolder } from './card-holder.js';
import { pageEvents } from './page-events.js';
import type { WizardServices } from './services.js';

export type Dispatch = (event: WizardEvent) => void;

export interface WizardActions {
  loadInfo(): Promise<void>;
  /** One page of rows, without the count (see loadTotal). */
  loadPage(req: PageRequest): Promise<void>;
  /** The exact number of matches of a filter. */
  loadTotal(text: string): Promise<void>;
  refreshDetails(id: string): Promise<void>;
  loadPending(): Promise<void>;
  loadPreview(cert: Certificate): Promise<void>;
  download(cert: Certificate, format: 'pem' | 'der', path: string, overwrite: boolean): Promise<void>;
  revoke(cert: Certificate): Promise<void>;
  scanCards(): Promise<void>;
  checkCsr(cert: Certificate, csr: Uint8Array): Promise<void>;
  checkCsrFile(cert: Certificate, path: string): Promise<void>;
  generateCsr(cert: Certificate, algorithm: Algorithm, keyPath: string, passphrase: string): Promise<void>;
  submitCsr(cert: Certificate, csr: Uint8Array): Promise<void>;
  /** "Stored in the cloud": the portal generates the key pair and issues the copy. */
  reissueInCloud(cert: Certificate, algorithm: Algorithm): Promise<void>;
  generateOnCard(cert: Certificate, algorithm: Algorithm, login: CardLogin): Promise<void>;
  installOnCard(cert: Certificate, login: CardLogin): Promise<void>;
}

export function createActions(services: WizardServices, card: CardHolder, dispatch: Dispatch): WizardActions {
  const fail = (e: unknown) => dispatch({ type: 'failed', error: shownError(e) });
  // Countdowns are computed from the time of the last answer, not the time the wizard started.
  const stamp = () => dispatch({ type: 'tick', now: services.now().toISOString() });
  const portal = services.portal;
  const deps: FlowDeps = { portal: async () => portal, card: () => card.get(), readFile: (path) => services.readFile(path) };
  const onCardEvent = (e: FlowEvent) => {
    if (e.type === 'card-progress') dispatch({ type: 'card-progress', progress: e.progress });
    else if (e.type === 'key-generated') dispatch({ type: 'card-generated', csrPem: e.csrPem });
  };

  const check = async (cert: Certificate, csr: Uint8Array) => {
    const report = await checkCsrFor(deps, cert.id, csr);
    dispatch({ type: 'csr-checked', report });
  };

  return {
    async loadInfo() {
      try {
        const info = await portal.info();
        dispatch({ type: 'portal-info', name: info.name, now: info.now });
      } catch {
        // The header falls back to "portal"; the list shows the real error if the portal is down.
      }
    },
    async loadPage(req) {
      try {
        for (const event of await pageEvents(portal, req, () => services.now())) dispatch(event);
      } catch (e) {
        dispatch({ type: 'page-failed', query: req.text, error: shownError(e) });
      }
    },
    async loadTotal(text) {
      try {
        dispatch({ type: 'total-loaded', query: text, total: await portal.count({ text }) });
      } catch (e) {
        dispatch({ type: 'total-failed', query: text, error: shownError(e) });
      }
    },
    async refreshDetails(id) {
      try {
        // The e-mail list is extra: a portal that cannot answer it still shows the details.
        const [cert, emails] = await Promise.all([portal.get(id), portal.emails(id).catch(() => null)]);
        dispatch({ type: 'details-loaded', cert, emails });
      } catch {
        // The row from the list is still shown; a failed refresh is not worth an error screen.
      }
    },
    async loadPending() {
      try {
        const items = await portal.pendingRevocations();
        stamp();
        dispatch({ type: 'pending-loaded', items });
      } catch (e) {
        fail(e);
      }
    },
    async loadPreview(cert) {
      try {
        const der = await portal.download(cert.id, 'der');
        dispatch({ type: 'preview-loaded', id: cert.id, text: await services.describeCertificate(der) });
      } catch (e) {
        fail(e);
      }
    },
    async download(cert, format, path, overwrite) {
      try {
        const data = await portal.download(cert.id, format);
        await services.writeFile(path, data, { overwrite });
        dispatch({ type: 'written', path });
      } catch (e) {
        if ((e as { code?: string }).code === 'file-exists') dispatch({ type: 'file-exists' });
        else fail(e);
      }
    },
    async revoke(cert) {
      try {
        dispatch({ type: 'revoked', cert: await portal.revoke(cert.id, 'unspecified') });
      } catch (e) {
        fail(e);
      }
    },
    async scanCards() {
      try {
        const service = await card.get();
        dispatch({ type: 'inventory-loaded', inventory: await service.inventory() });
      } catch (e) {
        dispatch({ type: 'inventory-failed', error: shownError(e) });
      }
    },
    async checkCsr(cert, csr) {
      dispatch({ type: 'csr-check-start', csr });
      try {
        await check(cert, csr);
      } catch (e) {
        fail(e);
      }
    },
    async checkCsrFile(cert, path) {
      try {
        const csr = await services.readFile(path);
        dispatch({ type: 'csr-check-start', csr });
        await check(cert, csr);
      } catch (e) {
        fail(e);
      }
    },
    async generateCsr(cert, algorithm, keyPath, passphrase) {
      dispatch({ type: 'gen-start' });
      try {
        const made = await services.generateCsr({ certificate: cert, algorithm, keyPath, ...(passphrase ? { passphrase } : {}) });
        dispatch({ type: 'csr-generated', csrPem: made.csrPem, keyPath: made.keyPath });
        await check(cert, new TextEncoder().encode(made.csrPem));
      } catch (e) {
        fail(e);
      }
    },
    async submitCsr(cert, csr) {
      dispatch({ type: 'submit-start' });
      try {
        const result = await submitReissue(deps, { certificateId: cert.id, request: { keySource: 'csr', csr } });
        stamp();
        dispatch({ type: 'reissued', result });
      } catch (e) {
        fail(e);
      }
    },
    async reissueInCloud(cert, algorithm) {
      dispatch({ type: 'choose-algorithm', algorithm });
      try {
        const result = await reissueInCloud(deps, { certificateId: cert.id, algorithm });
        stamp();
        dispatch({ type: 'reissued', result });
      } catch (e) {
        fail(e);
      }
    },
    async generateOnCard(cert, algorithm, login) {
      dispatch({ type: 'card-started' });
      try {
        const { keygen, issued } = await generateOnCard(deps, { ...login, subject: { certificate: cert }, algorithm, submit: true }, onCardEvent);
        stamp();
        if (issued) dispatch({ type: 'reissued', result: issued, tokenSerial: keygen.token.serial });
      } catch (e) {
        fail(e);
      }
    },
    async installOnCard(cert, login) {
      dispatch({ type: 'card-started' });
      try {
        const certificate = await loadIssuedCertificate(deps, { certificateId: cert.id });
        const done = await installOnCard(deps, { ...login, certificate }, onCardEvent);
        dispatch({ type: 'card-installed', serial: done.token.serial });
      } catch (e) {
        fail(e);
      }
    },
  };
}
