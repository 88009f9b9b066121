// A CSR travels in JSON as `{ csr, encoding? }`: PEM text as is, DER (or any non-text bytes) as
// base64. Without `encoding` the service tells them apart itself; either way the portal's own CSR
// checks then see exactly the bytes the user gave (so "this is a certificate" etc. still work).

import { usageError } from '../../domain/errors.js';
import { ALGORITHMS, KEY_SOURCES, type Algorithm, type CardEvidence, type KeySource, type ReissueRequest } from '../../domain/types.js';

export type CsrEncoding = 'pem' | 'base64';

/** Generous for base64 of a 64 KiB CSR; anything larger is refused by the body limit or the CSR checks. */
export const MAX_CSR_FIELD_CHARS = 200_000;

export const csrBodySchema = {
  type: 'object',
  required: ['csr'],
  additionalProperties: false,
  properties: {
    csr: { type: 'string', maxLength: MAX_CSR_FIELD_CHARS },
    encoding: { type: 'string', enum: ['pem', 'base64'] },
  },
} as const;

/**
 * The card evidence as JSON: what is missing or wrong in it is for the portal's rules to say
 * (cardEvidenceOf, then evidenceRefusal against the CSR's key).
 */
const cardEvidenceSchema = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(['serial', 'token', 'manufacturer', 'model', 'module', 'keyId', 'publicKeySha256'].map((k) => [k, { type: 'string', maxLength: 1000 }])),
} as const;

/** A CSR check may say how the key pair was made (and, for a card, with which evidence): the product's and the evidence rules are checked too. */
export const csrCheckBodySchema = {
  ...csrBodySchema,
  properties: { ...csrBodySchema.properties, keySource: { type: 'string', enum: ['csr', 'card'] }, card: cardEvidenceSchema },
} as const;

export interface CsrCheckBody extends CsrBody {
  keySource?: 'csr' | 'card';
  card?: CardEvidence;
}

/**
 * A reissue says where the key pair comes from: `{ csr, keySource: 'csr' }` (the default),
 * `{ csr, keySource: 'card', card: {...} }`, or `{ keySource: 'cloud', algorithm }` (no CSR: the
 * portal generates the key pair in its own key store).
 */
export const reissueBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...csrBodySchema.properties,
    keySource: { type: 'string', enum: [...KEY_SOURCES] },
    algorithm: { type: 'string', enum: [...ALGORITHMS] },
    card: cardEvidenceSchema,
  },
} as const;

export interface ReissueBody extends Partial<CsrBody> {
  keySource?: KeySource;
  algorithm?: Algorithm;
  card?: CardEvidence;
}

/** The Portal request a reissue body stands for; a body that mixes the key sources is refused. */
export function reissueRequestFromBody(body: ReissueBody): ReissueRequest {
  const source = body.keySource ?? 'csr';
  if (source === 'cloud') {
    if (body.csr !== undefined) throw usageError('csr-not-expected', 'A cloud reissue takes no CSR: the portal generates the key pair.', 'Send { "keySource": "cloud", "algorithm": "…" }.');
    if (!body.algorithm) throw usageError('algorithm-missing', 'A cloud reissue needs an "algorithm".', 'Send one of the product\'s algorithms, e.g. "ec-p256".');
    return { keySource: 'cloud', algorithm: body.algorithm };
  }
  if (body.csr === undefined) throw usageError('csr-missing', `A reissue with key source "${source}" needs a "csr".`, 'Send the CSR as PEM text or base64 DER.');
  if (body.algorithm !== undefined) throw usageError('algorithm-not-expected', 'The algorithm comes from the CSR; "algorithm" is for cloud reissues only.');
  const csr = csrBytesFromBody({ csr: body.csr, encoding: body.encoding });
  // A 'card' without (complete) evidence reaches the portal as such and is refused there.
  if (source === 'card') return { keySource: 'card', csr, card: body.card as CardEvidence };
  return { keySource: 'csr', csr };
}

export interface CsrBody {
  csr: string;
  encoding?: CsrEncoding;
}

const BASE64 = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

export function csrBytesFromBody(body: CsrBody): Uint8Array {
  const encoding = body.encoding ?? sniff(body.csr);
  if (encoding === 'base64') return new Uint8Array(Buffer.from(body.csr, 'base64'));
  return new Uint8Array(Buffer.from(body.csr, 'utf8'));
}

function sniff(text: string): CsrEncoding {
  if (text.includes('-----BEGIN ')) return 'pem';
  return text.trim() !== '' && BASE64.test(text) ? 'base64' : 'pem';
}
