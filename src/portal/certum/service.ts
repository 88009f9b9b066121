// The Partner API as this portal calls it: a soap Client made from the WSDL shipped with reissue
// (never fetched from the network), pointed at the chosen endpoint. The library builds and escapes
// every request from the WSDL's schema; each call carries the credentials in its requestHeader, a
// timeout named in its error, and its answer's responseHeader is checked before anything else is read.
import { Agent } from 'node:https';
import { readFile } from 'node:fs/promises';
import createDebug from 'debug';
import { Client, WSDL } from 'soap';
import { isReissueError, usageError, type ReissueError } from '../../domain/errors.js';
import { t } from '../../i18n/i18n.js';
import { responseHeader } from './answers.js';
import { answerError, faultError, timeoutError, unreachableError } from './errors.js';
import wsdlText from './PartnerApi.wsdl';

export interface CertumCredentials {
  userName: string;
  password: string;
}

export interface ServiceOptions {
  endpoint: string;
  credentials: CertumCredentials;
  timeoutMs: number;
  /** Extra CA certificates (PEM file) to trust for an https endpoint. */
  caFile?: string;
}

export interface CallResult {
  body: Record<string, unknown>;
  currentPage: number | null;
  pagesCount: number | null;
}

/** One call: the operation's arguments without the requestHeader (added here). */
export type CallPartnerApi = (operation: string, args: Record<string, unknown>, subject?: string) => Promise<CallResult>;

export async function connectPartnerApi(opts: ServiceOptions): Promise<CallPartnerApi> {
  const client = await clientFor(opts.endpoint);
  const httpsAgent = opts.caFile ? new Agent({ ca: await readFile(opts.caFile, 'utf8'), keepAlive: true }) : undefined;
  const { password } = opts.credentials;
  return async (operation, args, subject = '') => {
    const method = (client as unknown as Record<string, unknown>)[`${operation}Async`];
    if (typeof method !== 'function') throw new Error(`The shipped WSDL has no operation ${operation}`);
    // Certum's requests carry the credentials as their first element (tns:request's requestHeader).
    // The library writes elements in the order of the object's keys: each caller lists them in
    // the schema's sequence order (the request-validation test holds every one to it).
    const request = { requestHeader: { authToken: { password, userName: opts.credentials.userName } }, ...args };
    refuseUnescapedValues(request, operation);
    let answer: unknown;
    try {
      [answer] = (await method.call(client, request, { timeout: opts.timeoutMs, ...(httpsAgent ? { httpsAgent } : {}) })) as [unknown];
    } catch (e) {
      throw callError(e, operation, opts, password);
    }
    const header = responseHeader(operation, answer);
    if (header.successCode !== 0) throw answerError(operation, header.successCode, header.errors, subject);
    return { body: answer as Record<string, unknown>, currentPage: header.currentPage, pagesCount: header.pagesCount };
  };
}

/**
 * The soap library escapes every string value, except one that starts with "<![CDATA[" and ends
 * with "]]>": that is written as it is, so such a value (an order id typed by the user, a password)
 * could carry elements of its own into the request. None of Certum's values has that form: refused.
 */
function refuseUnescapedValues(value: unknown, operation: string): void {
  if (typeof value === 'string') {
    if (value.startsWith('<![CDATA[') && value.endsWith(']]>')) throw usageError('certum-unsafe-value', t('certum.unsafeValue', { operation }), t('certum.unsafeValueHint'));
    return;
  }
  if (value && typeof value === 'object') for (const v of Object.values(value)) refuseUnescapedValues(v, operation);
}

async function clientFor(endpoint: string): Promise<Client> {
  // soap's HTTP client logs every request it sends, the password with it, under DEBUG=node-soap
  // (or DEBUG=*): that namespace is switched off whatever DEBUG says.
  createDebug.enable([createDebug.disable(), '-node-soap'].filter(Boolean).join(','));
  const options = { disableCache: true };
  const wsdl = new WSDL(wsdlText, 'PartnerApi.wsdl', options);
  await new Promise<void>((resolve, reject) => wsdl.onReady((err: unknown) => (err ? reject(err) : resolve())));
  return new Client(wsdl, endpoint, options);
}

interface AxiosLikeError {
  code?: string;
  message?: string;
  root?: { Envelope?: { Body?: { Fault?: { faultstring?: unknown; faultcode?: unknown; Reason?: { Text?: unknown } } } } };
  response?: { status?: number };
}

function callError(e: unknown, operation: string, opts: ServiceOptions, password: string): ReissueError {
  if (isReissueError(e)) return e;
  const err = (e ?? {}) as AxiosLikeError;
  const fault = err.root?.Envelope?.Body?.Fault;
  if (fault) {
    const text = fault.faultstring ?? fault.Reason?.Text ?? fault.faultcode ?? 'fault';
    return faultError(operation, typeof text === 'string' ? text : JSON.stringify(text), password);
  }
  if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' || /timeout/i.test(err.message ?? '')) {
    return timeoutError(operation, Math.round(opts.timeoutMs / 100) / 10, opts.endpoint);
  }
  const status = err.response?.status;
  return unreachableError(operation, opts.endpoint, status ? `HTTP ${status}` : (err.code ?? err.message ?? 'error'), password);
}
