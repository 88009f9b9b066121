// Where `--portal certum…` sends its requests. The production and test services are the ones
// Certum's PHP SDK names (its WSDL URLs, gs.certum.pl and gs.test.certum.pl, service/PartnerApi);
// `certum:URL` names any other endpoint (a proxy, the contract double in the tests). Pure: this
// module is on the registry's path.

export const CERTUM_PRODUCTION = 'https://gs.certum.pl/service/PartnerApi';
export const CERTUM_TEST = 'https://gs.test.certum.pl/service/PartnerApi';

export interface CertumEndpoint {
  url: string;
  /** 'production', 'test', or 'custom'. */
  which: 'production' | 'test' | 'custom';
}

export function isCertumSpec(spec: string): boolean {
  return spec === 'certum' || spec === 'certum-test' || /^certum:https?:\/\//i.test(spec);
}

/** The endpoint a spec names; null when it names none (an unknown form). */
export function certumEndpoint(spec: string): CertumEndpoint | null {
  if (spec === 'certum') return { url: CERTUM_PRODUCTION, which: 'production' };
  if (spec === 'certum-test') return { url: CERTUM_TEST, which: 'test' };
  const m = /^certum:(https?:\/\/.+)$/i.exec(spec);
  return m ? { url: m[1]!, which: 'custom' } : null;
}
