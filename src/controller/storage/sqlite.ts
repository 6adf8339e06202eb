/**
 * SQLite storage (better-sqlite3): the zero-set-up default, one file, one controller process at a time.
 * better-sqlite3 is synchronous, so an async write transaction is guarded by an in-process queue
 * (two requests must not interleave inside one BEGIN … COMMIT) and `BEGIN IMMEDIATE` against other processes.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations';
import {
  ALERT_RECEIPT_COLUMNS,
  AlertReceiptRow,
  AuditRow,
  OVERRIDE_COLUMNS,
  OverrideRow,
  PollRow,
  alertReceiptFromRow,
  alertReceiptToParams,
  auditFromRow,
  overrideFromRow,
  overridePlaceholders,
  overrideToParams,
  pollsFromRow,
} from './rows';
import type {
  AuditQuery,
  AuditRecord,
  NewAuditEvent,
  OverrideQuery,
  OverrideRecord,
  ServicePolls,
  Storage,
  StorageWrite,
} from './storage';

export class SqliteStorage implements Storage {
  readonly kind = 'sqlite';
  private readonly db: Database.Database;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(path: string) {
    if (path !== ':memory:') {
      mkdirSync(dirname(path), { recursive: true });
    }
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
  }

  async migrate(): Promise<void> {
    this.db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)'
    );
    const applied = new Set(
      this.db
        .prepare('SELECT version FROM schema_migrations')
        .all()
        .map((r) => (r as { version: number }).version)
    );
    for (const m of migrations) {
      if (applied.has(m.version)) {
        continue;
      }
      this.db
        .transaction(() => {
          this.db.exec(m.sqlite);
          this.db
            .prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)')
            .run(m.version, Date.now());
        })
        .immediate();
    }
  }

  write<T>(fn: (tx: StorageWrite) => Promise<T>): Promise<T> {
    const run = async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(this.writeOps);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private readonly writeOps: StorageWrite = {
    countActive: async (now, service) => {
      const row = this.db
        .prepare(
          `SELECT COUNT(*) AS n FROM overrides WHERE revoked_at IS NULL AND expires_at > ?${service === undefined ? '' : ' AND service = ?'}`
        )
        .get(...(service === undefined ? [now] : [now, service])) as { n: number };
      return row.n;
    },
    getOverride: async (id) => this.getOverrideSync(id),
    insertOverride: async (o) => {
      this.db
        .prepare(`INSERT INTO overrides (${OVERRIDE_COLUMNS}) VALUES (${overridePlaceholders('sqlite')})`)
        .run(...overrideToParams(o));
    },
    revokeOverride: async (id, at, by, reason) => {
      this.db
        .prepare('UPDATE overrides SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ?')
        .run(at, by, reason, id);
    },
    setExpiresAt: async (id, expiresAt) => {
      this.db.prepare('UPDATE overrides SET expires_at = ? WHERE id = ?').run(expiresAt, id);
    },
    listUnrecordedExpirations: async (now, limit) =>
      (
        this.db
          .prepare(
            `SELECT ${OVERRIDE_COLUMNS} FROM overrides
             WHERE expiry_recorded = 0 AND revoked_at IS NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?`
          )
          .all(now, limit) as OverrideRow[]
      ).map(overrideFromRow),
    claimExpiration: async (id) =>
      this.db.prepare('UPDATE overrides SET expiry_recorded = 1 WHERE id = ? AND expiry_recorded = 0').run(id)
        .changes === 1,
    appendAudit: async (e: NewAuditEvent) =>
      Number(
        this.db
          .prepare(
            `INSERT INTO audit_events (at, type, service, operation, override_id, actor, reason, details)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
          )
          .run(e.at, e.type, e.service, e.operation, e.overrideId, e.actor, e.reason, JSON.stringify(e.details))
          .lastInsertRowid
      ),
    claimGoalReached: async (id, at, traces, reason) =>
      this.db
        .prepare(
          `UPDATE overrides SET revoked_at = ?, revoked_by = 'controller', revoke_reason = ?, goal_reached_at = ?,
             traces_seen = ?, goal_checked_at = ?, goal_error = NULL
           WHERE id = ? AND revoked_at IS NULL AND expires_at > ?`
        )
        .run(at, reason, at, traces, at, id, at).changes === 1,
    insertAlertReceipt: async (r) =>
      this.db
        .prepare(
          `INSERT INTO alert_receipts (${ALERT_RECEIPT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
        )
        .run(...alertReceiptToParams(r)).changes === 1,
    getAlertReceipt: async (fingerprint, startsAt) => {
      const row = this.db
        .prepare(`SELECT ${ALERT_RECEIPT_COLUMNS} FROM alert_receipts WHERE fingerprint = ? AND starts_at = ?`)
        .get(fingerprint, startsAt) as AlertReceiptRow | undefined;
      return row && alertReceiptFromRow(row);
    },
    claimAlertResolution: async (fingerprint, startsAt, at) =>
      this.db
        .prepare(
          'UPDATE alert_receipts SET resolved_at = ? WHERE fingerprint = ? AND starts_at = ? AND resolved_at IS NULL'
        )
        .run(at, fingerprint, startsAt).changes === 1,
    countAlertSpikesSince: async (since) =>
      (
        this.db
          .prepare('SELECT COUNT(*) AS n FROM overrides WHERE alert_fingerprint IS NOT NULL AND created_at >= ?')
          .get(since) as { n: number }
      ).n,
    lastAlertSpikeAt: async (service) =>
      (
        this.db
          .prepare('SELECT MAX(created_at) AS t FROM overrides WHERE alert_fingerprint IS NOT NULL AND service = ?')
          .get(service) as { t: number | null }
      ).t,
    alertSpikedServices: async (now) =>
      (
        this.db
          .prepare(
            `SELECT DISTINCT service FROM overrides
             WHERE alert_fingerprint IS NOT NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY service`
          )
          .all(now) as Array<{ service: string }>
      ).map((r) => r.service),
  };

  private getOverrideSync(id: string): OverrideRecord | undefined {
    const row = this.db.prepare(`SELECT ${OVERRIDE_COLUMNS} FROM overrides WHERE id = ?`).get(id) as
      OverrideRow | undefined;
    return row && overrideFromRow(row);
  }

  async getOverride(id: string): Promise<OverrideRecord | undefined> {
    return this.getOverrideSync(id);
  }

  async listOverrides(q: OverrideQuery): Promise<OverrideRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.service !== undefined) {
      where.push('service = ?');
      params.push(q.service);
    }
    if (q.activeAt !== undefined) {
      where.push('revoked_at IS NULL AND expires_at > ?');
      params.push(q.activeAt);
    }
    if (q.since !== undefined) {
      where.push('expires_at >= ? AND (revoked_at IS NULL OR revoked_at >= ?)');
      params.push(q.since, q.since);
    }
    // SQLite reads a negative LIMIT as none.
    const sql = `SELECT ${OVERRIDE_COLUMNS} FROM overrides ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ?`;
    return (this.db.prepare(sql).all(...params, q.limit ?? -1) as OverrideRow[]).map(overrideFromRow);
  }

  async listOverridesDuring(service: string, from: number, to: number, limit: number): Promise<OverrideRecord[]> {
    const sql = `SELECT ${OVERRIDE_COLUMNS} FROM overrides
       WHERE service = ? AND created_at < ? AND expires_at > ? AND (revoked_at IS NULL OR revoked_at > ?)
       ORDER BY created_at, id LIMIT ?`;
    return (this.db.prepare(sql).all(service, to, from, from, limit) as OverrideRow[]).map(overrideFromRow);
  }

  async listAudit(q: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.service !== undefined) {
      where.push('service = ?');
      params.push(q.service);
    }
    if (q.before !== undefined) {
      where.push('id < ?');
      params.push(q.before);
    }
    params.push(q.limit);
    const sql = `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params) as AuditRow[]).map(auditFromRow);
  }

  async recordPolls(batch: ServicePolls[]): Promise<void> {
    const upsert = this.db.prepare(
      `INSERT INTO service_polls (service, last_seen, poll_count) VALUES (?, ?, ?)
       ON CONFLICT (service) DO UPDATE SET
         last_seen = MAX(service_polls.last_seen, excluded.last_seen),
         poll_count = service_polls.poll_count + excluded.poll_count`
    );
    this.db.transaction((rows: ServicePolls[]) => {
      for (const p of rows) {
        upsert.run(p.service, p.lastSeen, p.pollCount);
      }
    })(batch);
  }

  async listServicePolls(): Promise<ServicePolls[]> {
    return (
      this.db.prepare('SELECT service, last_seen, poll_count FROM service_polls ORDER BY service').all() as PollRow[]
    ).map(pollsFromRow);
  }

  async recordGoalProgress(id: string, traces: number | null, checkedAt: number, error: string | null): Promise<void> {
    this.db
      .prepare('UPDATE overrides SET traces_seen = ?, goal_checked_at = ?, goal_error = ? WHERE id = ?')
      .run(traces, checkedAt, error, id);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    await this.queue;
    this.db.close();
  }
}
