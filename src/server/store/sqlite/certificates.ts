// Certificates, products and the chains of copies in SQLite.
import type { Product } from '../../../domain/types.js';
import type { CertificateRecord, NewCertificate } from '../records.js';
import type { CertificateStore } from '../store.js';
import type { Db } from './db.js';
import { toRecord, type CertificateRow } from '../sql-rows.js';
import { certificateSearchText } from '../search-text.js';
import { SELECT_CERTIFICATE, VISIBLE } from './rows.js';

const NEWEST_FIRST = `ORDER BY c.issued_at DESC, c.rowid DESC`;

export class SqliteCertificates implements CertificateStore {
  private readonly s;

  constructor(db: Db) {
    const p = <T = unknown>(sql: string) => db.prepare<unknown[], T>(sql);
    this.s = {
      productByName: p<{ id: number }>(`SELECT id FROM products WHERE name = ?`),
      productName: p<{ name: string }>(`SELECT name FROM products WHERE id = ?`),
      insertProduct: p(`INSERT INTO products (name, category, key_sources, algorithms) VALUES (?, ?, ?, ?)`),
      insert: p(`
        INSERT INTO certificates (id, serial, order_id, account_id, product_id, common_name, domains, subscriber,
          organization, authorization_method, not_before, not_after, der, public_key_sha256, replaces, replaced_by,
          revocation_date, revoked, revocation_reason, issued_at, search, key_source, cloud_key, card_evidence)
        VALUES (@id, @serial, @orderId, @accountId, @productId, @commonName, @domains, @subscriber,
          @organization, @authorizationMethod, @notBefore, @notAfter, @der, @publicKeySha256, @replaces, @replacedBy,
          @revocationDate, @revoked, @revocationReason, @issuedAt, @search, @keySource, @cloudKey, @cardEvidence)`),
      markDownloaded: p(`UPDATE certificates SET downloaded_at = @at WHERE id = @id AND downloaded_at IS NULL`),
      byId: p<CertificateRow>(`${SELECT_CERTIFICATE} WHERE c.id = ?`),
      visibleByIdOrSerial: p<CertificateRow>(`${SELECT_CERTIFICATE} WHERE (c.id = @id OR c.serial = @serial) AND ${VISIBLE}`),
      newestOfOrder: p<{ id: string }>(`SELECT id FROM certificates c WHERE order_id = ? ${NEWEST_FIRST} LIMIT 1`),
      // The copy and every copy before it (newest first); the depth cap only guards against a cycle.
      copyChain: p<{ id: string; der: Uint8Array }>(`
        WITH RECURSIVE chain (id, der, replaces, depth) AS (
          SELECT id, der, replaces, 0 FROM certificates WHERE id = ?
          UNION ALL
          SELECT c.id, c.der, c.replaces, chain.depth + 1 FROM certificates c JOIN chain ON c.id = chain.replaces WHERE chain.depth < 10000
        ) SELECT id, der FROM chain ORDER BY depth`),
      // The last copy of the chain of successors from a copy (itself when it has none).
      newestSuccessor: p<{ id: string }>(`
        WITH RECURSIVE chain (id, replaced_by, depth) AS (
          SELECT id, replaced_by, 0 FROM certificates WHERE id = ?
          UNION ALL
          SELECT c.id, c.replaced_by, chain.depth + 1 FROM certificates c JOIN chain ON c.id = chain.replaced_by WHERE chain.depth < 10000
        ) SELECT id FROM chain ORDER BY depth DESC LIMIT 1`),
    };
  }

  ensureProduct(product: Product): number {
    const existing = this.s.productByName.get(product.name);
    if (existing) return existing.id;
    return Number(
      this.s.insertProduct.run(product.name, product.category, JSON.stringify(product.keySources), JSON.stringify(product.algorithms)).lastInsertRowid,
    );
  }

  insertCertificate(c: NewCertificate): void {
    const search = certificateSearchText(c, this.s.productName.get(c.productId)?.name ?? '');
    this.s.insert.run({
      ...c,
      search,
      domains: JSON.stringify(c.domains),
      subscriber: JSON.stringify(c.subscriber),
      organization: c.organization ? JSON.stringify(c.organization) : null,
      der: Buffer.from(c.der.buffer, c.der.byteOffset, c.der.byteLength),
      revoked: c.revoked ? 1 : 0,
      keySource: c.keySource ?? null,
      cloudKey: c.cloudKey ? JSON.stringify(c.cloudKey) : null,
      cardEvidence: c.cardEvidence ? JSON.stringify(c.cardEvidence) : null,
    });
  }

  markDownloaded(id: string, at: string): void {
    this.s.markDownloaded.run({ id, at });
  }

  byId(id: string): CertificateRecord | null {
    const r = this.s.byId.get(id);
    return r ? toRecord(r) : null;
  }

  visible(viewer: number, id: string, serial: string): CertificateRecord | null {
    const r = this.s.visibleByIdOrSerial.get({ viewer, id, serial });
    return r ? toRecord(r) : null;
  }

  newestCopyOfOrder(orderId: string): string | null {
    return this.s.newestOfOrder.get(orderId)?.id ?? null;
  }

  copyChain(id: string): { id: string; der: Uint8Array }[] {
    return this.s.copyChain.all(id);
  }

  newestSuccessor(id: string): CertificateRecord | null {
    const newest = this.s.newestSuccessor.get(id)?.id;
    return newest ? this.byId(newest) : null;
  }
}
