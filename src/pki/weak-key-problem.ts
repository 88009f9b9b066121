// The weak-key rules (weak-key.ts) applied to a parsed public key, as CSR problems with their own
// message each: what the CSR check lists and what the CA refuses to certify.
import type { CsrProblem, WeakKeyCode } from '../domain/types.js';
import { problem } from './csr-input.js';
import type { PublicKeyInfo } from './csr-parse.js';
import { ecPointWeakness, rsaWeaknesses, toBigInt, type WeakKeyFinding } from './weak-key.js';

const NEW_KEY = 'Generate a new key pair with a standard tool.';
const STANDARD_EXPONENT = 'Generate a new key pair (standard tools use exponent 65537).';

// English text of each weakness; the catalogs (csrProblem.weakKeyRule.*) say the same words.
const TEXT: Record<WeakKeyCode, { key: string; en: (v: Record<string, string | number>) => string }> = {
  'rsa-exponent-one': {
    key: 'rsaExponentOne',
    en: () => `The CSR's RSA public exponent is 1: with it the "signature" is the padded hash itself, so anyone could make signatures for this key without its private key. ${STANDARD_EXPONENT}`,
  },
  'rsa-exponent-even': { key: 'rsaExponentEven', en: (v) => `The CSR's RSA public exponent (${v.exponent}) is even; an RSA public exponent must be odd. ${STANDARD_EXPONENT}` },
  'rsa-exponent-small': {
    key: 'rsaExponentSmall',
    en: (v) => `The CSR's RSA public exponent is ${v.exponent}; it must be at least 65537 (CA/Browser Forum Baseline Requirements 6.1.6). ${STANDARD_EXPONENT}`,
  },
  'rsa-exponent-large': {
    key: 'rsaExponentLarge',
    en: () => `The CSR's RSA public exponent is larger than 2^256-1, the limit of the CA/Browser Forum Baseline Requirements (6.1.6). ${STANDARD_EXPONENT}`,
  },
  'rsa-modulus-even': { key: 'rsaModulusEven', en: () => `The CSR's RSA modulus is even, so it is not a product of two large primes and gives no security. ${NEW_KEY}` },
  'rsa-small-factor': { key: 'rsaSmallFactor', en: (v) => `The CSR's RSA modulus is divisible by ${v.factor}, so it can be factored at once. ${NEW_KEY}` },
  'rsa-prime-power': {
    key: 'rsaPrimePower',
    en: (v) => `The CSR's RSA modulus is a perfect power (a number to the power ${v.power}), not a product of two distinct primes, so it can be factored at once. ${NEW_KEY}`,
  },
  'rsa-close-primes': {
    key: 'rsaClosePrimes',
    en: () => `The CSR's RSA modulus has two prime factors so close to each other that it can be factored in moments (Fermat's method). ${NEW_KEY}`,
  },
  'rsa-roca': {
    key: 'rsaRoca',
    en: () =>
      "The CSR's RSA key has the fingerprint of the Infineon key generator flaw (ROCA, CVE-2017-15361): its private key can be computed from the public key. Generate a new key pair with a standard tool or on a device with updated firmware.",
  },
  'ec-point-infinity': { key: 'ecPointInfinity', en: () => "The CSR's EC public key is the point at infinity (the identity), which is not a valid public key. Generate a new key pair." },
  'ec-point-out-of-range': { key: 'ecPointOutOfRange', en: (v) => `The CSR's EC public key has a coordinate outside the field of ${v.curve}, so it is not a valid point. Generate a new key pair.` },
  'ec-point-not-on-curve': { key: 'ecPointNotOnCurve', en: (v) => `The CSR's EC public key is not a point on the curve ${v.curve}. Generate a new key pair.` },
  'ec-point-malformed': { key: 'ecPointMalformed', en: (v) => `The CSR's EC public key does not have the length of a ${v.curve} point. Generate a new key pair.` },
};

export const WEAK_KEY_CODES: ReadonlySet<string> = new Set(Object.keys(TEXT));

/** The weaknesses of a key the portal would otherwise certify (RSA, EC P-256/P-384); [] when none. */
export function weakKeyProblems(key: PublicKeyInfo): CsrProblem[] {
  let found: WeakKeyFinding[] = [];
  if (key.type === 'RSA' && key.rsa) found = rsaWeaknesses(toBigInt(key.rsa.modulus), toBigInt(key.rsa.exponent));
  else if (key.type === 'EC' && key.curve) {
    const weak = ecPointWeakness(key.curve, key.keyBytes);
    if (weak) found = [{ ...weak, values: { curve: key.curve } }];
  }
  return found.map((f) => {
    const text = TEXT[f.code];
    const values = f.values ?? {};
    return problem(f.code, text.en(values), { key: `csrProblem.weakKeyRule.${text.key}`, values });
  });
}
