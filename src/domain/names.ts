// Which names may go into a certificate's subjectAltName as dNSName: host names (RFC 1123 labels,
// at least two, a wildcard only as the whole first label). Pure.
import { inputError } from './errors.js';

const DNS_NAME = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

export function isDnsName(name: string): boolean {
  return name.length <= 253 && DNS_NAME.test(name);
}

/**
 * The SAN of an offline CSR (`--cn` / `--domain`): the domains given, each a valid DNS name; with
 * none, the CN only when it is a domain name ("Asseco Data Systems S.A." is not).
 */
export function offlineDomains(commonName: string, domains: string[]): string[] {
  const bad = domains.filter((d) => !isDnsName(d));
  if (bad.length) {
    throw inputError('not-a-domain', `Not a domain name: ${bad.map((d) => `"${d}"`).join(', ')}. Only DNS names go into the certificate's alternative names.`, 'Give host names such as www.example.pl with --domain, or leave --domain out.');
  }
  if (domains.length) return domains;
  return isDnsName(commonName) ? [commonName] : [];
}
