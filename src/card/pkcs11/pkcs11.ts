// The slice of pkcs11js the card layer uses, as a type: the real module in production, a wrapper
// that injects faults in tests. The one file that loads the addon; with the constants (`ck`) and
// the small conversions every PKCS#11 file needs. Opening a module is module.ts's job.
import pkcs11js from 'pkcs11js';
import type { PKCS11 } from 'pkcs11js';

export type Pkcs11 = Pick<
  PKCS11,
  | 'close'
  | 'C_Initialize'
  | 'C_Finalize'
  | 'C_GetInfo'
  | 'C_GetSlotList'
  | 'C_GetSlotInfo'
  | 'C_GetTokenInfo'
  | 'C_GetMechanismList'
  | 'C_GetMechanismInfo'
  | 'C_OpenSession'
  | 'C_CloseSession'
  | 'C_Login'
  | 'C_Logout'
  | 'C_GenerateKeyPairAsync'
  | 'C_GetAttributeValue'
  | 'C_FindObjectsInit'
  | 'C_FindObjects'
  | 'C_FindObjectsFinal'
  | 'C_SignInit'
  | 'C_SignAsync'
  | 'C_CreateObject'
  | 'C_DestroyObject'
  | 'C_SetAttributeValue'
>;

export type Handle = Buffer;

/** Loads a module file; throws (dlerror text) when it cannot. */
export type Loader = (path: string) => Pkcs11;

export const loadPkcs11: Loader = (path) => {
  const p11 = new pkcs11js.PKCS11();
  p11.load(path);
  return p11;
};

export { pkcs11js as ck };

/** Exported by pkcs11js at run time but missing from its typings. */
export const CKF_TOKEN_PRESENT: number = (pkcs11js as unknown as { CKF_TOKEN_PRESENT: number }).CKF_TOKEN_PRESENT;

/** CK_ULONG attribute values come back as native-endian bytes (4 or 8). */
export function ulongOf(buf: Buffer): number {
  return buf.length >= 8 ? Number(buf.readBigUInt64LE(0)) : buf.readUInt32LE(0);
}

/** Slot handles are CK_ULONG buffers: shown as decimal, like pkcs11-tool and softhsm2-util. */
export function handleId(h: Handle): string {
  return String(ulongOf(h));
}

/** Space-padded PKCS#11 strings, trimmed. */
export const trimPadded = (s: string) => s.replace(/\0/g, '').trim();
