// One reissue through ACME: a new order for the old copy's names (naming the copy it replaces
// when the CA offers ARI), saved in the ledger before anything else happens so a retry resumes it,
// each authorization answered and followed until valid or invalid (progress per name), the order
// finalized with the request's CSR, the chain downloaded and verified, and the new copy recorded
// with the old copy's revocation scheduled, in one transaction.
import { setTimeout as sleep } from 'node:timers/promises';
import { portalError } from '../../domain/errors.js';
import type { PendingReissue } from '../../domain/types.js';
import { t } from '../../i18n/i18n.js';
import type { PortalProgressEvent } from '../portal.js';
import { AcmeProblemError, problemText, type AcmeSession } from './client.js';
import { badIssuedChain, chainProblem, ledgerRecord, splitChain, type ParsedChain } from './certificates.js';
import type { Ledger, LedgerCertificate, PendingOrder } from './ledger.js';
import type { Responder } from './challenges.js';

export interface OrderContext {
  session: AcmeSession;
  ledger: Ledger;
  responder: () => Responder;
  now: () => Date;
  /** Days until the old copy is revoked; 0 at once, null never. */
  revokeAfterDays: number | null;
  onProgress: (event: PortalProgressEvent) => void;
  /** How long to follow the CA before answering "pending" (resumeReissue asks again). */
  patienceMs: number;
  /** Carries out the revocations due now (revokeAfterDays 0 makes the old copy due at once). */
  revokeNow: () => Promise<unknown>;
}

interface AcmeOrder {
  status: 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';
  authorizations: string[];
  finalize: string;
  certificate?: string;
  error?: { type: string; detail: string };
}

interface AcmeAuthz {
  status: 'pending' | 'valid' | 'invalid' | 'deactivated' | 'expired' | 'revoked';
  identifier: { type: string; value: string };
  wildcard?: boolean;
  challenges: { type: string; url: string; token: string; status: string; error?: { type: string; detail: string; subproblems?: never } }[];
}

const DAY_MS = 86_400_000;

/** What an order came to: the new copy (and the copy it replaced), or still pending at the CA. */
export type OrderOutcome = { pending: PendingReissue } | { copy: LedgerCertificate; old: LedgerCertificate | null };

/** Carries a saved order on from wherever the CA has it. */
export async function continueOrder(ctx: OrderContext, pending: PendingOrder): Promise<OrderOutcome> {
  const deadline = Date.now() + ctx.patienceMs;
  let order = await getOrder(ctx, pending.orderUrl);
  ctx.onProgress({ type: 'order', orderUrl: pending.orderUrl, status: order.status });
  if (order.status === 'pending') {
    const responder = ctx.responder();
    const answered: Answered[] = [];
    try {
      // Every answer first (dns-01 by hand shows all the records at once), then the CA asked.
      for (const url of order.authorizations) answered.push(await answer(ctx, responder, url));
      try {
        await responder.ready?.();
      } catch (e) {
        // Cancelled (Esc, or no Enter): the order is given up at the CA and in the ledger.
        await abandon(ctx, pending, answered);
        throw e;
      }
      for (const a of answered) {
        const done = await validate(ctx, a, deadline);
        if (!done) return stillPending(pending);
      }
    } finally {
      for (const a of answered) await a.undo?.();
      await responder.close();
    }
    order = await pollOrder(ctx, pending.orderUrl, (s) => s !== 'pending', deadline);
  }
  if (order.status === 'ready') {
    ctx.onProgress({ type: 'finalizing', orderUrl: pending.orderUrl });
    try {
      await ctx.session.post(order.finalize, { csr: Buffer.from(csrDer(pending.csr)).toString('base64url') }, [200]);
    } catch (e) {
      throw orderRefused(ctx, pending, e, 'finalize');
    }
    order = await pollOrder(ctx, pending.orderUrl, (s) => s !== 'processing' && s !== 'ready', deadline);
  }
  if (order.status === 'processing' || order.status === 'pending' || order.status === 'ready') return stillPending(pending);
  if (order.status === 'invalid') {
    ctx.ledger.dropOrder(pending.idempotencyKey);
    throw portalError('acme-order-invalid', t('acme.orderInvalid', { order: pending.orderUrl, problem: order.error ? problemText({ ...order.error, status: 0 }) : '-' }), t('acme.orderInvalidHint'), {
      orderUrl: pending.orderUrl,
      type: order.error?.type ?? null,
      detail: order.error?.detail ?? null,
    });
  }
  if (!order.certificate) throw portalError('acme-no-certificate', t('acme.noCertificate', { order: pending.orderUrl }), t('acme.orderInvalidHint'), { orderUrl: pending.orderUrl });
  return record(ctx, pending, await download(ctx, order.certificate, pending));
}

function stillPending(pending: PendingOrder): OrderOutcome {
  return { pending: { orderRef: pending.orderUrl, retryAfterMs: 5000 } };
}

async function getOrder(ctx: OrderContext, url: string): Promise<AcmeOrder> {
  return (await ctx.session.post<AcmeOrder>(url, null, [200])).data;
}

async function pollOrder(ctx: OrderContext, url: string, settled: (s: AcmeOrder['status']) => boolean, deadline: number): Promise<AcmeOrder> {
  for (let wait = 200; ; wait = Math.min(wait * 2, 2000)) {
    const order = await getOrder(ctx, url);
    if (settled(order.status) || Date.now() > deadline) return order;
    await sleep(wait);
  }
}

/** One authorization with its answer deployed (or already valid: nothing to do). */
interface Answered {
  url: string;
  name: string;
  authz: AcmeAuthz;
  challenge?: AcmeAuthz['challenges'][number];
  undo?: () => Promise<void>;
}

/** Deploys the answer to one authorization's challenge (nothing when it is already valid). */
async function answer(ctx: OrderContext, responder: Responder, url: string): Promise<Answered> {
  const authz = (await ctx.session.post<AcmeAuthz>(url, null, [200])).data;
  const name = `${authz.wildcard ? '*.' : ''}${authz.identifier.value}`;
  if (authz.status === 'valid') {
    ctx.onProgress({ type: 'authorization', identifier: name, challenge: '-', status: 'valid' });
    return { url, name, authz };
  }
  const challenge = authz.challenges.find((c) => c.type === responder.type);
  if (!challenge) {
    throw portalError('acme-no-challenge', t('acme.noChallenge', { identifier: name, challenge: responder.type, offered: authz.challenges.map((c) => c.type).join(', ') }), t('acme.noChallengeHint'), {
      identifier: name,
      challenge: responder.type,
    });
  }
  ctx.onProgress({ type: 'authorization', identifier: name, challenge: challenge.type, status: 'pending' });
  const keyAuthorization = await ctx.session.keyAuthorization(challenge);
  const undo = await responder.deploy(authz.identifier.value, challenge.token, keyAuthorization);
  return { url, name, authz, challenge, undo };
}

/** Asks the CA to validate one deployed answer and follows it; false when the CA is still deciding at the deadline. */
async function validate(ctx: OrderContext, a: Answered, deadline: number): Promise<boolean> {
  const { challenge, name, url } = a;
  let authz = a.authz;
  if (!challenge) return true;
  if (challenge.status === 'pending') {
    try {
      await ctx.session.post(challenge.url, {}, [200]);
    } catch (e) {
      if (e instanceof AcmeProblemError) throw challengeFailed(name, challenge.type, e.problem);
      throw e;
    }
  }
  for (let wait = 200; authz.status === 'pending'; wait = Math.min(wait * 2, 2000)) {
    if (Date.now() > deadline) return false;
    await sleep(wait);
    authz = (await ctx.session.post<AcmeAuthz>(url, null, [200])).data;
  }
  if (authz.status !== 'valid') {
    ctx.onProgress({ type: 'authorization', identifier: name, challenge: challenge.type, status: 'invalid' });
    const failed = authz.challenges.find((c) => c.type === challenge.type)?.error;
    throw challengeFailed(name, challenge.type, failed ? { ...failed, status: 0 } : { type: authz.status, detail: t('acme.authzStatus', { status: authz.status }), status: 0 });
  }
  ctx.onProgress({ type: 'authorization', identifier: name, challenge: challenge.type, status: 'valid' });
  return true;
}

/**
 * A cancelled order: its pending authorizations deactivated at the CA (RFC 8555 §7.5.2), so nothing
 * is left waiting there, and the order dropped from the ledger, so the next submit starts afresh.
 */
async function abandon(ctx: OrderContext, pending: PendingOrder, answered: Answered[]): Promise<void> {
  ctx.ledger.dropOrder(pending.idempotencyKey);
  for (const a of answered) {
    if (a.authz.status === 'pending') await ctx.session.post(a.url, { status: 'deactivated' }, [200]).catch(() => undefined);
  }
}

/** A failed challenge: the name, the challenge and the CA's problem document. */
function challengeFailed(identifier: string, challenge: string, problem: { type: string; detail: string; status: number }) {
  return portalError('acme-challenge-failed', t('acme.challengeFailed', { identifier, challenge, problem: problemText(problem) }), t(challenge === 'dns-01' ? 'acme.challengeFailedDnsHint' : 'acme.challengeFailedHttpHint'), {
    identifier,
    challenge,
    type: problem.type,
    detail: problem.detail,
  });
}

function orderRefused(ctx: OrderContext, pending: PendingOrder, e: unknown, step: string) {
  if (!(e instanceof AcmeProblemError)) return e;
  ctx.ledger.dropOrder(pending.idempotencyKey);
  return portalError('acme-refused', t('acme.refused', { step, problem: problemText(e.problem) }), t('acme.refusedHint'), { step, type: e.problem.type, detail: e.problem.detail });
}

async function download(ctx: OrderContext, url: string, pending: PendingOrder): Promise<ParsedChain> {
  const resp = await ctx.session.post<string>(url, null, [200]);
  const chain = typeof resp.data === 'string' ? splitChain(resp.data) : null;
  if (!chain) throw portalError('acme-no-certificate', t('acme.noCertificate', { order: pending.orderUrl }), t('acme.orderInvalidHint'), { orderUrl: pending.orderUrl });
  return chain;
}

async function record(ctx: OrderContext, pending: PendingOrder, chain: ParsedChain): Promise<OrderOutcome> {
  const old = pending.certificateId === null ? null : ctx.ledger.byId(pending.certificateId);
  if (pending.certificateId !== null && !old) throw portalError('not-found', t('acme.notFound', { id: pending.certificateId }), t('acme.notFoundHint'), { id: pending.certificateId });
  const { locateCsr } = await import('../../pki/csr-input.js');
  const located = locateCsr(Buffer.from(pending.csr, 'utf8'));
  const key = 'csr' in located ? located.csr.key.spki : undefined;
  const now = ctx.now();
  const problem = await chainProblem(chain, now, { key, names: pending.domains });
  if (problem) throw badIssuedChain(problem, pending.orderUrl);
  const copy = ledgerRecord(chain, {
    orderUrl: pending.orderUrl,
    origin: 'issued',
    keySource: pending.keySource,
    keyLocation: pending.keyLocation,
    cardEvidence: pending.cardEvidence,
    account: ctx.session.accountUrl,
    replaces: old?.id ?? null,
    obtainedAt: now.toISOString(),
  });
  if (!old) {
    ctx.ledger.recordNew(copy, pending.idempotencyKey);
    return { copy: ctx.ledger.byId(copy.id)!, old: null };
  }
  const revokeAt = ctx.revokeAfterDays === null ? null : new Date(now.getTime() + ctx.revokeAfterDays * DAY_MS).toISOString();
  ctx.ledger.recordReissue(copy, old.id, revokeAt, pending.idempotencyKey);
  if (ctx.revokeAfterDays === 0) await ctx.revokeNow().catch(() => undefined); // a failure is recorded and retried by `revocations run`
  return { copy: ctx.ledger.byId(copy.id)!, old: ctx.ledger.byId(old.id)! };
}

function csrDer(pem: string): Buffer {
  const m = /-----BEGIN (?:NEW )?CERTIFICATE REQUEST-----([\s\S]+?)-----END/.exec(pem);
  return m ? Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64') : Buffer.from(pem, 'base64');
}
