// A plain soap-library client for the double's own tests: made from the WSDL the double serves,
// so those tests also show the served WSDL works. The product's client lives in src/portal/certum.
import * as soap from 'soap';
import type { CertumDouble } from './double.js';
import type { PartnerUser } from './state.js';

export interface Answer {
  responseHeader: { successCode: number; errors?: { Error: { errorCode: number; value?: string }[] | { errorCode: number; value?: string } }; currentPage?: number; pagesCount?: number; returnCount?: number; timestamp: unknown };
  [key: string]: unknown;
}

export type Call = (operation: string, args?: Record<string, unknown>, opts?: { timeout?: number; user?: PartnerUser }) => Promise<Answer>;

export async function clientFor(certum: Pick<CertumDouble, 'wsdlUrl' | 'users'>, user: PartnerUser = certum.users[0]!): Promise<Call> {
  const client = await soap.createClientAsync(certum.wsdlUrl);
  return async (operation, args = {}, opts = {}) => {
    const who = opts.user ?? user;
    const method = (client as unknown as Record<string, (a: unknown, o: unknown) => Promise<[Answer]>>)[`${operation}Async`]!;
    const [answer] = await method.call(client, { requestHeader: { authToken: { password: who.password, userName: who.userName } }, ...args }, { timeout: opts.timeout });
    return answer;
  };
}

/** The errorCodes of an answer (empty when it succeeded). */
export function errorCodes(answer: Answer): number[] {
  const e = answer.responseHeader.errors?.Error;
  if (!e) return [];
  return (Array.isArray(e) ? e : [e]).map((x) => Number(x.errorCode));
}

/** A repeated element the soap library gives as one object when there is one: always a list. */
export function list<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
