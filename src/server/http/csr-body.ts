// A CSR travels in JSON as `{ csr, encoding? }`: PEM text as is, DER (or any non-text bytes) as
// base64. Without `encoding` the service tells them apart itself; either way the portal's own CSR
// checks then see exactly the bytes the user gave (so "this is a certificate" etc. still work).

import type { CardEvidence } from '../../domain/types.js';

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

const keySource = { type: 'string', enum: ['csr', 'card'] } as const;
const evidenceText = { type: 'string', maxLength: 256 } as const;

/** A CSR check may say how the key pair was made: the product's rule is checked too. */
export const csrCheckBodySchema = {
  ...csrBodySchema,
  properties: { ...csrBodySchema.properties, keySource },
} as const;

/**
 * A reissue also says where the key pair was made (card-only products refuse 'csr'); 'card' comes
 * with the card's evidence, which the portal checks for completeness and records (keyOriginOf).
 */
export const reissueBodySchema = {
  ...csrBodySchema,
  properties: {
    ...csrBodySchema.properties,
    keySource,
    card: {
      type: 'object',
      additionalProperties: false,
      properties: { serial: evidenceText, token: evidenceText, manufacturer: evidenceText, model: evidenceText, module: evidenceText, keyId: evidenceText },
    },
  },
} as const;

export interface CsrCheckBody extends CsrBody {
  keySource?: 'csr' | 'card';
}

export interface ReissueBody extends CsrCheckBody {
  card?: CardEvidence;
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
