// `card install --cert FILE`: which certificate of a file (one certificate or a PEM bundle, CA
// certificates included, in any order) goes onto which card. The cards are searched for each
// certificate's public key; the decision and the words for what is left out are made here. Pure.
import { cardError, inputError, type ReissueError } from '../domain/errors.js';
import { decodePemBlocks, looksLikePem } from '../pki/pem.js';
import type { KeyLocation } from './card.js';
import { certificateFields } from './der.js';
import type { ManifestLine } from './manifest.js';
import { publicKeySha256 } from './key-ids.js';
import { describeToken } from './select.js';

export interface BundleCertificate {
  der: Uint8Array;
  spki: Uint8Array;
  /** Its position in the file, from 1, for messages. */
  index: number;
}

/** Every certificate in the bytes: DER, or every CERTIFICATE block of a PEM file. */
export function certificatesIn(bytes: Uint8Array): BundleCertificate[] {
  const ders = looksLikePem(bytes) ? decodePemBlocks(Buffer.from(bytes).toString('latin1')).filter((b) => b.label === 'CERTIFICATE').map((b) => b.der) : [bytes];
  if (!ders.length) throw inputError('not-a-certificate', 'The file holds no PEM certificate ("BEGIN CERTIFICATE").', 'Use the certificate file issued by the portal (reissue download ID).', { context: 'noPem' });
  return ders.map((der, i) => {
    try {
      return { der, spki: certificateFields(der).spki, index: i + 1 };
    } catch {
      throw inputError(
        'not-a-certificate',
        `${ders.length > 1 ? `Certificate ${i + 1} in the file` : 'The file'} is not an X.509 certificate (PEM or DER).`,
        'Use the certificate file issued by the portal (reissue download ID).',
        ders.length > 1 ? { context: 'inBundle', index: i + 1 } : {},
      );
    }
  });
}

export interface InstallPlan {
  /** The certificate whose key is on a card, and that card. */
  install: { certificate: BundleCertificate; location: KeyLocation } | null;
  /** What is not installed, and why, in words (English: the JSON output's). */
  skipped: string[];
  /** The same as positions in the file (from 1) of `total`, for words in other languages. */
  left: { index: number; total: number }[];
}

/**
 * From each certificate's key locations (findKeys, same order): the one to install. More than one
 * certificate with a key on a card, or one key on several cards, is ambiguous; none at all is an
 * error that, with a manifest, names the card to insert.
 */
export function planInstall(certs: BundleCertificate[], found: KeyLocation[][], manifest: ManifestLine[] | null, narrowed = false): InstallPlan | ReissueError {
  const withKey = certs.map((c, i) => ({ certificate: c, locations: found[i] ?? [] })).filter((x) => x.locations.length);
  const left = certs.length > 1 ? certs.filter((c) => !withKey.some((w) => w.certificate === c)).map((c) => ({ index: c.index, total: certs.length })) : [];
  const skipped = left.map((l) => `Certificate ${l.index} of ${l.total} was not installed: its key is on none of the cards (a CA certificate in a bundle is expected here).`);
  if (withKey.length === 1 && withKey[0]!.locations.length === 1) {
    return { install: { certificate: withKey[0]!.certificate, location: withKey[0]!.locations[0]! }, skipped, left };
  }
  if (withKey.length > 1) {
    return inputError('several-certificates-with-keys', `${withKey.length} certificates in the file have their key on a card.`, 'Install them one at a time: one certificate per file.', { count: withKey.length });
  }
  if (withKey.length === 1) {
    const cards = withKey[0]!.locations.map((l) => describeToken(l.token)).join(', ');
    return cardError('key-on-several-cards', `The certificate's key is on more than one card: ${cards}.`, 'Choose one with --token LABEL|SERIAL|URI.', {
      // Label and number without words, for the catalogs' sentence.
      cards: withKey[0]!.locations.map((l) => `"${l.token.label}" (${l.token.serial})`).join(', '),
    });
  }
  const shas = new Set(certs.map((c) => publicKeySha256(c.spki)));
  const line = manifest?.find((l) => shas.has(l.publicKeySha256));
  if (line) {
    return cardError(
      'insert-card',
      `The key of this certificate was prepared on the card "${line.tokenLabel}" (serial ${line.cardSerial}), which is not present.`,
      `Insert that card and run the same command again.`,
      { serial: line.cardSerial, token: line.tokenLabel, keyId: line.keyId },
    );
  }
  const where = narrowed ? 'No card chosen with --token / --serial / --key' : 'No card present';
  return cardError(
    'no-matching-key',
    certs.length > 1 ? `${where} holds the key of any certificate in the file.` : `${where} holds the key of this certificate.`,
    narrowed
      ? 'Leave out --token / --serial to search every card, or check that it is the right certificate.'
      : 'Insert the card the key pair was generated on (every card of every module is searched), or give the --manifest FILE written by `card keygen --manifest` to learn which card that is.',
    // The catalog's errors.no-matching-key.message_<context>: which cards were searched, for how many certificates.
    { context: `${narrowed ? 'narrowed' : 'search'}${certs.length > 1 ? 'Bundle' : ''}` },
  );
}
