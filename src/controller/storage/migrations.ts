/**
 * Schema migrations for both backends, applied in order and recorded in `schema_migrations`.
 * Each step is written once per dialect; a step is never edited after release, only followed by a new one.
 * The audit table refuses UPDATE and DELETE at the database level so "append-only" does not rest on our code alone.
 */
export interface Migration {
  version: number;
  description: string;
  sqlite: string;
  postgres: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    description: 'overrides, append-only audit events, service polls',
    sqlite: `
      CREATE TABLE overrides (
        id TEXT PRIMARY KEY,
        service TEXT NOT NULL,
        operation TEXT,
        sampling_rate REAL NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        revoked_at INTEGER,
        revoked_by TEXT,
        revoke_reason TEXT,
        expiry_recorded INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX overrides_by_expiry ON overrides (expires_at);
      CREATE INDEX overrides_by_service ON overrides (service, expires_at);
      CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        type TEXT NOT NULL,
        service TEXT NOT NULL,
        operation TEXT,
        override_id TEXT,
        actor TEXT NOT NULL,
        reason TEXT,
        details TEXT NOT NULL
      );
      CREATE INDEX audit_events_by_service ON audit_events (service, id);
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
      CREATE TABLE service_polls (
        service TEXT PRIMARY KEY,
        last_seen INTEGER NOT NULL,
        poll_count INTEGER NOT NULL
      );
    `,
    postgres: `
      CREATE TABLE overrides (
        id TEXT PRIMARY KEY,
        service TEXT NOT NULL,
        operation TEXT,
        sampling_rate DOUBLE PRECISION NOT NULL,
        reason TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL,
        revoked_at BIGINT,
        revoked_by TEXT,
        revoke_reason TEXT,
        expiry_recorded BOOLEAN NOT NULL DEFAULT FALSE
      );
      CREATE INDEX overrides_by_expiry ON overrides (expires_at);
      CREATE INDEX overrides_by_service ON overrides (service, expires_at);
      CREATE TABLE audit_events (
        id BIGSERIAL PRIMARY KEY,
        at BIGINT NOT NULL,
        type TEXT NOT NULL,
        service TEXT NOT NULL,
        operation TEXT,
        override_id TEXT,
        actor TEXT NOT NULL,
        reason TEXT,
        details JSONB NOT NULL
      );
      CREATE INDEX audit_events_by_service ON audit_events (service, id);
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$;
      CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
      CREATE TABLE service_polls (
        service TEXT PRIMARY KEY,
        last_seen BIGINT NOT NULL,
        poll_count BIGINT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'goal-bounded spikes (trace goal and its progress), spikes raised by alerts, alert receipts',
    sqlite: `
      ALTER TABLE overrides ADD COLUMN stop_after_traces INTEGER;
      ALTER TABLE overrides ADD COLUMN traces_seen INTEGER;
      ALTER TABLE overrides ADD COLUMN goal_checked_at INTEGER;
      ALTER TABLE overrides ADD COLUMN goal_error TEXT;
      ALTER TABLE overrides ADD COLUMN goal_reached_at INTEGER;
      ALTER TABLE overrides ADD COLUMN alert_name TEXT;
      ALTER TABLE overrides ADD COLUMN alert_fingerprint TEXT;
      ALTER TABLE overrides ADD COLUMN alert_starts_at TEXT;
      CREATE INDEX overrides_by_alert ON overrides (created_at) WHERE alert_fingerprint IS NOT NULL;
      CREATE TABLE alert_receipts (
        fingerprint TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        alert_name TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        override_id TEXT,
        resolved_at INTEGER,
        PRIMARY KEY (fingerprint, starts_at)
      );
    `,
    postgres: `
      ALTER TABLE overrides
        ADD COLUMN stop_after_traces BIGINT,
        ADD COLUMN traces_seen BIGINT,
        ADD COLUMN goal_checked_at BIGINT,
        ADD COLUMN goal_error TEXT,
        ADD COLUMN goal_reached_at BIGINT,
        ADD COLUMN alert_name TEXT,
        ADD COLUMN alert_fingerprint TEXT,
        ADD COLUMN alert_starts_at TEXT;
      CREATE INDEX overrides_by_alert ON overrides (created_at) WHERE alert_fingerprint IS NOT NULL;
      CREATE TABLE alert_receipts (
        fingerprint TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        alert_name TEXT NOT NULL,
        received_at BIGINT NOT NULL,
        outcome TEXT NOT NULL,
        override_id TEXT,
        resolved_at BIGINT,
        PRIMARY KEY (fingerprint, starts_at)
      );
    `,
  },
];
