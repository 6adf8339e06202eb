/**
 * Overrides: time-boxed sampling raises. Creating, reverting and extending them, with the guardrails checked in the
 * same serialised transaction as the write (so two replicas cannot both take the last slot), and every change or
 * refusal written to the audit log in that transaction. Also the in-memory snapshot of active overrides that keeps
 * the sampling endpoint off the database on most polls.
 */
import { randomUUID } from 'node:crypto';
import type { CreateOverrideBody, Override } from '../contract';
import type { Clock } from './clock';
import type { GuardrailConfig } from './config';
import { ApiError } from './errors';
import {
  type AlertRef,
  type NewAuditEvent,
  type OverrideRecord,
  type Storage,
  type StorageWrite,
  isActive,
} from './storage';

const iso = (ms: number) => new Date(ms).toISOString();

export function toApiOverride(o: OverrideRecord, now: number): Override {
  return {
    id: o.id,
    service: o.service,
    ...(o.operation === null ? {} : { operation: o.operation }),
    samplingRate: o.samplingRate,
    reason: o.reason,
    createdBy: o.createdBy,
    createdAt: iso(o.createdAt),
    expiresAt: iso(o.expiresAt),
    ...(o.revokedAt === null ? {} : { revokedAt: iso(o.revokedAt) }),
    ...(o.revokedBy === null ? {} : { revokedBy: o.revokedBy }),
    ...(o.revokeReason === null ? {} : { revokeReason: o.revokeReason }),
    active: isActive(o, now),
    ...(o.stopAfterTraces === null
      ? {}
      : {
          goal: {
            stopAfterTraces: o.stopAfterTraces,
            ...(o.tracesSeen === null ? {} : { traces: o.tracesSeen }),
            ...(o.goalCheckedAt === null ? {} : { checkedAt: iso(o.goalCheckedAt) }),
            ...(o.goalReachedAt === null ? {} : { reachedAt: iso(o.goalReachedAt) }),
            ...(o.goalError === null ? {} : { unavailable: o.goalError }),
          },
        }),
    ...(o.alert === null ? {} : { alert: o.alert }),
  };
}

/** A spike to create: what a person asks for, or what an alert policy decided (then with the alert). */
export type SpikeRequest = CreateOverrideBody & { alert?: AlertRef };

/** What a refused write was aimed at, for its `denied` audit event. */
interface DenialTarget {
  service: string;
  operation: string | null;
  overrideId?: string;
  actor: string;
  attempted: string;
  reason?: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function guardrailError(message: string, details: Record<string, unknown>): ApiError {
  return new ApiError(422, 'guardrail', message, details);
}

export class Overrides {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly guardrails: GuardrailConfig,
    /** Called after every committed change so this replica's caches see it at once. */
    private readonly onChange: () => void = () => undefined
  ) {}

  async create(body: CreateOverrideBody, actor: string): Promise<OverrideRecord> {
    return this.run(
      (tx, now) => this.createIn(tx, now, body, actor),
      () => ({
        service: body.service,
        operation: body.operation ?? null,
        actor,
        attempted: 'create',
        reason: body.reason,
      })
    );
  }

  /**
   * Checks the guardrails and inserts the override inside an open write transaction, auditing the creation;
   * a refusal is returned, not audited (the caller audits it with its own context). Shared by people's
   * requests and the Alertmanager webhook, which handles many alerts of a group in one transaction.
   */
  async createIn(tx: StorageWrite, now: number, body: SpikeRequest, actor: string): Promise<Outcome<OverrideRecord>> {
    const g = this.guardrails;
    const denied = (error: ApiError): Outcome<OverrideRecord> => ({ ok: false, error });
    if (body.samplingRate > g.maxSamplingRate) {
      return denied(
        guardrailError(`samplingRate ${body.samplingRate} is above this controller's maximum of ${g.maxSamplingRate}`, {
          guardrail: 'maxSamplingRate',
          limit: g.maxSamplingRate,
          requested: body.samplingRate,
        })
      );
    }
    if (body.durationSeconds > g.maxDurationSeconds) {
      return denied(
        guardrailError(
          `durationSeconds ${body.durationSeconds} is above this controller's maximum of ${g.maxDurationSeconds} seconds`,
          { guardrail: 'maxDurationSeconds', limit: g.maxDurationSeconds, requested: body.durationSeconds }
        )
      );
    }
    const forService = await tx.countActive(now, body.service);
    if (forService >= g.maxActiveOverridesPerService) {
      return denied(
        guardrailError(
          `service "${body.service}" already has ${forService} active overrides, the maximum per service; revert or wait for one to expire`,
          { guardrail: 'maxActiveOverridesPerService', limit: g.maxActiveOverridesPerService, active: forService }
        )
      );
    }
    const total = await tx.countActive(now);
    if (total >= g.maxActiveOverrides) {
      return denied(
        guardrailError(
          `${total} overrides are active across all services, the maximum; revert or wait for one to expire`,
          {
            guardrail: 'maxActiveOverrides',
            limit: g.maxActiveOverrides,
            active: total,
          }
        )
      );
    }
    const o: OverrideRecord = {
      id: randomUUID(),
      service: body.service,
      operation: body.operation ?? null,
      samplingRate: body.samplingRate,
      reason: body.reason,
      createdBy: actor,
      createdAt: now,
      expiresAt: now + body.durationSeconds * 1000,
      revokedAt: null,
      revokedBy: null,
      revokeReason: null,
      stopAfterTraces: body.stopAfterTraces ?? null,
      tracesSeen: null,
      goalCheckedAt: null,
      goalError: null,
      goalReachedAt: null,
      alert: body.alert ?? null,
    };
    await tx.insertOverride(o);
    await tx.appendAudit(
      this.event(o, 'created', actor, now, o.reason, {
        samplingRate: o.samplingRate,
        expiresAt: iso(o.expiresAt),
        ...(o.stopAfterTraces === null ? {} : { stopAfterTraces: o.stopAfterTraces }),
        ...(o.alert === null ? {} : { alert: o.alert }),
      })
    );
    return { ok: true, value: o };
  }

  async revert(id: string, reason: string | undefined, actor: string): Promise<OverrideRecord> {
    return this.changeActive(id, actor, 'revert', reason, async (tx, o, now) => ({
      ok: true,
      value: await this.revertIn(tx, now, o, actor, reason ?? null, {}),
    }));
  }

  /** Ends an active override inside an open write transaction and audits it. */
  async revertIn(
    tx: StorageWrite,
    now: number,
    o: OverrideRecord,
    actor: string,
    reason: string | null,
    details: Record<string, unknown>
  ): Promise<OverrideRecord> {
    await tx.revokeOverride(o.id, now, actor, reason);
    await tx.appendAudit(this.event(o, 'reverted', actor, now, reason, { expiresAt: iso(o.expiresAt), ...details }));
    return { ...o, revokedAt: now, revokedBy: actor, revokeReason: reason };
  }

  /**
   * Ends a goal-bounded spike whose goal was reached. Claimed with a conditional update, so of several replicas
   * that counted enough traces exactly one ends it and audits `goal-reached`; false if it was no longer active.
   */
  async endForGoal(o: OverrideRecord, traces: number): Promise<boolean> {
    const ended = await this.storage.write(async (tx) => {
      const now = this.clock.now();
      const reason = `goal reached: ${traces} traces recorded, goal ${o.stopAfterTraces ?? '?'}`;
      if (!(await tx.claimGoalReached(o.id, now, traces, reason))) {
        return false;
      }
      await tx.appendAudit(
        this.event(o, 'goal-reached', 'controller', now, reason, {
          traces,
          stopAfterTraces: o.stopAfterTraces,
          expiresAt: iso(o.expiresAt),
        })
      );
      return true;
    });
    if (ended) {
      this.onChange();
    }
    return ended;
  }

  /** Tells this replica's caches about a change committed outside this class's own methods. */
  changed(): void {
    this.onChange();
  }

  /** Moves expiry later by `durationSeconds`; the time left afterwards must stay within the maximum duration. */
  async extend(id: string, durationSeconds: number, actor: string): Promise<OverrideRecord> {
    return this.changeActive(id, actor, 'extend', undefined, async (tx, o, now) => {
      const expiresAt = o.expiresAt + durationSeconds * 1000;
      const maxMs = this.guardrails.maxDurationSeconds * 1000;
      if (expiresAt - now > maxMs) {
        return {
          ok: false,
          error: guardrailError(
            `extending by ${durationSeconds} seconds would leave ${Math.ceil((expiresAt - now) / 1000)} seconds, above this controller's maximum of ${this.guardrails.maxDurationSeconds} seconds`,
            { guardrail: 'maxDurationSeconds', limit: this.guardrails.maxDurationSeconds, requested: durationSeconds }
          ),
        };
      }
      await tx.setExpiresAt(o.id, expiresAt);
      await tx.appendAudit(
        this.event(o, 'extended', actor, now, null, {
          previousExpiresAt: iso(o.expiresAt),
          expiresAt: iso(expiresAt),
          durationSeconds,
        })
      );
      return { ok: true, value: { ...o, expiresAt } };
    });
  }

  /** Audits a refusal decided outside this module (authorization). */
  async recordDenied(
    target: { service: string; operation: string | null; overrideId?: string },
    actor: string,
    details: Record<string, unknown>
  ): Promise<void> {
    await this.storage.write((tx) =>
      tx.appendAudit({
        at: this.clock.now(),
        type: 'denied',
        service: target.service,
        operation: target.operation,
        overrideId: target.overrideId ?? null,
        actor,
        reason: null,
        details,
      })
    );
  }

  private async changeActive(
    id: string,
    actor: string,
    attempted: 'revert' | 'extend',
    reason: string | undefined,
    change: (tx: StorageWrite, o: OverrideRecord, now: number) => Promise<Outcome<OverrideRecord>>
  ): Promise<OverrideRecord> {
    let target: OverrideRecord | undefined;
    return this.run(
      async (tx, now) => {
        target = await tx.getOverride(id);
        if (!target) {
          throw new ApiError(404, 'not_found', `override ${id} does not exist`);
        }
        if (!isActive(target, now)) {
          const why =
            target.revokedAt !== null
              ? `was reverted by ${target.revokedBy ?? 'someone'}`
              : `expired at ${iso(target.expiresAt)}`;
          throw new ApiError(409, 'conflict', `override ${id} is no longer active: it ${why}`);
        }
        return change(tx, target, now);
      },
      () => ({
        service: target?.service ?? '',
        operation: target?.operation ?? null,
        overrideId: id,
        actor,
        attempted,
        reason,
      })
    );
  }

  /**
   * Runs `fn` in a write transaction. A refusal is committed as a `denied` audit event in the same transaction,
   * then thrown; anything else thrown rolls back and stores nothing.
   */
  private async run(
    fn: (tx: StorageWrite, now: number) => Promise<Outcome<OverrideRecord>>,
    denial: () => DenialTarget
  ): Promise<OverrideRecord> {
    const outcome = await this.storage.write(async (tx) => {
      const now = this.clock.now();
      const result = await fn(tx, now);
      if (!result.ok) {
        const d = denial();
        await tx.appendAudit({
          at: now,
          type: 'denied',
          service: d.service,
          operation: d.operation,
          overrideId: d.overrideId ?? null,
          actor: d.actor,
          reason: d.reason ?? null,
          details: {
            attempted: d.attempted,
            code: result.error.code,
            message: result.error.message,
            ...(result.error.details as object),
          },
        });
      }
      return result;
    });
    if (!outcome.ok) {
      throw outcome.error;
    }
    this.onChange();
    return outcome.value;
  }

  private event(
    o: OverrideRecord,
    type: NewAuditEvent['type'],
    actor: string,
    at: number,
    reason: string | null,
    details: Record<string, unknown>
  ): NewAuditEvent {
    return { at, type, service: o.service, operation: o.operation, overrideId: o.id, actor, reason, details };
  }
}

/**
 * Active overrides as last read from storage, refreshed when older than `maxAgeMs` (0: on every use) and at once
 * after a local change. Activity is still decided per request with `now < expiresAt`, so a cached override stops
 * applying at its expiry exactly; only creations and reverts made by another replica wait up to `maxAgeMs`.
 */
export class ActiveOverrides {
  private snapshot: OverrideRecord[] = [];
  private fetchedAt = Number.NEGATIVE_INFINITY;
  /** The snapshot filtered to what is active, valid until the earliest expiry in it (saves filtering per poll). */
  private activeNow: { list: OverrideRecord[]; version: number; validUntil: number } = {
    list: [],
    version: -1,
    validUntil: 0,
  };
  private inflight?: Promise<void>;
  /** Bumped whenever the snapshot's content changes. */
  version = 0;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly maxAgeMs: number
  ) {}

  invalidate(): void {
    this.fetchedAt = Number.NEGATIVE_INFINITY;
  }

  /** Whether `current()` would answer from the snapshot it has, without reading storage. */
  isFresh(): boolean {
    return this.maxAgeMs !== 0 && this.clock.now() - this.fetchedAt < this.maxAgeMs;
  }

  /** Overrides active now; reads storage only if the snapshot is stale. */
  async current(): Promise<OverrideRecord[]> {
    if (!this.isFresh()) {
      await this.refresh();
    }
    const now = this.clock.now();
    if (this.activeNow.version !== this.version || now >= this.activeNow.validUntil) {
      const list = this.snapshot.filter((o) => isActive(o, now));
      this.activeNow = {
        list,
        version: this.version,
        validUntil: Math.min(Number.POSITIVE_INFINITY, ...list.map((o) => o.expiresAt)),
      };
    }
    return this.activeNow.list;
  }

  private refresh(): Promise<void> {
    this.inflight ??= (async () => {
      try {
        const startedAt = this.clock.now();
        const fresh = await this.storage.listOverrides({ activeAt: startedAt });
        if (fingerprint(fresh) !== fingerprint(this.snapshot)) {
          this.version += 1;
        }
        this.snapshot = fresh;
        this.fetchedAt = startedAt;
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }
}

function fingerprint(overrides: OverrideRecord[]): string {
  return overrides.map((o) => `${o.id}:${o.expiresAt}:${o.revokedAt ?? ''}`).join('|');
}
