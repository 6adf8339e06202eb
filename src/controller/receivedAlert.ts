/**
 * One alert of a delivered group, validated on its own, so that an alert over a bound (a 3,000-character
 * annotation, 129 labels) is refused without losing the rest of its group. Of a refused alert the controller keeps
 * what it can still trust: the firing it belongs to (so Alertmanager's repeats of it are recognised) and, for a
 * resolution, the labels that choose its policy (ending a spike needs nothing else). Also how alerts are shown in
 * the audit: every string cut short and on one line, so a hostile alert can neither bloat nor split the log.
 */
import {
  type AlertFiring,
  AlertFiringSchema,
  type AlertmanagerAlert,
  type AlertmanagerAlertIdentity,
  AlertmanagerAlertIdentitySchema,
  AlertmanagerAlertSchema,
} from '../contract';

export type ReceivedAlert =
  | { ok: true; alert: AlertmanagerAlert }
  | {
      ok: false;
      /** The first problems found, for the audit. */
      problems: Array<{ path: string; message: string }>;
      /** Set when its labels are well-formed (they choose the policy, if any). */
      labels?: Record<string, string>;
      /** Set when the alert fires and its fingerprint and start are well-formed. */
      firing?: AlertFiring;
      /** Set when the alert resolves and its fingerprint, start and labels are well-formed. */
      resolution?: AlertmanagerAlertIdentity;
      raw: unknown;
    };

const MAX_PROBLEMS = 10;

export function readAlert(raw: unknown): ReceivedAlert {
  const parsed = AlertmanagerAlertSchema.safeParse(raw);
  if (parsed.success) {
    return { ok: true, alert: parsed.data };
  }
  const problems = parsed.error.issues
    .slice(0, MAX_PROBLEMS)
    // A path can hold a label name the sender chose.
    .map((i) => ({ path: oneLine(i.path.join('.').slice(0, 300)), message: oneLine(i.message.slice(0, 200)) }));
  const identity = AlertmanagerAlertIdentitySchema.safeParse(raw);
  const firing = AlertFiringSchema.safeParse(raw);
  const { status, labels } = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const labelSet = AlertmanagerAlertIdentitySchema.shape.labels.safeParse(labels);
  return {
    ok: false,
    problems,
    ...(labelSet.success ? { labels: labelSet.data } : {}),
    ...(status === 'firing' && firing.success ? { firing: firing.data } : {}),
    ...(identity.success && identity.data.status === 'resolved' ? { resolution: identity.data } : {}),
    raw,
  };
}

/** Labels kept in audit details: enough to recognise the alert, bounded so a storm cannot bloat the log. */
const MAX_AUDIT_LABELS = 32;
const MAX_AUDIT_CHARS = 256;

/** Control characters (PostgreSQL refuses NUL in text and JSONB; a line break would split a log line). */
export const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '\uFFFD');

const cut = (s: string) => oneLine(s.slice(0, MAX_AUDIT_CHARS));

/** A label set (or anything sent in its place) as the audit keeps it: at most 32 entries, each cut short. */
export function boundedLabels(labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(labels)
      .slice(0, MAX_AUDIT_LABELS)
      .map(([k, v]) => [cut(k), typeof v === 'string' ? cut(v) : `(${typeof v})`])
  );
}

export const alertNameOf = (labels: unknown): string => {
  const name = (labels as { alertname?: unknown } | null)?.alertname;
  return (typeof name === 'string' && cut(name)) || '(no alertname)';
};

/** The audit's reason for an alert: its name, fingerprint and labels, on one line of at most 500 characters. */
export function alertReason(alert: AlertmanagerAlertIdentity, verb: string): string {
  const labels = Object.entries(alert.labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  const text = `alert ${alertNameOf(alert.labels)} (fingerprint ${alert.fingerprint}) ${verb}: ${labels}`;
  return oneLine(text).slice(0, 500);
}

/** What the audit records of a refused alert: whatever of it can be read, bounded, with how large it was. */
export function refusedAlertDetails(raw: unknown) {
  const a = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? cut(v) : undefined);
  const size = (v: unknown) => (typeof v === 'object' && v !== null ? Object.keys(v).length : 0);
  return {
    alert: {
      name: alertNameOf(a.labels),
      fingerprint: text(a.fingerprint),
      startsAt: text(a.startsAt),
      status: text(a.status),
    },
    labels: boundedLabels(a.labels),
    labelCount: size(a.labels),
    annotations: boundedLabels(a.annotations),
    annotationCount: size(a.annotations),
    ...(typeof a.generatorURL === 'string'
      ? { generatorURL: cut(a.generatorURL), generatorURLLength: a.generatorURL.length }
      : {}),
  };
}
