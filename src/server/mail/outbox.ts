// Delivering the outbox. Messages are queued in the same transaction as what causes them (a
// reissue, a reminder falling due) and handed to the transport only after commit, so a slow or
// failing mail server never blocks or undoes a reissue. A failed attempt is retried with
// exponential back-off (30 s doubling up to an hour), across restarts: the schedule is in the
// database. Each attempt first claims its row, so two processes never send one message twice.
// Scheduling uses the wall clock; the portal clock (REISSUE_NOW) only dates what users see.
import type { AsyncPortalStore as PortalStore } from '../store/store.js';
import type { MailTransport } from './transport.js';

const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;
/** How long one attempt holds its message before another process may try it. */
const CLAIM_MS = 2 * 60_000;

/** Wait before attempt `attempts + 1` after `attempts` failures (pure, tested directly). */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

export interface OutboxOptions {
  store: PortalStore;
  transport: MailTransport;
  /** Runs a store call (turns SQLite failures into portal errors). */
  guard: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The portal's time, for sent_at. */
  portalNow: () => Date;
  wallNow?: () => Date;
  log?: (line: string) => void;
}

export class Outbox {
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly o: OutboxOptions) {}

  /** Starts delivering what is due, unless a run is under way (which then runs once more). */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.deliverDue();
        } while (this.again);
      } catch (e) {
        this.o.log?.(`E-mail delivery failed: ${(e as Error).message}`);
      } finally {
        this.running = null;
      }
    })();
  }

  /** Resolves when the current run (if any) has finished. Never rejects. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  /** True when some unsent message is due now (a cheap read for timers). */
  async hasDue(): Promise<boolean> {
    const at = await this.o.guard(() => this.o.store.nextUnsentAt());
    return at !== null && at <= this.wall().toISOString();
  }

  private wall(): Date {
    return this.o.wallNow?.() ?? new Date();
  }

  private async deliverDue(): Promise<void> {
    const { store, guard, transport } = this.o;
    const now = this.wall();
    for (const mail of await guard(() => store.unsentDue(now.toISOString()))) {
      const claimed = await guard(() => store.claimEmail(mail.id, now.toISOString(), new Date(now.getTime() + CLAIM_MS).toISOString()));
      if (!claimed) continue;
      try {
        const where = await transport.send(mail);
        await guard(() => store.emailSent(mail.id, this.o.portalNow().toISOString(), where));
      } catch (e) {
        const next = new Date(this.wall().getTime() + retryDelayMs(mail.attempts + 1)).toISOString();
        const why = (e as Error).message ?? String(e);
        await guard(() => store.emailFailed(mail.id, why, next));
        this.o.log?.(`E-mail ${mail.id} to ${mail.message.to} not delivered (${why}); next try at ${next}.`);
      }
    }
  }
}
