/**
 * Mapping between database rows and storage records, shared by both backends (same column names in each dialect).
 * PostgreSQL returns BIGINT as strings and SQLite booleans as integers, hence the conversions.
 */
import type { AuditEventType } from '../../contract';
import type { AuditRecord, OverrideRecord, ServicePolls } from './storage';

export interface OverrideRow {
  id: string;
  service: string;
  operation: string | null;
  sampling_rate: number | string;
  reason: string;
  created_by: string;
  created_at: number | string;
  expires_at: number | string;
  revoked_at: number | string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
}

export interface AuditRow {
  id: number | string;
  at: number | string;
  type: string;
  service: string;
  operation: string | null;
  override_id: string | null;
  actor: string;
  reason: string | null;
  details: string | Record<string, unknown>;
}

export interface PollRow {
  service: string;
  last_seen: number | string;
  poll_count: number | string;
}

export const OVERRIDE_COLUMNS =
  'id, service, operation, sampling_rate, reason, created_by, created_at, expires_at, revoked_at, revoked_by, revoke_reason';

export function overrideFromRow(r: OverrideRow): OverrideRecord {
  return {
    id: r.id,
    service: r.service,
    operation: r.operation,
    samplingRate: Number(r.sampling_rate),
    reason: r.reason,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
    revokedBy: r.revoked_by,
    revokeReason: r.revoke_reason,
  };
}

export function overrideToParams(o: OverrideRecord): unknown[] {
  return [
    o.id,
    o.service,
    o.operation,
    o.samplingRate,
    o.reason,
    o.createdBy,
    o.createdAt,
    o.expiresAt,
    o.revokedAt,
    o.revokedBy,
    o.revokeReason,
  ];
}

export function auditFromRow(r: AuditRow): AuditRecord {
  return {
    id: Number(r.id),
    at: Number(r.at),
    type: r.type as AuditEventType,
    service: r.service,
    operation: r.operation,
    overrideId: r.override_id,
    actor: r.actor,
    reason: r.reason,
    details: typeof r.details === 'string' ? (JSON.parse(r.details) as Record<string, unknown>) : r.details,
  };
}

export function pollsFromRow(r: PollRow): ServicePolls {
  return { service: r.service, lastSeen: Number(r.last_seen), pollCount: Number(r.poll_count) };
}
