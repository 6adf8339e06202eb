/**
 * From an Alertmanager alert group to spikes: each firing alert that a policy matches raises a spike on the
 * service its label names, within the human guardrails plus the automatic-spike limits (per hour, cooldown per
 * service, services at once); a resolved alert ends its spike when the policy says so. One decision per
 * firing (fingerprint + startsAt) is recorded, so Alertmanager's repeats, and the same alert delivered to two
 * replicas, change nothing. A group is never refused for its size, nor for one bad alert: Alertmanager does not
 * retry a 4xx, so refusing a storm would also drop its resolutions; an alert over a bound of the payload is
 * denied alone, the limits bound what a storm can do, and each refusal is audited.
 *
 * A group is written in batches, each its own serialised write transaction that holds the write lock for about
 * `ALERT_BATCH_MS` and reads the limits' usage afresh, so a person's write waits for one batch, not for a storm,
 * and the limits still hold exactly (whatever commits between two batches is counted by the next).
 */
import { setImmediate } from 'node:timers/promises';
import {
  type AlertOutcome,
  type AlertWebhookResult,
  type AlertmanagerAlert,
  type AlertmanagerAlertIdentity,
  OPERATION_NAME_PATTERN,
  SERVICE_NAME_PATTERN,
} from '../contract';
import { type AlertLimits, type AlertPolicies, type AlertPolicy, matchPolicy } from './alertPolicies';
import type { Clock } from './clock';
import type { ApiError } from './errors';
import { type Outcome, type Overrides, guardrailError } from './overrides';
import {
  type ReceivedAlert,
  alertNameOf,
  alertReason,
  boundedLabels,
  oneLine,
  refusedAlertDetails,
} from './receivedAlert';
import type { ReloadingFile } from './reloadingFile';
import { type AlertRef, type Storage, type StorageWrite, isActive } from './storage';

export const ALERT_ACTOR = 'alertmanager';

/**
 * How long one batch of a group may hold the write lock before it commits and lets a waiting writer in. A time,
 * not a count of alerts: what an alert costs depends on its outcome and on the machine (docs/benchmarks.md).
 */
const ALERT_BATCH_MS = 50;

/** Automatic spikes in the last hour and services spiked now, kept current while a batch is handled. */
interface AutomaticUsage {
  lastHour: number;
  spiked: Set<string>;
}

interface Bounds {
  limits: AlertLimits;
  usage: AutomaticUsage;
  known: Set<string>;
}

interface AlertResult {
  outcome: AlertOutcome;
  overrideId?: string;
}

const refOf = (alert: AlertmanagerAlertIdentity): AlertRef => ({
  name: alertNameOf(alert.labels),
  fingerprint: alert.fingerprint,
  startsAt: alert.startsAt,
});

export class AlertSpikes {
  constructor(
    private readonly storage: Storage,
    private readonly overrides: Overrides,
    private readonly policies: ReloadingFile<AlertPolicies>,
    /** Services that polled, are in the strategies file or have overrides: only these may be spiked by alerts. */
    private readonly knownServices: () => Promise<Set<string>>,
    private readonly clock: Clock
  ) {}

  async handle(alerts: ReceivedAlert[]): Promise<AlertWebhookResult> {
    const policies = this.policies.value;
    const known = await this.knownServices();
    const outcomes: Partial<Record<AlertOutcome, number>> = {};
    const created: string[] = [];
    let next = 0;
    while (next < alerts.length) {
      const results = await this.storage.write(async (tx) => {
        const startedAt = performance.now();
        const now = this.clock.now();
        // Read once per batch: the write lock is held, so only this loop changes them until it commits.
        const usage: AutomaticUsage = {
          lastHour: await tx.countAlertSpikesSince(now - 3600_000),
          spiked: new Set(await tx.alertSpikedServices(now)),
        };
        const bounds = { limits: policies.limits, usage, known };
        const out: AlertResult[] = [];
        // At least one alert per batch, so a group always moves on.
        do {
          out.push(await this.decideOne(tx, now, alerts[next + out.length]!, policies, bounds));
        } while (next + out.length < alerts.length && performance.now() - startedAt < ALERT_BATCH_MS);
        return out;
      });
      next += results.length;
      for (const result of results) {
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
        if (result.overrideId !== undefined) {
          created.push(result.overrideId);
        }
      }
      if (results.some((r) => r.outcome === 'created' || r.outcome === 'ended')) {
        this.overrides.changed();
      }
      // SQLite's statements never wait on I/O: let a person's request be read and queue its write here.
      await setImmediate();
    }
    return { received: alerts.length, outcomes, created };
  }

  private async decideOne(
    tx: StorageWrite,
    now: number,
    received: ReceivedAlert,
    policies: AlertPolicies,
    bounds: Bounds
  ): Promise<AlertResult> {
    if (received.ok) {
      const { alert } = received;
      const policy = matchPolicy(policies, alert.labels);
      return alert.status === 'resolved'
        ? this.resolve(tx, now, alert, policy)
        : this.fire(tx, now, alert, policy, bounds);
    }
    if (received.labels && matchPolicy(policies, received.labels) === undefined) {
      return { outcome: 'unmatched' };
    }
    if (received.resolution) {
      // Ending a spike needs only the firing and the policy; an oversized annotation must not keep it running.
      return this.resolve(tx, now, received.resolution, matchPolicy(policies, received.resolution.labels));
    }
    return this.refuse(tx, now, received);
  }

  /** An alert over a bound of the payload: denied and audited, once per firing when its firing can be read. */
  private async refuse(
    tx: StorageWrite,
    now: number,
    received: Extract<ReceivedAlert, { ok: false }>
  ): Promise<AlertResult> {
    const { firing, problems, raw } = received;
    const details = refusedAlertDetails(raw);
    if (firing) {
      const recorded = await tx.insertAlertReceipt({
        ...firing,
        alertName: details.alert.name,
        receivedAt: now,
        outcome: 'denied',
        overrideId: null,
        resolvedAt: null,
      });
      if (!recorded) {
        return { outcome: 'duplicate' };
      }
    }
    const [first] = problems;
    const problem = `${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'invalid'}`;
    const { name, fingerprint } = details.alert;
    await tx.appendAudit({
      at: now,
      type: 'denied',
      // Nothing of a refused alert is trusted as a service name.
      service: '',
      operation: null,
      overrideId: null,
      actor: ALERT_ACTOR,
      reason: oneLine(`alert ${name} (fingerprint ${fingerprint ?? '?'}) refused: ${problem}`).slice(0, 500),
      details: {
        attempted: 'alert',
        ...details,
        code: 'bad_request',
        message: oneLine(`invalid alert: ${problem}`),
        issues: problems,
      },
    });
    return { outcome: 'denied' };
  }

  private async fire(
    tx: StorageWrite,
    now: number,
    alert: AlertmanagerAlert,
    policy: AlertPolicy | undefined,
    bounds: Bounds
  ): Promise<AlertResult> {
    if (policy === undefined) {
      return { outcome: 'unmatched' };
    }
    if (await tx.getAlertReceipt(alert.fingerprint, alert.startsAt)) {
      return { outcome: 'duplicate' };
    }
    const service = alert.labels[policy.serviceLabel];
    const decision = await this.decide(tx, now, alert, policy, bounds, service);
    if (decision.ok) {
      bounds.usage.lastHour += 1;
      bounds.usage.spiked.add(service!);
    }
    await tx.insertAlertReceipt({
      fingerprint: alert.fingerprint,
      startsAt: alert.startsAt,
      alertName: alertNameOf(alert.labels),
      receivedAt: now,
      outcome: decision.ok ? 'created' : 'denied',
      overrideId: decision.ok ? decision.value : null,
      resolvedAt: null,
    });
    if (decision.ok) {
      return { outcome: 'created', overrideId: decision.value };
    }
    const validService = service !== undefined && SERVICE_NAME_PATTERN.test(service);
    await tx.appendAudit({
      at: now,
      type: 'denied',
      // A value outside the service alphabet is not written where service names go (logs, filters, queries).
      service: validService ? service : '',
      operation: null,
      overrideId: null,
      actor: ALERT_ACTOR,
      reason: alertReason(alert, 'firing'),
      details: {
        attempted: 'create',
        policy: policy.name,
        alert: refOf(alert),
        labels: boundedLabels(alert.labels),
        code: decision.error.code,
        message: decision.error.message,
        ...(decision.error.details as object),
      },
    });
    return { outcome: 'denied' };
  }

  /** Checks the alert's labels and the automatic-spike limits, then creates the spike within the guardrails. */
  private async decide(
    tx: StorageWrite,
    now: number,
    alert: AlertmanagerAlert,
    policy: AlertPolicy,
    { limits, usage, known }: Bounds,
    service: string | undefined
  ): Promise<Outcome<string>> {
    const deny = (error: ApiError): Outcome<string> => ({ ok: false, error });
    if (service === undefined || !SERVICE_NAME_PATTERN.test(service)) {
      return deny(
        guardrailError(
          service === undefined
            ? `alert has no label "${policy.serviceLabel}" to name the service (policy ${policy.name})`
            : `label "${policy.serviceLabel}" is not a service name: 1–128 characters of ASCII letters, digits and . _ - / : @`,
          { guardrail: 'serviceLabel', label: policy.serviceLabel }
        )
      );
    }
    const operation = policy.operationLabel === undefined ? policy.operation : alert.labels[policy.operationLabel];
    if (operation !== undefined && !OPERATION_NAME_PATTERN.test(operation)) {
      return deny(
        guardrailError(`label "${policy.operationLabel ?? ''}" is not an operation name: printable ASCII on one line`, {
          guardrail: 'operationLabel',
          label: policy.operationLabel,
        })
      );
    }
    if (!known.has(service)) {
      return deny(
        guardrailError(
          `service "${service}" is unknown to this controller (it never polled and is not in the strategies file)`,
          { guardrail: 'knownService', service }
        )
      );
    }
    if (usage.lastHour >= limits.maxSpikesPerHour) {
      return deny(
        guardrailError(`${usage.lastHour} automatic spikes started in the last hour, the maximum`, {
          guardrail: 'maxSpikesPerHour',
          limit: limits.maxSpikesPerHour,
          active: usage.lastHour,
        })
      );
    }
    if (!usage.spiked.has(service) && usage.spiked.size >= limits.maxServicesSpiked) {
      return deny(
        guardrailError(`${usage.spiked.size} services have automatic spikes now, the maximum`, {
          guardrail: 'maxServicesSpiked',
          limit: limits.maxServicesSpiked,
          active: usage.spiked.size,
        })
      );
    }
    const last = await tx.lastAlertSpikeAt(service);
    if (last !== null && now - last < limits.serviceCooldownSeconds * 1000) {
      return deny(
        guardrailError(
          `service "${service}" had an automatic spike ${Math.round((now - last) / 1000)} seconds ago; the cooldown is ${limits.serviceCooldownSeconds} seconds`,
          { guardrail: 'serviceCooldownSeconds', limit: limits.serviceCooldownSeconds }
        )
      );
    }
    const outcome = await this.overrides.createIn(
      tx,
      now,
      {
        service,
        ...(operation === undefined ? {} : { operation }),
        samplingRate: policy.samplingRate,
        durationSeconds: policy.durationSeconds,
        ...(policy.stopAfterTraces === undefined ? {} : { stopAfterTraces: policy.stopAfterTraces }),
        reason: alertReason(alert, 'firing'),
        alert: refOf(alert),
      },
      ALERT_ACTOR
    );
    return outcome.ok ? { ok: true, value: outcome.value.id } : outcome;
  }

  private async resolve(
    tx: StorageWrite,
    now: number,
    alert: AlertmanagerAlertIdentity,
    policy: AlertPolicy | undefined
  ): Promise<AlertResult> {
    const receipt = await tx.getAlertReceipt(alert.fingerprint, alert.startsAt);
    if (receipt === undefined) {
      return { outcome: policy === undefined ? 'unmatched' : 'resolved' };
    }
    if (!(await tx.claimAlertResolution(alert.fingerprint, alert.startsAt, now))) {
      return { outcome: 'duplicate' };
    }
    const o = receipt.overrideId === null ? undefined : await tx.getOverride(receipt.overrideId);
    // The policy as it reads now decides; one removed since the spike started leaves it to its limits.
    if (o === undefined || !isActive(o, now) || !policy?.endOnResolve) {
      return { outcome: 'resolved' };
    }
    await this.overrides.revertIn(tx, now, o, ALERT_ACTOR, alertReason(alert, 'resolved'), {
      policy: policy.name,
      alert: refOf(alert),
    });
    return { outcome: 'ended' };
  }
}
