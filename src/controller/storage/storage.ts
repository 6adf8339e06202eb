/**
 * The storage contract both backends (SQLite, PostgreSQL) implement and pass the same test suite against.
 * Times are epoch milliseconds. Writes that must be atomic with a guardrail check run inside `write()`, which
 * serialises writers across processes (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a transaction-scoped advisory lock).
 */
import type { AuditEventType } from '../../contract';

export interface OverrideRecord {
  id: string;
  service: string;
  operation: string | null;
  samplingRate: number;
  reason: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
  revokeReason: string | null;
  /** Goal-bounded spikes: end once this many traces were recorded. */
  stopAfterTraces: number | null;
  /** Last trace count read for the goal, when, and why it could not be read (null when it could). */
  tracesSeen: number | null;
  goalCheckedAt: number | null;
  goalError: string | null;
  /** When the goal ended the spike (revokedAt is then the same time). */
  goalReachedAt: number | null;
  /** The alert that raised the spike through the Alertmanager webhook; null for spikes raised by people. */
  alert: AlertRef | null;
}

export interface AlertRef {
  name: string;
  fingerprint: string;
  /** As Alertmanager sent it (RFC 3339); with the fingerprint, it identifies one firing of one alert. */
  startsAt: string;
}

/** What the controller decided for one firing of one alert, so Alertmanager's repeats change nothing. */
export interface AlertReceipt {
  fingerprint: string;
  startsAt: string;
  alertName: string;
  receivedAt: number;
  outcome: 'created' | 'denied';
  overrideId: string | null;
  resolvedAt: number | null;
}

export interface NewAuditEvent {
  at: number;
  type: AuditEventType;
  service: string;
  operation: string | null;
  overrideId: string | null;
  actor: string;
  reason: string | null;
  details: Record<string, unknown>;
}

export interface AuditRecord extends NewAuditEvent {
  id: number;
}

export interface ServicePolls {
  service: string;
  lastSeen: number;
  pollCount: number;
}

/** An override applies iff it was not reverted and `now < expiresAt`; no timer is involved. */
export function isActive(o: OverrideRecord, now: number): boolean {
  return o.revokedAt === null && now < o.expiresAt;
}

/** Operations available inside one serialised write transaction. */
export interface StorageWrite {
  countActive(now: number, service?: string): Promise<number>;
  getOverride(id: string): Promise<OverrideRecord | undefined>;
  insertOverride(o: OverrideRecord): Promise<void>;
  revokeOverride(id: string, at: number, by: string, reason: string | null): Promise<void>;
  setExpiresAt(id: string, expiresAt: number): Promise<void>;
  /** Overrides that ran out (not reverted) and have no `expired` audit event yet. */
  listUnrecordedExpirations(now: number, limit: number): Promise<OverrideRecord[]>;
  /** Marks the expiry as recorded; false if another replica did it first. */
  claimExpiration(id: string): Promise<boolean>;
  appendAudit(e: NewAuditEvent): Promise<number>;
  /** Ends a goal-bounded spike if it is still active at `at`; false if it was not (another replica, a revert). */
  claimGoalReached(id: string, at: number, traces: number, reason: string): Promise<boolean>;
  /** Records the decision for one alert firing; false (and nothing written) if one was recorded before. */
  insertAlertReceipt(r: AlertReceipt): Promise<boolean>;
  getAlertReceipt(fingerprint: string, startsAt: string): Promise<AlertReceipt | undefined>;
  /** Marks a firing resolved; false if it was already. */
  claimAlertResolution(fingerprint: string, startsAt: string, at: number): Promise<boolean>;
  /** Spikes raised by alerts since `since` (for the per-hour limit). */
  countAlertSpikesSince(since: number): Promise<number>;
  /** When the newest alert-raised spike of the service was created (for the cooldown); null if none. */
  lastAlertSpikeAt(service: string): Promise<number | null>;
  /** Services with an active alert-raised spike at `now` (for the ceiling on services spiked at once). */
  alertSpikedServices(now: number): Promise<string[]>;
}

export interface OverrideQuery {
  service?: string;
  /** Only overrides active at this time. */
  activeAt?: number;
  /** Only overrides still in effect at or after this time (not expired or reverted before it). */
  since?: number;
  /** At most this many, newest first (all when absent: the controller's own reads of the active ones). */
  limit?: number;
}

export interface AuditQuery {
  service?: string;
  limit: number;
  before?: number;
}

export interface Storage {
  readonly kind: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  write<T>(fn: (tx: StorageWrite) => Promise<T>): Promise<T>;
  getOverride(id: string): Promise<OverrideRecord | undefined>;
  /** Newest first. */
  listOverrides(q: OverrideQuery): Promise<OverrideRecord[]>;
  /** Overrides of `service` in effect at some time in [from, to), oldest first, at most `limit`. */
  listOverridesDuring(service: string, from: number, to: number, limit: number): Promise<OverrideRecord[]>;
  /** Newest first. */
  listAudit(q: AuditQuery): Promise<AuditRecord[]>;
  /** Adds poll counts and moves lastSeen forward, one statement for the whole batch. */
  recordPolls(batch: ServicePolls[]): Promise<void>;
  listServicePolls(): Promise<ServicePolls[]>;
  /** Stores the latest goal check of a spike (needs no serialisation: last writer wins, each is a fresh reading). */
  recordGoalProgress(id: string, traces: number | null, checkedAt: number, error: string | null): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
