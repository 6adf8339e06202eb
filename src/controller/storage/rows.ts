/**
 * Mapping between database rows and storage records, shared by both backends (same column names in each dialect).
 * PostgreSQL returns BIGINT as strings and SQLite booleans as integers, hence the conversions.
 */
import type { AuditEventType } from '../../contract';
import type { AlertReceipt, AuditRecord, OverrideRecord, ServicePolls } from './storage';

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
  stop_after_traces: number | string | null;
  traces_seen: number | string | null;
  goal_checked_at: number | string | null;
  goal_error: string | null;
  goal_reached_at: number | string | null;
  alert_name: string | null;
  alert_fingerprint: string | null;
  alert_starts_at: string | null;
}

export interface AlertReceiptRow {
  fingerprint: string;
  starts_at: string;
  alert_name: string;
  received_at: number | string;
  outcome: string;
  override_id: string | null;
  resolved_at: number | string | null;
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
  'id, service, operation, sampling_rate, reason, created_by, created_at, expires_at, revoked_at, revoked_by, revoke_reason, ' +
  'stop_after_traces, traces_seen, goal_checked_at, goal_error, goal_reached_at, alert_name, alert_fingerprint, alert_starts_at';

const numberOrNull = (v: number | string | null) => (v === null ? null : Number(v));

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
    revokedAt: numberOrNull(r.revoked_at),
    revokedBy: r.revoked_by,
    revokeReason: r.revoke_reason,
    stopAfterTraces: numberOrNull(r.stop_after_traces),
    tracesSeen: numberOrNull(r.traces_seen),
    goalCheckedAt: numberOrNull(r.goal_checked_at),
    goalError: r.goal_error,
    goalReachedAt: numberOrNull(r.goal_reached_at),
    alert:
      r.alert_fingerprint === null
        ? null
        : { name: r.alert_name ?? '', fingerprint: r.alert_fingerprint, startsAt: r.alert_starts_at ?? '' },
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
    o.stopAfterTraces,
    o.tracesSeen,
    o.goalCheckedAt,
    o.goalError,
    o.goalReachedAt,
    o.alert?.name ?? null,
    o.alert?.fingerprint ?? null,
    o.alert?.startsAt ?? null,
  ];
}

/** `$1, $2, …` or `?, ?, …` for every override column. */
export function overridePlaceholders(dialect: 'sqlite' | 'postgres'): string {
  const n = OVERRIDE_COLUMNS.split(',').length;
  return Array.from({ length: n }, (_, i) => (dialect === 'sqlite' ? '?' : `$${i + 1}`)).join(', ');
}

export const ALERT_RECEIPT_COLUMNS =
  'fingerprint, starts_at, alert_name, received_at, outcome, override_id, resolved_at';

export function alertReceiptToParams(r: AlertReceipt): unknown[] {
  return [r.fingerprint, r.startsAt, r.alertName, r.receivedAt, r.outcome, r.overrideId, r.resolvedAt];
}

export function alertReceiptFromRow(r: AlertReceiptRow): AlertReceipt {
  return {
    fingerprint: r.fingerprint,
    startsAt: r.starts_at,
    alertName: r.alert_name,
    receivedAt: Number(r.received_at),
    outcome: r.outcome as AlertReceipt['outcome'],
    overrideId: r.override_id,
    resolvedAt: numberOrNull(r.resolved_at),
  };
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
