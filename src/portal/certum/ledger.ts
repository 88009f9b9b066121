// What this tool remembers of the reissues it asked Certum for: which order replaced which copy,
// the idempotency key, how the key was made (and the card's evidence), and when the new copy was
// enrolled — from which the old copy's revocation by Certum (14 days later) is shown as pending.
// Certum keeps the orders themselves; this file holds no secret. One JSON file per endpoint in
// the data directory (0600, written whole to a temporary file and renamed).
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CardEvidence, KeySource } from '../../domain/types.js';
import { makePrivateDir } from '../../util/private-dir.js';

export interface ReissueEntry {
  /** Certum's order id of the reissue (the pending order's reference). */
  orderId: string;
  /** The copy replaced: its id (Certum order id) and serial (hex; as Certum wrote it). */
  oldId: string;
  oldSerial: string;
  oldCertumSerial: string;
  idempotencyKey: string;
  keySource: KeySource;
  card: CardEvidence | null;
  /** SHA-256 of the CSR's public key (SPKI, hex): the enrolled certificate must carry this key. */
  publicKeySha256: string;
  requestedAt: string;
  /** When the new copy was seen enrolled (null: still pending). */
  enrolledAt: string | null;
  newSerial: string | null;
}

export class Ledger {
  private entries: ReissueEntry[] | undefined;
  readonly path: string;
  constructor(
    readonly dir: string,
    endpoint: string,
  ) {
    const tag = createHash('sha256').update(endpoint).digest('hex').slice(0, 12);
    this.path = join(dir, 'certum', `reissues-${tag}.json`);
  }

  async all(): Promise<ReissueEntry[]> {
    if (this.entries) return this.entries;
    try {
      const data = JSON.parse(await readFile(this.path, 'utf8')) as unknown;
      this.entries = Array.isArray(data) ? (data as ReissueEntry[]).filter((e) => e && typeof e.orderId === 'string') : [];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.entries = [];
    }
    return this.entries;
  }

  async byOrder(orderId: string): Promise<ReissueEntry | undefined> {
    return (await this.all()).find((e) => e.orderId === orderId);
  }

  async byKey(idempotencyKey: string): Promise<ReissueEntry | undefined> {
    return (await this.all()).find((e) => e.idempotencyKey === idempotencyKey);
  }

  /** The reissue that replaced copy `oldId`, the latest first. */
  async replacing(oldId: string): Promise<ReissueEntry | undefined> {
    return (await this.all()).filter((e) => e.oldId === oldId).at(-1);
  }

  async put(entry: ReissueEntry): Promise<void> {
    const all = (await this.all()).filter((e) => e.orderId !== entry.orderId);
    all.push(entry);
    this.entries = all;
    makePrivateDir(join(this.dir, 'certum'));
    const tmp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.path);
  }
}
