// The portal database's schema, as numbered migrations. PRAGMA user_version holds how many have
// been applied; each runs in its own IMMEDIATE transaction, so two processes opening the same
// database at once apply it exactly once. Never edit a released migration: append a new one.
import type { Database } from 'better-sqlite3';
import { NewerPortalDatabase, NotAPortalDatabase } from '../schema-errors.js';

export const MIGRATIONS: readonly string[] = [
  // 1: accounts, tokens, products, certificates, idempotency records.
  `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  CREATE TABLE accounts (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    role       TEXT NOT NULL CHECK (role IN ('customer', 'partner')),
    partner_id INTEGER REFERENCES accounts (id),
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX accounts_by_partner ON accounts (partner_id);

  -- Only the SHA-256 of a token is kept; the token itself is shown once.
  CREATE TABLE api_tokens (
    token_sha256 TEXT PRIMARY KEY,
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    created_at   TEXT NOT NULL
  ) STRICT;

  CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    category    TEXT NOT NULL,
    key_sources TEXT NOT NULL, -- JSON array of 'csr' | 'card'
    algorithms  TEXT NOT NULL  -- JSON array of Algorithm
  ) STRICT;

  -- One row per copy. Order data (subject, domains, people) is copied onto each copy so a
  -- reissue can take it from the copy it replaces.
  CREATE TABLE certificates (
    id                   TEXT PRIMARY KEY,
    serial               TEXT NOT NULL UNIQUE CHECK (serial = lower(serial)),
    order_id             TEXT NOT NULL,
    account_id           INTEGER NOT NULL REFERENCES accounts (id),
    product_id           INTEGER NOT NULL REFERENCES products (id),
    common_name          TEXT NOT NULL,
    domains              TEXT NOT NULL, -- JSON array
    subscriber           TEXT NOT NULL, -- JSON Subscriber
    organization         TEXT,          -- JSON Organization or NULL
    authorization_method TEXT NOT NULL,
    not_before           TEXT NOT NULL, -- ISO 8601, UTC, whole seconds
    not_after            TEXT NOT NULL,
    der                  BLOB NOT NULL,
    public_key_sha256    TEXT NOT NULL,
    replaces             TEXT REFERENCES certificates (id),
    replaced_by          TEXT REFERENCES certificates (id),
    revocation_date      TEXT,          -- scheduled (revoked = 0) or done (revoked = 1)
    revoked              INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    revocation_reason    TEXT,
    issued_at            TEXT NOT NULL,
    search               TEXT NOT NULL  -- lower-cased CN, domains, order id, serial, product
  ) STRICT;
  -- Covers listing and filtering (visibility, text, newest first) without reading the big rows.
  CREATE INDEX certificates_by_account ON certificates (account_id, issued_at, search);
  CREATE INDEX certificates_by_order ON certificates (order_id, issued_at);
  CREATE INDEX certificates_by_public_key ON certificates (public_key_sha256);
  CREATE INDEX certificates_due ON certificates (revocation_date) WHERE revoked = 0 AND revocation_date IS NOT NULL;
  -- A copy has at most one successor, whatever the application does.
  CREATE UNIQUE INDEX certificates_one_successor ON certificates (replaces) WHERE replaces IS NOT NULL;

  CREATE TABLE idempotency (
    account_id         INTEGER NOT NULL REFERENCES accounts (id),
    key                TEXT NOT NULL,
    request_sha256     TEXT NOT NULL,
    certificate_id     TEXT NOT NULL REFERENCES certificates (id),
    new_certificate_id TEXT NOT NULL REFERENCES certificates (id),
    created_at         TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
  ) STRICT;
  `,
  // 2: a trigram index over certificates.search, so a filter of 3+ characters reads the few rows
  // holding all its trigrams instead of every row. External content (the text stays in
  // certificates only) and detail='none' (no positions: the store re-checks each candidate with
  // instr) keep it small; triggers keep it in step with every write of the search column.
  // A slim (account_id) index counts an account's certificates without reading their search text.
  `
  CREATE VIRTUAL TABLE certificates_search USING fts5(
    search, content = 'certificates', content_rowid = 'rowid', tokenize = 'trigram', detail = 'none'
  );
  INSERT INTO certificates_search (certificates_search) VALUES ('rebuild');
  CREATE TRIGGER certificates_search_insert AFTER INSERT ON certificates BEGIN
    INSERT INTO certificates_search (rowid, search) VALUES (new.rowid, new.search);
  END;
  CREATE TRIGGER certificates_search_delete AFTER DELETE ON certificates BEGIN
    INSERT INTO certificates_search (certificates_search, rowid, search) VALUES ('delete', old.rowid, old.search);
  END;
  CREATE TRIGGER certificates_search_update AFTER UPDATE OF search ON certificates BEGIN
    INSERT INTO certificates_search (certificates_search, rowid, search) VALUES ('delete', old.rowid, old.search);
    INSERT INTO certificates_search (rowid, search) VALUES (new.rowid, new.search);
  END;
  CREATE INDEX certificates_by_account_only ON certificates (account_id);
  `,
  // 3: how each copy's key was made (and where a cloud key lives), its first download, and the
  // e-mail outbox. A message is queued in the transaction that causes it and delivered after
  // commit; UNIQUE (kind, certificate_id) makes each message about a copy exist at most once,
  // however many processes look for due reminders.
  `
  ALTER TABLE certificates ADD COLUMN key_source TEXT CHECK (key_source IN ('csr', 'card', 'cloud'));
  ALTER TABLE certificates ADD COLUMN cloud_key TEXT; -- JSON CloudKeyInfo or NULL
  ALTER TABLE certificates ADD COLUMN downloaded_at TEXT;
  -- Set with the reminder's outbox row; the partial index holds only copies still waiting for one,
  -- so looking for due reminders before every answer reads next to nothing.
  ALTER TABLE certificates ADD COLUMN reminder_queued INTEGER NOT NULL DEFAULT 0 CHECK (reminder_queued IN (0, 1));
  CREATE INDEX certificates_reminder_due ON certificates (revocation_date)
    WHERE revoked = 0 AND revocation_date IS NOT NULL AND reminder_queued = 0;

  CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('certificate-issued', 'revocation-reminder')),
    certificate_id  TEXT NOT NULL REFERENCES certificates (id), -- issued: the new copy; reminder: the replaced copy
    related_id      TEXT REFERENCES certificates (id),          -- issued: the replaced copy; reminder: the new copy
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    message         TEXT NOT NULL, -- JSON OutgoingMessage
    created_at      TEXT NOT NULL, -- portal time
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL, -- wall-clock time of the next try (also a claim while one runs)
    sent_at         TEXT,
    last_error      TEXT,
    delivered_to    TEXT,
    UNIQUE (kind, certificate_id)
  ) STRICT;
  CREATE INDEX outbox_unsent ON outbox (next_attempt_at) WHERE sent_at IS NULL;
  CREATE INDEX outbox_by_related ON outbox (related_id);
  `,
  // 4: for a key pair generated on a card, the card's evidence as the client declared it (JSON
  // CardEvidence: serial, token, manufacturer, model, module, key id), kept with the copy for audit.
  `
  ALTER TABLE certificates ADD COLUMN card_evidence TEXT;
  `,
  // 5: each card key the portal certified, by card serial + key id: a pair stands for one key, so
  // the same evidence is never accepted for another key. Filled from the copies recorded so far.
  `
  CREATE TABLE card_keys (
    card_serial       TEXT NOT NULL,
    key_id            TEXT NOT NULL,
    public_key_sha256 TEXT NOT NULL,
    certificate_id    TEXT NOT NULL REFERENCES certificates (id), -- the first copy certified for it
    recorded_at       TEXT NOT NULL,
    PRIMARY KEY (card_serial, key_id)
  ) STRICT;
  INSERT OR IGNORE INTO card_keys (card_serial, key_id, public_key_sha256, certificate_id, recorded_at)
    SELECT json_extract(card_evidence, '$.serial'), json_extract(card_evidence, '$.keyId'), public_key_sha256, id, issued_at
    FROM certificates
    WHERE card_evidence IS NOT NULL AND json_extract(card_evidence, '$.serial') IS NOT NULL AND json_extract(card_evidence, '$.keyId') IS NOT NULL
    ORDER BY issued_at, rowid;
  `,
];

export { NewerPortalDatabase, NotAPortalDatabase };

/** Brings the schema up to date; returns the resulting version. `applied` hears each version this call applied. */
export function migrate(db: Database, migrations: readonly string[] = MIGRATIONS, applied: (version: number) => void = () => {}): number {
  const version = () => db.pragma('user_version', { simple: true }) as number;
  for (let target = 1; target <= migrations.length; target++) {
    if (version() >= target) continue;
    db.transaction(() => {
      const current = version(); // re-read under the write lock: another process may have won
      if (current >= target) return;
      if (current === 0) {
        const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_master`).get() as { n: number };
        if (tables.n > 0) throw new NotAPortalDatabase('the file is an SQLite database of some other program');
      }
      db.exec(migrations[target - 1]!);
      db.pragma(`user_version = ${target}`);
      applied(target);
    }).immediate();
  }
  const final = version();
  if (final > migrations.length) throw new NewerPortalDatabase(final);
  return final;
}
