import { ALGORITHMS, type Algorithm } from './types.js';

export type AlgorithmSpec =
  | { kind: 'RSA'; bits: 2048 | 3072 | 4096 }
  | { kind: 'EC'; curve: 'P-256' | 'P-384'; bits: 256 | 384 };

const SPECS: Record<Algorithm, AlgorithmSpec> = {
  'rsa-2048': { kind: 'RSA', bits: 2048 },
  'rsa-3072': { kind: 'RSA', bits: 3072 },
  'rsa-4096': { kind: 'RSA', bits: 4096 },
  'ec-p256': { kind: 'EC', curve: 'P-256', bits: 256 },
  'ec-p384': { kind: 'EC', curve: 'P-384', bits: 384 },
};

export function algorithmSpec(alg: Algorithm): AlgorithmSpec {
  return SPECS[alg];
}

export function isAlgorithm(value: string): value is Algorithm {
  return (ALGORITHMS as readonly string[]).includes(value);
}

/** "RSA 2048", "EC P-256": how the portal names an algorithm and size. */
export function algorithmLabel(alg: Algorithm): string {
  const s = SPECS[alg];
  return s.kind === 'RSA' ? `RSA ${s.bits}` : `EC ${s.curve}`;
}

/** The algorithm a key of this type/size corresponds to, if it is one we know. */
export function algorithmOf(keyType: string, keySize: number): Algorithm | null {
  for (const alg of ALGORITHMS) {
    const s = SPECS[alg];
    if (s.kind === keyType && s.bits === keySize) return alg;
  }
  return null;
}
