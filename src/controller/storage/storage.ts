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
}

export interface OverrideQuery {
  service?: string;
  /** Only overrides active at this time. */
  activeAt?: number;
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
  /** Newest first. */
  listAudit(q: AuditQuery): Promise<AuditRecord[]>;
  /** Adds poll counts and moves lastSeen forward, one statement for the whole batch. */
  recordPolls(batch: ServicePolls[]): Promise<void>;
  listServicePolls(): Promise<ServicePolls[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
