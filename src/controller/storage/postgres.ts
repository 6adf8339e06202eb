/**
 * PostgreSQL storage (pg): for several controller replicas sharing state.
 * Writers serialise on a transaction-scoped advisory lock, so guardrail counts and the insert they guard
 * are atomic across replicas; migrations run under a session lock so replicas starting together do not race.
 */
import { Pool, type PoolClient } from 'pg';
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
  OverrideQuery,
  OverrideRecord,
  ServicePolls,
  Storage,
  StorageWrite,
} from './storage';

// Arbitrary constants naming our advisory locks ("TrOp" in ASCII, then 1 and 2).
const WRITE_LOCK = 0x54724f70_01;
const MIGRATION_LOCK = 0x54724f70_02;

type Queryable = Pick<PoolClient, 'query'>;

export class PostgresStorage implements Storage {
  readonly kind = 'postgres';
  private readonly pool: Pool;

  constructor(url: string, onIdleClientError: (err: Error) => void = () => undefined) {
    this.pool = new Pool({ connectionString: url, max: 10 });
    // An idle pooled connection can fail (database restart, failover); without a listener Node would crash.
    // The pool drops that client and the next query opens a new one.
    this.pool.on('error', onIdleClientError);
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query(
        'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)'
      );
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(rows.map((r) => r.version));
      for (const m of migrations) {
        if (applied.has(m.version)) {
          continue;
        }
        await client.query('BEGIN');
        try {
          await client.query(m.postgres);
          await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
            m.version,
            Date.now(),
          ]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
  }

  async write<T>(fn: (tx: StorageWrite) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
      const result = await fn(writeOps(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  getOverride(id: string): Promise<OverrideRecord | undefined> {
    return getOverride(this.pool, id);
  }

  async listOverrides(q: OverrideQuery): Promise<OverrideRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.service !== undefined) {
      params.push(q.service);
      where.push(`service = $${params.length}`);
    }
    if (q.activeAt !== undefined) {
      params.push(q.activeAt);
      where.push(`revoked_at IS NULL AND expires_at > $${params.length}`);
    }
    if (q.since !== undefined) {
      params.push(q.since);
      where.push(`expires_at >= $${params.length} AND (revoked_at IS NULL OR revoked_at >= $${params.length})`);
    }
    let limit = '';
    if (q.limit !== undefined) {
      params.push(q.limit);
      limit = ` LIMIT $${params.length}`;
    }
    const { rows } = await this.pool.query<OverrideRow>(
      `SELECT ${OVERRIDE_COLUMNS} FROM overrides ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id${limit}`,
      params
    );
    return rows.map(overrideFromRow);
  }

  async listOverridesDuring(service: string, from: number, to: number, limit: number): Promise<OverrideRecord[]> {
    const { rows } = await this.pool.query<OverrideRow>(
      `SELECT ${OVERRIDE_COLUMNS} FROM overrides
       WHERE service = $1 AND created_at < $2 AND expires_at > $3 AND (revoked_at IS NULL OR revoked_at > $3)
       ORDER BY created_at, id LIMIT $4`,
      [service, to, from, limit]
    );
    return rows.map(overrideFromRow);
  }

  async listAudit(q: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.service !== undefined) {
      params.push(q.service);
      where.push(`service = $${params.length}`);
    }
    if (q.before !== undefined) {
      params.push(q.before);
      where.push(`id < $${params.length}`);
    }
    params.push(q.limit);
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
      params
    );
    return rows.map(auditFromRow);
  }

  async recordPolls(batch: ServicePolls[]): Promise<void> {
    if (batch.length === 0) {
      return;
    }
    await this.pool.query(
      `INSERT INTO service_polls (service, last_seen, poll_count)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])
       ON CONFLICT (service) DO UPDATE SET
         last_seen = GREATEST(service_polls.last_seen, EXCLUDED.last_seen),
         poll_count = service_polls.poll_count + EXCLUDED.poll_count`,
      [batch.map((p) => p.service), batch.map((p) => p.lastSeen), batch.map((p) => p.pollCount)]
    );
  }

  async listServicePolls(): Promise<ServicePolls[]> {
    const { rows } = await this.pool.query<PollRow>(
      'SELECT service, last_seen, poll_count FROM service_polls ORDER BY service'
    );
    return rows.map(pollsFromRow);
  }

  async recordGoalProgress(id: string, traces: number | null, checkedAt: number, error: string | null): Promise<void> {
    await this.pool.query(
      'UPDATE overrides SET traces_seen = $1, goal_checked_at = $2, goal_error = $3 WHERE id = $4',
      [traces, checkedAt, error, id]
    );
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function getOverride(db: Queryable, id: string): Promise<OverrideRecord | undefined> {
  const { rows } = await db.query<OverrideRow>(`SELECT ${OVERRIDE_COLUMNS} FROM overrides WHERE id = $1`, [id]);
  return rows[0] && overrideFromRow(rows[0]);
}

function writeOps(client: PoolClient): StorageWrite {
  return {
    countActive: async (now, service) => {
      const { rows } = await client.query<{ n: string }>(
        `SELECT COUNT(*) AS n FROM overrides WHERE revoked_at IS NULL AND expires_at > $1${service === undefined ? '' : ' AND service = $2'}`,
        service === undefined ? [now] : [now, service]
      );
      return Number(rows[0]?.n ?? 0);
    },
    getOverride: (id) => getOverride(client, id),
    insertOverride: async (o) => {
      await client.query(
        `INSERT INTO overrides (${OVERRIDE_COLUMNS}) VALUES (${overridePlaceholders('postgres')})`,
        overrideToParams(o)
      );
    },
    revokeOverride: async (id, at, by, reason) => {
      await client.query('UPDATE overrides SET revoked_at = $1, revoked_by = $2, revoke_reason = $3 WHERE id = $4', [
        at,
        by,
        reason,
        id,
      ]);
    },
    setExpiresAt: async (id, expiresAt) => {
      await client.query('UPDATE overrides SET expires_at = $1 WHERE id = $2', [expiresAt, id]);
    },
    listUnrecordedExpirations: async (now, limit) => {
      const { rows } = await client.query<OverrideRow>(
        `SELECT ${OVERRIDE_COLUMNS} FROM overrides
         WHERE NOT expiry_recorded AND revoked_at IS NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2`,
        [now, limit]
      );
      return rows.map(overrideFromRow);
    },
    claimExpiration: async (id) =>
      (await client.query('UPDATE overrides SET expiry_recorded = TRUE WHERE id = $1 AND NOT expiry_recorded', [id]))
        .rowCount === 1,
    appendAudit: async (e) => {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO audit_events (at, type, service, operation, override_id, actor, reason, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [e.at, e.type, e.service, e.operation, e.overrideId, e.actor, e.reason, JSON.stringify(e.details)]
      );
      return Number(rows[0]?.id);
    },
    claimGoalReached: async (id, at, traces, reason) =>
      (
        await client.query(
          `UPDATE overrides SET revoked_at = $1, revoked_by = 'controller', revoke_reason = $2, goal_reached_at = $1,
             traces_seen = $3, goal_checked_at = $1, goal_error = NULL
           WHERE id = $4 AND revoked_at IS NULL AND expires_at > $1`,
          [at, reason, traces, id]
        )
      ).rowCount === 1,
    insertAlertReceipt: async (r) =>
      (
        await client.query(
          `INSERT INTO alert_receipts (${ALERT_RECEIPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
          alertReceiptToParams(r)
        )
      ).rowCount === 1,
    getAlertReceipt: async (fingerprint, startsAt) => {
      const { rows } = await client.query<AlertReceiptRow>(
        `SELECT ${ALERT_RECEIPT_COLUMNS} FROM alert_receipts WHERE fingerprint = $1 AND starts_at = $2`,
        [fingerprint, startsAt]
      );
      return rows[0] && alertReceiptFromRow(rows[0]);
    },
    claimAlertResolution: async (fingerprint, startsAt, at) =>
      (
        await client.query(
          'UPDATE alert_receipts SET resolved_at = $1 WHERE fingerprint = $2 AND starts_at = $3 AND resolved_at IS NULL',
          [at, fingerprint, startsAt]
        )
      ).rowCount === 1,
    countAlertSpikesSince: async (since) => {
      const { rows } = await client.query<{ n: string }>(
        'SELECT COUNT(*) AS n FROM overrides WHERE alert_fingerprint IS NOT NULL AND created_at >= $1',
        [since]
      );
      return Number(rows[0]?.n ?? 0);
    },
    lastAlertSpikeAt: async (service) => {
      const { rows } = await client.query<{ t: string | null }>(
        'SELECT MAX(created_at) AS t FROM overrides WHERE alert_fingerprint IS NOT NULL AND service = $1',
        [service]
      );
      const t = rows[0]?.t ?? null;
      return t === null ? null : Number(t);
    },
    alertSpikedServices: async (now) => {
      const { rows } = await client.query<{ service: string }>(
        `SELECT DISTINCT service FROM overrides
         WHERE alert_fingerprint IS NOT NULL AND revoked_at IS NULL AND expires_at > $1 ORDER BY service`,
        [now]
      );
      return rows.map((r) => r.service);
    },
  };
}
