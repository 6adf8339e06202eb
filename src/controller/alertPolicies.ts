/**
 * The alert policy file (YAML or JSON): which alerts raise which spikes, and the limits on automatic spikes
 * beyond the human guardrails. Hot-reloaded like the strategies file (`ReloadingFile`): a bad file later is
 * refused and the last good policies stay in use.
 *
 *   limits: { maxSpikesPerHour: 10, serviceCooldownSeconds: 900, maxServicesSpiked: 5 }
 *   policies:
 *     - name: checkout-errors
 *       match: { alertname: HighErrorRate }        # label = value, all must hold
 *       matchRegex: { severity: "page|critical" }  # label matches the whole regex, as Alertmanager's match_re
 *       serviceLabel: service                      # the alert label that names the service to spike
 *       operationLabel: span_name                  # optional; or a fixed `operation`
 *       samplingRate: 0.5
 *       durationSeconds: 1800
 *       stopAfterTraces: 200                       # optional
 *       endOnResolve: true                         # default: a resolved alert ends its spike
 *
 * The first policy whose matchers hold decides. A label an alert lacks reads as empty, as in Alertmanager.
 */
import type { Logger } from 'pino';
import { parse } from 'yaml';
import { z } from 'zod';
import { OperationNameSchema, SamplingRateSchema, StopAfterTracesSchema } from '../contract';
import { ReloadingFile } from './reloadingFile';

const LabelNameSchema = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name');

const RegexSchema = z.string().transform((source, ctx) => {
  try {
    return new RegExp(`^(?:${source})$`, 'u');
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(err as Error).message}` });
    return z.NEVER;
  }
});

const PolicySchema = z
  .object({
    name: z.string().min(1).max(100),
    match: z.record(LabelNameSchema, z.string()).default({}),
    matchRegex: z.record(LabelNameSchema, RegexSchema).default({}),
    serviceLabel: LabelNameSchema.default('service'),
    operation: OperationNameSchema.optional(),
    operationLabel: LabelNameSchema.optional(),
    samplingRate: SamplingRateSchema,
    durationSeconds: z.number().int().positive(),
    stopAfterTraces: StopAfterTracesSchema.optional(),
    endOnResolve: z.boolean().default(true),
  })
  .strict()
  .refine((p) => !(p.operation !== undefined && p.operationLabel !== undefined), {
    message: 'give either operation or operationLabel, not both',
  })
  .refine((p) => Object.keys(p.match).length + Object.keys(p.matchRegex).length > 0, {
    message: 'needs at least one matcher in match or matchRegex, so it cannot catch every alert by accident',
  });

const LimitsSchema = z
  .object({
    /** Automatic spikes created in any rolling hour, all services together. */
    maxSpikesPerHour: z.number().int().min(0).default(10),
    /** After an automatic spike on a service starts, no other starts on it for this long. */
    serviceCooldownSeconds: z.number().int().min(0).default(900),
    /** Services with an automatic spike at the same time. */
    maxServicesSpiked: z.number().int().min(0).default(5),
  })
  .strict();

const PolicyFileSchema = z
  .object({ limits: LimitsSchema.default(LimitsSchema.parse({})), policies: z.array(PolicySchema) })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.policies.forEach((p, i) => {
      if (seen.has(p.name)) {
        ctx.addIssue({ code: 'custom', path: ['policies', i, 'name'], message: `policy "${p.name}" is listed twice` });
      }
      seen.add(p.name);
    });
  });

export type AlertPolicy = z.infer<typeof PolicySchema>;
export type AlertLimits = z.infer<typeof LimitsSchema>;
export type AlertPolicies = z.infer<typeof PolicyFileSchema>;

const NO_POLICIES: AlertPolicies = { limits: LimitsSchema.parse({}), policies: [] };

function parseAlertPolicies(text: string): AlertPolicies {
  const doc: unknown = parse(text);
  const parsed = PolicyFileSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The first policy whose matchers all hold for these labels. */
export function matchPolicy(policies: AlertPolicies, labels: Record<string, string>): AlertPolicy | undefined {
  return policies.policies.find(
    (p) =>
      Object.entries(p.match).every(([k, v]) => (labels[k] ?? '') === v) &&
      Object.entries(p.matchRegex).every(([k, re]) => re.test(labels[k] ?? ''))
  );
}

export function alertPolicySource(
  file: string,
  log: Logger,
  onReload?: (result: 'ok' | 'error') => void
): ReloadingFile<AlertPolicies> {
  return new ReloadingFile({
    file,
    what: 'alert policies',
    kind: 'alert policy file',
    initial: NO_POLICIES,
    parse: (text) => ({ value: parseAlertPolicies(text), warnings: [] }),
    log,
    onReload,
    summary: (p) => ({ policies: p.policies.length }),
  });
}
