// The portal service: accounts and tokens, and each account's view of the portal (a Portal).
// Used in-process by LocalPortal and behind HTTP by `reissue serve`.
import { createHash, randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../domain/clock.js';
import { portalError, usageError } from '../domain/errors.js';
import type { Role } from '../domain/types.js';
import type { Portal } from '../portal/portal.js';
import { AccountPortal, type PortalHost } from './account-portal.js';
import { openPortalData, type PortalData } from './open.js';
import { runDueRevocations } from './revocations.js';
import type { DataDirLayout } from './datadir.js';
import type { PortalCa } from './portal-ca.js';
import { postgresFailure } from './store/postgres/failure.js';
import { sqliteFailure } from './store/sqlite/db.js';
import type { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { AccountRecord } from './store/records.js';
import type { AsyncPortalStore } from './store/store.js';
import { sandboxKeyStore, type CloudKeyStore } from './cloud/key-store.js';
import { reminderMessage, type MessageContext } from './mail/messages.js';
import { Outbox } from './mail/outbox.js';
import { DEFAULT_MAIL_FROM, fileTransport, smtpTransport } from './mail/transport.js';
import type { MailLanguage } from './mail/templates.js';

export interface AccountDirectory {
  /** The account name a plaintext API token belongs to, or null (tokens are stored hashed). */
  accountForToken(token: string): Promise<string | null>;
  /** The portal as this account sees it (customer: own certs; partner: own + its customers'). */
  portalFor(account: string): Promise<Portal>;
}

export interface PortalService extends AccountDirectory {
  createAccount(name: string, role: 'customer' | 'partner', partner?: string): Promise<void>;
  /** A new API token for the account: plaintext, shown once; only its hash is stored. */
  createToken(account: string): Promise<string>;
  /** Carries out every revocation whose date has come; returns how many. */
  runDueRevocations(): Promise<number>;
  close(): void;
}

export interface OpenPortalServiceOptions {
  dataDir: string;
  /** A PostgreSQL URL (postgres://…) to keep the portal in, shared by several instances; default: DATA_DIR/portal.sqlite. */
  store?: string;
  clock: Clock;
  /** Seed the demo data when the directory is new (default true). Never re-seeds. */
  seed?: boolean;
  mail?: MailOptions;
  /** The key store for cloud keys; by default the sandbox's software store in the data directory. */
  cloudKeys?: () => Promise<CloudKeyStore>;
  /** Where background failures (e-mail delivery, installing a cloud certificate) are reported. */
  log?: (line: string) => void;
  /** Real time, for scheduling e-mail delivery (REISSUE_NOW does not move it); tests pass their own. */
  wallClock?: Clock;
}

export interface MailOptions {
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…; unset: .eml files in DATA_DIR/outbox/. */
  smtp?: string;
  from?: string;
  /** Days before a replaced copy's revocation that its reminder is sent (default 3). */
  reminderDays?: number;
  lang?: MailLanguage;
}

export const DEFAULT_REMINDER_DAYS = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function openPortalService(opts: OpenPortalServiceOptions): Promise<LocalPortalService> {
  const data = await openPortalData(opts.dataDir, opts.clock, opts.seed ?? true, opts.store);
  const service = new LocalPortalService(data, opts.clock, opts);
  try {
    await service.loadAccounts();
    await service.runDueRevocations();
    // Messages left unsent by an earlier process (a failure, a restart) go out now.
    if (await service.outbox.hasDue()) service.outbox.kick();
  } catch (e) {
    service.close();
    throw e;
  }
  return service;
}

const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const TOKEN_PREFIX = 'rsk_';

/** The concrete service; bulk loading and tests reach its store and CA through it. */
export class LocalPortalService implements PortalService, PortalHost {
  readonly layout: DataDirLayout;
  readonly store: AsyncPortalStore;
  /** The SQLite store underneath (null on another driver). */
  readonly sqlite: SqliteStore | null;
  /** The PostgreSQL URL when the portal is kept there. */
  private readonly storeUrl: string | undefined;
  // Accounts by name, loaded on open and kept as this service creates them: forAccount() answers
  // from here without a round trip (accounts are few); portalFor() looks a new one up.
  private readonly accounts = new Map<string, AccountRecord>();
  /** The sandbox CA; `await ca.signing()` for the part that signs (loaded on first use). */
  readonly ca: PortalCa;
  /** True when opening created a new sandbox portal (worth telling the user where). */
  readonly created: boolean;
  readonly outbox: Outbox;
  readonly messages: MessageContext;
  readonly reminderDays: number;
  readonly log: (line: string) => void;
  private readonly portals = new Map<string, AccountPortal>();
  private readonly openCloudKeys: () => Promise<CloudKeyStore>;
  private cloudKeyStore: Promise<CloudKeyStore> | null = null;
  private closed = false;

  readonly wallClock: Clock;

  constructor(data: PortalData, readonly clock: Clock, opts: Pick<OpenPortalServiceOptions, 'mail' | 'cloudKeys' | 'log' | 'wallClock' | 'store'> = {}) {
    this.layout = data.layout;
    this.store = data.store;
    this.sqlite = data.sqlite;
    this.storeUrl = opts.store;
    this.ca = data.ca;
    this.created = data.created;
    this.log = opts.log ?? (() => {});
    this.wallClock = opts.wallClock ?? systemClock;
    const mail = opts.mail ?? {};
    this.reminderDays = mail.reminderDays ?? DEFAULT_REMINDER_DAYS;
    this.messages = { lang: mail.lang ?? 'en', portal: 'reissue SANDBOX portal' };
    const from = mail.from ?? DEFAULT_MAIL_FROM;
    this.outbox = new Outbox({
      store: this.store,
      transport: mail.smtp ? smtpTransport(mail.smtp, from) : fileTransport(this.layout.outbox, from),
      guard: (fn) => this.guard(fn),
      portalNow: () => this.clock.now(),
      wallNow: () => this.wallClock.now(),
      log: this.log,
    });
    this.openCloudKeys = opts.cloudKeys ?? (async () => sandboxKeyStore(this.layout.dir));
  }

  /** The cloud key store, opened on first use (a PKCS#11 module is loaded only when needed). */
  cloudKeys(): Promise<CloudKeyStore> {
    if (!this.cloudKeyStore) {
      const opening = this.openCloudKeys();
      opening.catch(() => {
        if (this.cloudKeyStore === opening) this.cloudKeyStore = null;
      });
      this.cloudKeyStore = opening;
    }
    return this.cloudKeyStore;
  }

  async accountForToken(token: string): Promise<string | null> {
    if (typeof token !== 'string' || !token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    return this.guard(() => this.store.accountForTokenHash(tokenHash(token)));
  }

  /** Every account, read once on open. */
  async loadAccounts(): Promise<void> {
    for (const name of await this.guard(() => this.store.accountNames())) {
      const account = await this.guard(() => this.store.account(name));
      if (account) this.accounts.set(name, account);
    }
  }

  /** The portal of an account this service knows (from open, or created since). */
  forAccount(name: string): AccountPortal {
    const cached = this.portals.get(name);
    if (cached) return cached;
    const account = this.accounts.get(name);
    if (!account) throw unknownAccount(name);
    const portal = new AccountPortal(this, account);
    this.portals.set(name, portal);
    return portal;
  }

  /** The portal of any account, also one another process created after this one opened. */
  async portalFor(name: string): Promise<AccountPortal> {
    if (!this.accounts.has(name)) {
      const account = await this.guard(() => this.store.account(name));
      if (account) this.accounts.set(name, account);
    }
    return this.forAccount(name);
  }

  async createAccount(name: string, role: Role, partner?: string): Promise<void> {
    if (!ACCOUNT_NAME.test(name)) {
      throw usageError('bad-account-name', `"${name}" is not a valid account name.`, 'Use 1–64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit.', { name });
    }
    if (role !== 'customer' && role !== 'partner') throw usageError('bad-role', `The role must be customer or partner, not "${String(role)}".`, undefined, { role: String(role) });
    if (partner !== undefined && role !== 'customer') throw usageError('bad-option', 'Only a customer account can belong to a partner.');
    await this.guard(() =>
      this.store.write(async () => {
        if (await this.store.account(name)) throw portalError('account-exists', `The account "${name}" already exists.`, 'Choose another name.', { name });
        let partnerId: number | null = null;
        if (partner !== undefined) {
          const p = await this.store.account(partner);
          if (!p) throw unknownAccount(partner);
          if (p.role !== 'partner') throw portalError('not-a-partner', `The account "${partner}" is a customer, not a partner.`, 'Name a partner account with --partner.', { name: partner });
          partnerId = p.id;
        }
        const id = await this.store.insertAccount(name, role, partnerId, this.clock.now().toISOString());
        this.accounts.set(name, { id, name, role, partnerId });
      }),
    );
  }

  async createToken(accountName: string): Promise<string> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    await this.guard(async () => {
      const account = await this.store.account(accountName);
      if (!account) throw unknownAccount(accountName);
      await this.store.insertToken(tokenHash(token), account.id, this.clock.now().toISOString());
    });
    return token;
  }

  runDueRevocations(): Promise<number> {
    return this.runDue(this.clock.now());
  }

  /**
   * Carries out due revocations and queues due reminders (then starts delivering them); returns
   * how many revocations were carried out. Runs before every answer, so it reads first and only
   * takes the write lock when something is due.
   */
  async runDue(now: Date): Promise<number> {
    const revoked = await this.guard(() => runDueRevocations(this.store, now));
    if ((await this.guard(() => this.queueReminders(now))) > 0) this.outbox.kick();
    return revoked;
  }

  /** One reminder per replaced copy, ever: the outbox's UNIQUE (kind, certificate_id) decides. */
  private async queueReminders(now: Date): Promise<number> {
    const at = now.toISOString();
    const horizon = new Date(now.getTime() + this.reminderDays * DAY_MS).toISOString();
    if (!(await this.store.anyReminderDue(at, horizon))) return 0;
    return this.store.write(async () => {
      let queued = 0;
      for (const replaced of await this.store.reminderDue(at, horizon)) {
        // The copy to use: its successor may itself have been replaced since (k1 → k2 → k3).
        const successor = await this.store.newestSuccessor(replaced.replacedBy!);
        if (!successor) continue;
        const message = reminderMessage(this.messages, replaced, successor, now);
        if (await this.store.queueReminder({ certificateId: replaced.id, relatedId: successor.id, message, createdAt: at, nextAttemptAt: this.wallClock.now().toISOString() })) queued++;
      }
      return queued;
    });
  }

  /** Waits for e-mail delivery under way and closes the cloud key store; then close(). */
  async settle(): Promise<void> {
    await this.outbox.settled();
    const keys = this.cloudKeyStore;
    this.cloudKeyStore = null;
    await keys?.then((k) => k.close()).catch(() => {});
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // SQLite closes at once; a server connection pool ends in the background (nothing waits on it).
    this.store.close().catch(() => {});
  }

  /** Runs `fn`, turning SQLite failures into ReissueErrors that name the database file. */
  async guard<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw portalError('portal-closed', 'The portal was already closed.');
    try {
      return await fn();
    } catch (e) {
      throw this.storeFailure(e);
    }
  }

  storeFailure(e: unknown): unknown {
    return this.storeUrl ? postgresFailure(e, this.storeUrl) : sqliteFailure(e, this.layout.db);
  }
}

function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function unknownAccount(name: string) {
  return portalError('unknown-account', `There is no account "${name}" in this portal.`, 'Create it with `reissue admin account create NAME --role customer|partner`.', { name });
}
