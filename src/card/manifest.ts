// The offline preparation manifest (`card keygen --manifest FILE`): one JSON line per key pair
// prepared on a card, appended as each is made, so a batch of cards can be prepared, carried away
// and matched up later: `submit --key-source card --manifest` takes the card evidence from it and
// `card install --manifest` names the card to insert. Lines are read back tolerantly (a line
// that is not ours is skipped), written whole with one append each.
import { appendFile, readFile } from 'node:fs/promises';
import type { Algorithm, CardEvidence } from '../domain/types.js';
import { inputError } from '../domain/errors.js';

export interface ManifestLine {
  cardSerial: string;
  tokenLabel: string;
  manufacturer: string;
  model: string;
  module: string;
  /** CKA_ID, hex. */
  keyId: string;
  keyLabel: string;
  keyUri: string;
  /** SHA-256 of the SubjectPublicKeyInfo, hex: how a CSR or certificate is matched to the line. */
  publicKeySha256: string;
  algorithm: Algorithm;
  /** The CSR file written, or null (printed only). */
  csrFile: string | null;
  /** The certificate the key is meant to reissue, when known. */
  for: string | null;
  time: string;
}

export async function appendManifestLine(file: string, line: ManifestLine): Promise<void> {
  await appendFile(file, `${JSON.stringify(line)}\n`, { encoding: 'utf8', mode: 0o644 });
}

export function parseManifest(text: string): ManifestLine[] {
  const out: ManifestLine[] = [];
  for (const raw of text.split(/\r?\n/)) {
    if (!raw.trim()) continue;
    try {
      const v = JSON.parse(raw) as Partial<ManifestLine>;
      if (typeof v.publicKeySha256 === 'string' && typeof v.cardSerial === 'string' && typeof v.keyId === 'string') out.push(v as ManifestLine);
    } catch {
      continue;
    }
  }
  return out;
}

export async function readManifest(file: string): Promise<ManifestLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw inputError('manifest-unreadable', `The manifest ${file} cannot be read: ${(e as Error).message}.`, 'Give the file `reissue card keygen --manifest` wrote.');
  }
  return parseManifest(text);
}

/** The evidence a manifest line declares, with the key hash it names (the portal checks it against the CSR's key). */
export function manifestEvidence(line: ManifestLine): CardEvidence {
  return {
    serial: line.cardSerial,
    token: line.tokenLabel,
    manufacturer: line.manufacturer,
    model: line.model,
    module: line.module.split('/').pop() ?? line.module,
    keyId: line.keyId,
    publicKeySha256: line.publicKeySha256,
  };
}
