// The `?` overlay: what the current step is for and which keys it takes. Texts follow the
// reference manual so that a support desk and its customer read the same words.
import type { WizardState } from './state.js';

export interface HelpText {
  title: string;
  lines: string[];
}

const REASONS = [
  'Reasons to reissue: the private key was lost; another key algorithm or',
  'length is needed; an installation error or certificate/private key',
  'mismatch; the web server or hosting provider was changed.',
];

/** The overlay's border and padding leave 76 columns of an 80-column terminal. */
export const HELP_WIDTH = 76;

export function helpFor(state: WizardState): HelpText {
  const s = state.screen;
  switch (s.kind) {
    case 'list':
      return {
        title: 'Certificates',
        lines: [
          'Your certificates. Open one with Enter to see its details and reissue it.',
          'A badge "revoked in N d" marks a copy that was reissued: it stays valid',
          'until its automatic revocation, 14 days after the new copy was issued.',
          '',
          '↑/↓ PgUp/PgDn Home/End move · / filter (CN, domain, order, serial, product)',
          'p pending revocations · Enter details · q quit',
        ],
      };
    case 'pending':
      return { title: 'Pending revocations', lines: ['Copies replaced by a reissue, revoked automatically on the date shown.', 'Install the new copy before that date.', '', '↑/↓ move · Enter details · Esc back'] };
    case 'details':
      return {
        title: 'Certificate details',
        lines: ['Every field of the order and the certificate. The action row below them:', 'preview, download PEM/DER, reissue (new key pair, same expiry date),', 'revoke, and install on card for card keys.', '', '←/→ choose an action · Enter run it · Esc back to the list'],
      };
    case 'preview':
      return { title: 'Certificate preview', lines: ['A readable dump of the certificate.', '', '↑/↓ PgUp/PgDn scroll · Esc back'] };
    case 'download':
      return { title: 'Download', lines: ['Type where to save the file. An existing file is replaced only after', 'you confirm.', '', 'Enter save · Esc back'] };
    case 'revoke':
      return { title: 'Revoke certificate', lines: ['Revoking is immediate and cannot be undone.', '', 'y revoke · n / Esc keep it'] };
    case 'step1':
      return {
        title: 'Reissue — Choose generation method',
        lines: [
          'Reissue gives a new copy of the certificate with a new key pair and the same',
          'expiration date. The previous copy is revoked automatically 14 days later.',
          ...REASONS,
          'CSR: a request from a generator or the server (or generated here).',
          'Card: the key pair is generated on the cryptographic card.',
          '',
          '↑/↓ choose · Enter Next · Esc Cancel',
        ],
      };
    case 'csr':
      return {
        title: 'Reissue — Key generation (CSR)',
        lines: [
          'Paste a CSR (the whole -----BEGIN ... REQUEST----- block), load it from a',
          'file, or generate a new key and CSR here (the key is saved where you say).',
          'The CSR is checked first; "✓ Correct" means Next will issue the new copy.',
          '',
          'Enter Next · Esc Back',
        ],
      };
    case 'card':
      return {
        title: s.purpose === 'install' ? 'Install on card' : 'Reissue — Key generation (card)',
        lines: [
          'Connect the reader, insert the card; its common profile must have a PIN.',
          'The PIN is typed masked (the length the card allows), never shown or stored.',
          'Generation may take up to several minutes. Do not remove the card from the',
          'reader during the operation.',
          '',
          '↑/↓ reader · Enter Ok · Esc Back',
        ],
      };
    case 'result':
      return {
        title: 'Reissued',
        lines: [
          'The new copy has the same expiry date as the old one. The old copy is',
          'revoked automatically on the date shown: install the new copy before then.',
          '',
          '←/→ choose an action · Enter run it · Esc back to the list',
        ],
      };
    case 'error':
      return { title: 'Error', lines: ['Something failed; the message says what and the hint what to do next.', '', 'Enter / Esc back'] };
  }
}
