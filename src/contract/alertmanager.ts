/**
 * Alertmanager's webhook payload (version 4, as Alertmanager 0.25 sends it) and the controller's answer, as zod
 * schemas. Validated at the boundary with bounds on every size, because the sender is a machine that may relay
 * anything an alert rule put into a label; one POST carries a whole alert group, possibly a storm of a thousand.
 * The envelope and each alert are validated apart: an alert over a bound is refused on its own, and the rest of
 * its group is still handled (Alertmanager does not retry a 4xx, so refusing the group would lose it all).
 */
import { z } from 'zod';

/** Alertmanager's fingerprints are 16 hex digits (a 64-bit hash of the label set). */
const AlertFingerprintSchema = z.string().regex(/^[0-9a-f]{16}$/, 'fingerprint must be 16 hex digits');

const ALERT_LABEL_VALUE_MAX_CHARS = 2048;
const ALERT_LABELS_MAX = 128;
const ALERT_GENERATOR_URL_MAX_CHARS = 4096;

const LabelSetSchema = z
  .record(z.string().min(1).max(256), z.string().max(ALERT_LABEL_VALUE_MAX_CHARS))
  .refine(
    (labels) => Object.keys(labels).length <= ALERT_LABELS_MAX,
    `at most ${ALERT_LABELS_MAX} labels or annotations per alert`
  );

/**
 * The group's labels and annotations (`groupLabels`, `commonLabels`, `commonAnnotations`) and its `groupKey` are
 * copies of its alerts' labels, so a single oversized alert makes them oversized too; the controller reads none
 * of them, so only their type is checked, and the request's body limit bounds their size.
 */
const GroupLabelSetSchema = z.record(z.string(), z.string());

/** RFC 3339 as Alertmanager writes it; a firing alert's `endsAt` is Go's zero time, 0001-01-01T00:00:00Z. */
const TimestampSchema = z
  .string()
  .max(64)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 time');

/** One firing of one alert: Alertmanager's fingerprint and the firing's start (its repeats carry the same). */
export const AlertFiringSchema = z.object({ startsAt: TimestampSchema, fingerprint: AlertFingerprintSchema });

/** The firing and the labels that choose its policy: all that honouring a resolution needs. */
export const AlertmanagerAlertIdentitySchema = AlertFiringSchema.extend({
  status: z.enum(['firing', 'resolved']),
  labels: LabelSetSchema,
});

export const AlertmanagerAlertSchema = AlertmanagerAlertIdentitySchema.extend({
  annotations: LabelSetSchema.optional(),
  endsAt: TimestampSchema.optional(),
  generatorURL: z.string().max(ALERT_GENERATOR_URL_MAX_CHARS).optional(),
});

const envelope = {
  version: z.literal('4', { error: 'only Alertmanager webhook payload version "4" is understood' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string().max(1024),
  groupLabels: GroupLabelSetSchema,
  commonLabels: GroupLabelSetSchema,
  commonAnnotations: GroupLabelSetSchema,
  externalURL: z.string().max(4096),
};

/** What must hold for a delivery to be read at all; each of its alerts is then validated on its own. */
export const AlertmanagerEnvelopeSchema = z.object({ ...envelope, alerts: z.array(z.unknown()).max(100_000) });

/** A well-formed delivery, as documented (OpenAPI). */
export const AlertmanagerPayloadSchema = z.object({
  ...envelope,
  alerts: z.array(AlertmanagerAlertSchema).max(100_000),
});

/** What the controller did with one alert of the group. */
export const AlertOutcomeSchema = z.enum([
  /** A spike was created. */
  'created',
  /**
   * Refused (over a size bound of the payload, guardrail, unknown service, label value outside the service
   * alphabet); audited as `denied`.
   */
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
export type AlertFiring = z.infer<typeof AlertFiringSchema>;
export type AlertmanagerAlertIdentity = z.infer<typeof AlertmanagerAlertIdentitySchema>;
export type AlertOutcome = z.infer<typeof AlertOutcomeSchema>;
export type AlertWebhookResult = z.infer<typeof AlertWebhookResultSchema>;
