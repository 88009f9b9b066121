// The errorCodes the double answers with: Certum's own numbers and meanings, as its PHP SDK lists
// them (PartnerAPIError.php). successCode 0 = done, 1 = refused (the codes in responseHeader/errors),
// 2 = the requestHeader/authToken credentials are wrong (the SDK's English catalogue).
export const SUCCESS = 0;
export const FAILED = 1;
export const BAD_CREDENTIALS = 2;

export const E = {
  keyTooShort: 1000, // CSR key length is too short
  keyAlgorithmUnsupported: 1001, // public key algorithm from CSR is not supported
  csrNoCommonName: 1015, // attribute CommonName from CSR not found
  publicKeyUsed: 1032, // public key from CSR has already been used
  orderNotFound: 1033, // order ID does not exist
  fromDateInvalid: 1110,
  toDateInvalid: 1111,
  revokeParametersMissing: 1131,
  revokeSerialMissing: 1132,
  revokeNoCertificate: 1133, // no certificate at given serial number
  revokeSerialTooLong: 1134,
  revokeReasonInvalid: 1135,
  revokeNoteTooLong: 1142,
  revokeDuringRevocation: 1143, // certificate is during revocation process
  revokeExpired: 1144,
  revokeAlreadyRevoked: 1145,
  revokeSerialNotHex: 1146,
  keyTooLong: 1150,
  pageOutOfRange: 1153, // page number has to be from range [1 - 100]
  pageNotFound: 1155,
  certificateNotFound: 1159,
  serialMissing: 1160, // certificate serial number is missing
  getCertificateNothingGiven: 1162, // serial number or order identifier required
  getCertificateBothGiven: 1163, // cannot occur simultaneously
  certificateAmbiguous: 1164, // serial number OR certificate in PEM form
  certificateFormat: 1165, // certificate should be in PEM form
  cnMismatch: 1168,
  otherAccount: 1170, // certificate issued from different account
  validityDaysLeftInvalid: 2052,
  toBeforeFrom: 2057,
  notReissuable: 2094, // the certificate does not meet the reissue conditions
  serialNotHex: 2096,
  csrInvalid: 2097, // the ReissueCertificate/CSR element is not a valid CSR request
  keyCompromiseDateWithoutReason: 2104,
  reissueSimplySign: 2122, // reissue for products on SimplySign is unavailable
  hashAlgorithmUnsupported: 2124,
  csrSignature: 2125,
  notNewestCopy: 2126, // cannot reissue the same certificate again
} as const;

/** A refusal the double answers in responseHeader (successCode 1), not as a SOAP fault. */
export class Refusal extends Error {
  constructor(
    readonly errorCode: number,
    readonly value?: string,
  ) {
    super(`Certum errorCode ${errorCode}${value ? ` (${value})` : ''}`);
  }
}

export function refuse(errorCode: number, value?: string): never {
  throw new Refusal(errorCode, value);
}
