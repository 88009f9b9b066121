// What the screens may use, handed in through React context: the real binary passes adapters
// (src/cli/wizard-services.ts), tests pass fakes. Screens never import pkcs11js, SQLite or fs.
import { createContext, useContext } from 'react';
import type { CardService } from '../card/card.js';
import type { Algorithm, Certificate } from '../domain/types.js';
import type { AnyPortal } from '../portal/portal.js';

export interface WizardServices {
  portal: AnyPortal;
  /** Lazy: loads the PKCS#11 layer only when the card path is taken. */
  openCard(): Promise<CardService>;
  generateCsr(req: { certificate: Certificate; algorithm: Algorithm; keyPath: string; passphrase?: string }): Promise<{ csrPem: string; keyPath: string }>;
  readFile(path: string): Promise<Uint8Array>;
  /** Throws ReissueError code 'file-exists' when a private key is already at `path`. */
  checkNewKeyPath(path: string): Promise<void>;
  /** Throws ReissueError code 'file-exists' when the file exists and `overwrite` is false. */
  writeFile(path: string, data: Uint8Array, opts: { overwrite: boolean }): Promise<void>;
  /** Readable dump for "Certificate preview"; async so the X.509 code loads only when a preview opens. */
  describeCertificate(der: Uint8Array): Promise<string>;
  now(): Date;
  /** REISSUE_NOW is in force: the header says SIMULATED DATE. */
  simulatedDate?: boolean;
  /** Where a CSR left unsubmitted is kept (the current directory). */
  workDir(): string;
  /**
   * The portal's step-by-step progress while it issues (an ACME CA: order, each name's challenge,
   * finalizing), one line each; returns the unsubscribe. Absent: the portal reports none.
   */
  onPortalProgress?(listener: (line: string) => void): () => void;
  /**
   * dns-01 by hand: the TXT records the CA waits for, with the answer (true: published, ask the CA;
   * false: cancel the order); null when the question is gone. Returns the unsubscribe.
   */
  onDnsRecords?(listener: (request: DnsRecordsRequest | null) => void): () => void;
}

export interface DnsRecordsRequest {
  records: { name: string; value: string }[];
  answer(published: boolean): void;
}

export const ServicesContext = createContext<WizardServices | null>(null);

export function useServices(): WizardServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() must be used inside <ServicesContext.Provider>.');
  return services;
}
