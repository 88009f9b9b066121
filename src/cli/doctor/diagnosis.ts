// What `reissue doctor` gathers: plain data, written as it is to `doctor --out FILE`. Nothing in
// it is a secret: the API token is only "set" or not, a PIN is never asked for, key files and
// passphrases are never read.
import type { ModuleInfo, ReaderInfo } from '../../card/card.js';
import type { Lang } from '../../i18n/language.js';
import type { LastErrors } from '../last-errors.js';
import type { Versions } from './versions.js';

export interface ErrorInfo {
  code: string;
  message: string;
  hint: string | null;
}

export interface Diagnosis {
  generatedAt: string;
  versions: Versions;
  language: Lang;
  /** REISSUE_NOW in force, or null. */
  simulatedDate: string | null;
  settings: { portal: string; dataDir: string; module: string | null; caFile: string | null; tokenSet: boolean };
  configFile: { path: string; exists: boolean; keys: string[]; error: ErrorInfo | null };
  dataDir: { path: string; exists: boolean; writable: boolean; hasPortal: boolean };
  portal: {
    /** "local" or the URL. */
    address: string;
    reachable: boolean;
    /** null for the embedded sandbox (no token is used) or when it could not be asked. */
    tokenAccepted: boolean | null;
    name: string | null;
    certificates: number | null;
    error: ErrorInfo | null;
  };
  card: { modules: ModuleInfo[]; readers: ReaderInfo[]; error: ErrorInfo | null };
  lastErrors: LastErrors;
}
