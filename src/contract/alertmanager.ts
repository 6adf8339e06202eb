/**
 * Alertmanager's webhook payload (version 4, as Alertmanager 0.25 sends it) and the controller's answer, as zod
 * schemas. Validated at the boundary with bounds on every size, because the sender is a machine that may relay
 * anything an alert rule put into a label; one POST carries a whole alert group, possibly a storm of a thousand.
 */
import { z } from 'zod';

/** Alertmanager's fingerprints are 16 hex digits (a 64-bit hash of the label set). */
export const AlertFingerprintSchema = z.string().regex(/^[0-9a-f]{16}$/, 'fingerprint must be 16 hex digits');

const LabelSetSchema = z
  .record(z.string().min(1).max(256), z.string().max(2048))
  .refine((labels) => Object.keys(labels).length <= 128, 'at most 128 labels or annotations per alert');

/** RFC 3339 as Alertmanager writes it; a firing alert's `endsAt` is Go's zero time, 0001-01-01T00:00:00Z. */
const TimestampSchema = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 time');

export const AlertmanagerAlertSchema = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: LabelSetSchema,
  annotations: LabelSetSchema.optional(),
  startsAt: TimestampSchema,
  endsAt: TimestampSchema.optional(),
  generatorURL: z.string().max(4096).optional(),
  fingerprint: AlertFingerprintSchema,
});

export const AlertmanagerPayloadSchema = z.object({
  version: z.literal('4', { error: 'only Alertmanager webhook payload version "4" is understood' }),
  groupKey: z.string().max(8192),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(1024),
  groupLabels: LabelSetSchema,
  commonLabels: LabelSetSchema,
  commonAnnotations: LabelSetSchema,
  externalURL: z.string().max(4096),
  alerts: z.array(AlertmanagerAlertSchema).max(100_000),
});

/** What the controller did with one alert of the group. */
export const AlertOutcomeSchema = z.enum([
  /** A spike was created. */
  'created',
  /** Refused (guardrail, unknown service, label value outside the service alphabet); audited as `denied`. */
  'denied',
  /** Already decided for this firing (fingerprint + startsAt): Alertmanager repeats a group until it resolves. */
  'duplicate',
  /** No policy matches the alert's labels; nothing stored. */
  'unmatched',
  /** Resolved, and its spike ended (when its policy says so); audited as `reverted`. */
  'ended',
  /** Resolved; nothing to end (no spike, already ended, or the policy keeps spikes to their limit). */
  'resolved',
]);

export const AlertWebhookResultSchema = z.object({
  received: z.number().int(),
  /** How many alerts had each outcome. */
  outcomes: z.partialRecord(AlertOutcomeSchema, z.number().int()),
  /** Ids of the spikes created by this delivery. */
  created: z.array(z.string()),
});

export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlertSchema>;
export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayloadSchema>;
export type AlertOutcome = z.infer<typeof AlertOutcomeSchema>;
export type AlertWebhookResult = z.infer<typeof AlertWebhookResultSchema>;
