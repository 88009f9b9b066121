// The real services behind the wizard's screens (tests hand the wizard fakes instead).
import type { AnyPortal } from '../portal/portal.js';
import type { DnsRecordsRequest, WizardServices } from '../tui/services.js';
import { resolve } from 'node:path';
import { assertNewKeyOutputsFree, newKeyAndCsr } from '../flows/reissue.js';
import { writeOutputs } from '../util/files.js';
import { progressLine, type CliContext } from './context.js';
import { readInputFile } from './input.js';
import { t } from '../i18n/i18n.js';

export function createWizardServices(ctx: CliContext, portal: AnyPortal): WizardServices {
  // From now on the portal's progress lines are the wizard's to show (none reach the terminal
  // under Ink's frame); a line with no screen listening is dropped.
  const listeners = new Set<(line: string) => void>();
  ctx.portalProgress = (event) => {
    const line = progressLine(event);
    for (const listener of listeners) listener(line);
  };
  // dns-01 by hand: the records go to the wizard's runner (it hands them to the reducer, which
  // shows them on the issuing screen and answers Enter/Esc); with no runner listening the order is
  // cancelled rather than left waiting unseen.
  const dnsListeners = new Set<(request: DnsRecordsRequest | null) => void>();
  ctx.dnsManual = async (records) => {
    const { dnsManualCancelled } = await import('../portal/acme/challenges.js');
    if (dnsListeners.size === 0) throw dnsManualCancelled();
    await new Promise<void>((resolve, reject) => {
      const request: DnsRecordsRequest = {
        records,
        answer(published) {
          for (const listener of dnsListeners) listener(null);
          if (published) resolve();
          else reject(dnsManualCancelled());
        },
      };
      for (const listener of dnsListeners) listener(request);
    });
  };
  return {
    portal,
    openCard: () => ctx.card(),
    // Absolute paths: the result screen says exactly where the key went.
    generateCsr: (req) => newKeyAndCsr({ ...req, keyPath: resolve(req.keyPath) }),
    checkNewKeyPath: (path) => assertNewKeyOutputsFree(resolve(path)),
    readFile: (path) => readInputFile(resolve(path), ctx.io.stdin),
    // The wizard downloads certificates (PEM or DER): a replaced file must hold one.
    writeFile: (path, data, { overwrite }) => writeOutputs([{ path, data, what: t('cli.output.theFile'), kind: 'certificate', replace: overwrite }]),
    // @peculiar/x509 and its ASN.1 stack load only when a preview is opened, not before the first frame.
    describeCertificate: async (der) => (await import('../pki/preview.js')).describeCertificate(der),
    now: () => ctx.clock.now(),
    simulatedDate: ctx.simulatedDate !== null,
    workDir: () => process.cwd(),
    onPortalProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onDnsRecords(listener) {
      dnsListeners.add(listener);
      return () => dnsListeners.delete(listener);
    },
  };
}
