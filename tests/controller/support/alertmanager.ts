/**
 * Builders of Alertmanager webhook payloads (version 4) shaped as Alertmanager 0.25 sends them: a firing alert's
 * `endsAt` is Go's zero time, fingerprints are 16 hex digits, one POST carries a whole group.
 */
import { createHash } from 'node:crypto';
import { call } from './harness';

export const ALERTMANAGER_TOKEN = 'alertmanager-token-9876543210fedcba9876543210';

export interface AlertSpec {
  labels: Record<string, string>;
  status?: 'firing' | 'resolved';
  startsAt?: string;
  fingerprint?: string;
}

/** Alertmanager's fingerprint is a 64-bit hash of the label set; any stable 16-hex-digit hash will do here. */
const fingerprintOf = (labels: Record<string, string>) =>
  createHash('sha256')
    .update(JSON.stringify(Object.entries(labels).sort()))
    .digest('hex')
    .slice(0, 16);

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

export function alert(spec: AlertSpec): WebhookAlert {
  const status = spec.status ?? 'firing';
  return {
    status,
    labels: spec.labels,
    annotations: { summary: 'error ratio above 5%' },
    startsAt: spec.startsAt ?? '2026-12-02T04:00:00.000Z',
    endsAt: status === 'firing' ? '0001-01-01T00:00:00Z' : '2026-12-02T04:10:00.000Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=up',
    fingerprint: spec.fingerprint ?? fingerprintOf(spec.labels),
  };
}

export function alertGroup(alerts: WebhookAlert[]) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    receiver: 'tracingops',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts,
  };
}

export const postAlerts = (url: string, body: unknown, token: string | null = ALERTMANAGER_TOKEN) =>
  call(url, 'POST', '/api/v1/alerts/alertmanager', { body, token });
