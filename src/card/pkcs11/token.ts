// Readers (slots), cards (tokens), PIN state from token flags, and which of our algorithms a
// token can generate and sign with (mechanism list + info, key size range).
import { algorithmSpec } from '../../domain/algorithms.js';
import { ALGORITHMS, type Algorithm } from '../../domain/types.js';
import type { PinState, ReaderInfo, TokenInfo } from '../card.js';
import { tokenUri } from '../uri.js';
import { ck, CKF_TOKEN_PRESENT, handleId, trimPadded, type Handle, type Pkcs11 } from './pkcs11.js';

export function pinStateOf(flags: number, minPinLen: number, maxPinLen: number): PinState {
  const has = (f: number) => (flags & f) !== 0;
  const initialized = has(ck.CKF_TOKEN_INITIALIZED);
  // A free slot reports SO-PIN bits too: the USER_PIN_* bits mean something only on a token.
  return {
    initialized,
    userPinSet: initialized && has(ck.CKF_USER_PIN_INITIALIZED),
    countLow: initialized && has(ck.CKF_USER_PIN_COUNT_LOW),
    finalTry: initialized && has(ck.CKF_USER_PIN_FINAL_TRY),
    locked: initialized && has(ck.CKF_USER_PIN_LOCKED),
    toBeChanged: initialized && has(ck.CKF_USER_PIN_TO_BE_CHANGED),
    protectedAuthPath: has(ck.CKF_PROTECTED_AUTHENTICATION_PATH),
    minLength: minPinLen,
    maxLength: maxPinLen,
  };
}

/** Our algorithms this token can both generate on-card and sign with. */
export function tokenAlgorithms(p11: Pkcs11, slot: Handle): Algorithm[] {
  let mechanisms: number[];
  try {
    mechanisms = p11.C_GetMechanismList(slot);
  } catch {
    return [];
  }
  const info = (m: number) => {
    if (!mechanisms.includes(m)) return null;
    try {
      return p11.C_GetMechanismInfo(slot, m);
    } catch {
      return null;
    }
  };
  const rsaGen = info(ck.CKM_RSA_PKCS_KEY_PAIR_GEN);
  const rsaSign = info(ck.CKM_RSA_PKCS);
  const ecGen = info(ck.CKM_EC_KEY_PAIR_GEN);
  const ecSign = info(ck.CKM_ECDSA);
  const can = (gen: typeof rsaGen, sign: typeof rsaSign, bits: number) =>
    !!gen && !!sign && (gen.flags & ck.CKF_GENERATE_KEY_PAIR) !== 0 && (sign.flags & ck.CKF_SIGN) !== 0 && inRange(gen, bits);
  return ALGORITHMS.filter((alg) => {
    const s = algorithmSpec(alg);
    return s.kind === 'RSA' ? can(rsaGen, rsaSign, s.bits) : can(ecGen, ecSign, s.bits);
  });
}

// Some tokens report 0/0 (unknown) — take that as "no limit" and let generation answer.
function inRange(info: { minKeySize: number; maxKeySize: number }, bits: number): boolean {
  if (!info.minKeySize && !info.maxKeySize) return true;
  return bits >= info.minKeySize && bits <= info.maxKeySize;
}

export function readToken(p11: Pkcs11, slot: Handle): TokenInfo {
  const t = p11.C_GetTokenInfo(slot);
  const identity = { label: trimPadded(t.label), serial: trimPadded(t.serialNumber), manufacturer: trimPadded(t.manufacturerID), model: trimPadded(t.model) };
  return { ...identity, pin: pinStateOf(t.flags, t.minPinLen, t.maxPinLen), algorithms: tokenAlgorithms(p11, slot), uri: tokenUri(identity) };
}

export interface SlotWithToken {
  slot: Handle;
  reader: ReaderInfo;
}

/** Every slot of a module, with its token when one is present. A slot that fails to answer is skipped. */
export function readSlots(p11: Pkcs11, modulePath: string): SlotWithToken[] {
  const out: SlotWithToken[] = [];
  for (const slot of p11.C_GetSlotList(false)) {
    try {
      const s = p11.C_GetSlotInfo(slot);
      const tokenPresent = (s.flags & CKF_TOKEN_PRESENT) !== 0;
      let token: TokenInfo | null = null;
      if (tokenPresent) {
        try {
          token = readToken(p11, slot);
        } catch {
          token = null; // pulled out between the two calls, or unreadable
        }
      }
      out.push({ slot, reader: { module: modulePath, slotId: handleId(slot), name: trimPadded(s.slotDescription), tokenPresent, token } });
    } catch {
      continue;
    }
  }
  return out;
}
