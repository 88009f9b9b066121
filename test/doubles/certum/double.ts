// A stand-in for Certum's Partner API: a SOAP 1.1 server (the `soap` library) on 127.0.0.1 serving
// the WSDL reissue ships (src/portal/certum/PartnerApi.wsdl), with partner accounts, products,
// orders whose statuses advance, a test CA that issues the certificates, and switches for the
// unhappy paths (SOAP faults, slow answers). Every raw request is kept for the schema check.
//
//   const certum = await startCertumDouble();
//   certum.url        → http://127.0.0.1:PORT/service/PartnerApi (the endpoint)
//   certum.requests   → [{ operation, xml }] as received
//   certum.setBehaviour({ delayMs: 3000 }) / ({ fault: { faultstring: 'down' } }) / ({ reissuePlan: [...] })
//   await certum.stop();
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { BAD_CREDENTIALS, FAILED, Refusal } from './errors.js';
import { OPERATIONS, Operations, responseHeader, type OperationName } from './operations.js';
import { seed, DEFAULT_USERS, type SeededOrders } from './seed.js';
import { CertumState, DEFAULT_BEHAVIOUR, type Behaviour, type PartnerUser } from './state.js';
import { TestCa } from './test-ca.js';

export const WSDL_PATH = fileURLToPath(new URL('../../../src/portal/certum/PartnerApi.wsdl', import.meta.url));
export const SERVICE_PATH = '/service/PartnerApi';

export interface CertumDoubleOptions {
  /** Partner accounts; partner1 and partner2 (see seed.ts) when absent. */
  users?: PartnerUser[];
  /** The double's clock at start (it runs on from there); the real time when absent. */
  now?: Date;
  behaviour?: Partial<Behaviour>;
  port?: number;
}

export interface CapturedRequest {
  operation: string;
  /** The request exactly as it arrived (the whole SOAP envelope). */
  xml: string;
}

export interface CertumDouble {
  /** The endpoint: http://127.0.0.1:PORT/service/PartnerApi */
  url: string;
  /** The endpoint + ?wsdl: the WSDL, its soap:address pointing here. */
  wsdlUrl: string;
  /** The test CA's certificate: it signed every certificate the double hands out. */
  caPem: string;
  users: PartnerUser[];
  orders: SeededOrders;
  /** The double's data (orders, certificates, products) for tests that look inside. */
  state: CertumState;
  requests: CapturedRequest[];
  /** Every answer the double sent (envelopes), for checking them against the schema. */
  replies: string[];
  setBehaviour(change: Partial<Behaviour>): void;
  /** The double's clock. */
  now(): Date;
  /** Moves the double's clock (time-driven orders, due revocations). */
  advanceClock(ms: number): void;
  stop(): Promise<void>;
}

/** The operation named by a SOAP envelope's Body (its first element's local name). */
export function operationOf(xml: string): string {
  const m = /<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?([\w.-]+)/.exec(xml);
  return m?.[1] ?? '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startCertumDouble(opts: CertumDoubleOptions = {}): Promise<CertumDouble> {
  const users = opts.users ?? DEFAULT_USERS.map((u) => ({ ...u }));
  const ca = await TestCa.create(opts.now ?? new Date());
  const state = new CertumState(ca, users, opts.now);
  const orders = await seed(state);
  state.behaviour = { ...DEFAULT_BEHAVIOUR, planFor: {}, ...opts.behaviour };
  const operations = new Operations(state);

  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${SERVICE_PATH}`;
  const wsdl = readFileSync(WSDL_PATH, 'utf8').replace(/(<soap:address\s+location=")[^"]*(")/, `$1${url}$2`);

  const requests: CapturedRequest[] = [];
  const replies: string[] = [];

  const handler = (name: OperationName) => async (args: Record<string, unknown>) => {
    const b = state.behaviour;
    if (b.delayMs > 0) await sleep(b.delayMs);
    if (b.fault && (!b.fault.operations || b.fault.operations.includes(name))) {
      // SOAP 1.1 sends faults with HTTP 500; the library needs to be told when the handler is async.
      throw { Fault: { faultcode: b.fault.faultcode ?? 'soap:Server', faultstring: b.fault.faultstring ?? 'Certum Partner API double: fault mode', statusCode: 500 } };
    }
    await state.settle();
    const token = (args.requestHeader as { authToken?: { userName?: unknown; password?: unknown } } | undefined)?.authToken;
    const user = state.user(token?.userName === undefined ? undefined : String(token.userName), token?.password === undefined ? undefined : String(token.password));
    if (!user) return { responseHeader: responseHeader(state, {}, BAD_CREDENTIALS) };
    try {
      return await operations[name](user, args);
    } catch (e) {
      if (e instanceof Refusal) return { responseHeader: responseHeader(state, {}, FAILED, [{ errorCode: e.errorCode, value: e.value }]) };
      throw e;
    }
  };
  const port_ = Object.fromEntries(OPERATIONS.map((name) => [name, handler(name)]));
  const listener = soap.listen(server, { path: SERVICE_PATH, services: { PartnerAPIService: { PartnerServicePort: port_ } }, xml: wsdl });
  listener.log = (type: string, data: unknown) => {
    if (type === 'received' && typeof data === 'string') requests.push({ operation: operationOf(data), xml: data });
    if (type === 'replied' && typeof data === 'string') replies.push(data);
  };

  return {
    url,
    wsdlUrl: `${url}?wsdl`,
    caPem: ca.pem,
    users,
    orders,
    state,
    requests,
    replies,
    setBehaviour(change) {
      state.behaviour = { ...state.behaviour, ...change };
    },
    now: () => state.now(),
    advanceClock: (ms) => state.advanceClock(ms),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
