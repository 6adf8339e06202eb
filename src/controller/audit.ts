/**
 * The audit log's read side and the expiry sweeper. Expiry itself needs no timer (an override is active iff
 * now < expiresAt); the sweeper only writes the `expired` event, exactly once even with several replicas,
 * because it claims each expiry with a conditional update inside the serialised write transaction.
 */
import type { Logger } from 'pino';
import type { AuditEvent, AuditQuery } from '../contract';
import type { Clock } from './clock';
import { PeriodicJob } from './periodicJob';
import type { AuditRecord, Storage } from './storage';

function toApiAuditEvent(e: AuditRecord): AuditEvent {
  return {
    id: e.id,
    at: new Date(e.at).toISOString(),
    type: e.type,
    service: e.service,
    ...(e.operation === null ? {} : { operation: e.operation }),
    ...(e.overrideId === null ? {} : { overrideId: e.overrideId }),
    actor: e.actor,
    ...(e.reason === null ? {} : { reason: e.reason }),
    details: e.details,
  };
}

export async function listAudit(storage: Storage, q: AuditQuery): Promise<AuditEvent[]> {
  return (await storage.listAudit(q)).map(toApiAuditEvent);
}

const SWEEP_BATCH = 100;

export class ExpirySweeper {
  private readonly job: PeriodicJob;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    log: Logger
  ) {
    this.job = new PeriodicJob(() => this.sweepOnce(), log, 'expiry sweep');
  }

  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Records `expired` for overrides that ran out since the last sweep; returns how many this replica recorded. */
  sweep(): Promise<number> {
    return this.job.run();
  }

  private async sweepOnce(): Promise<number> {
    let recorded = 0;
    for (;;) {
      const batch = await this.storage.write(async (tx) => {
        const now = this.clock.now();
        const due = await tx.listUnrecordedExpirations(now, SWEEP_BATCH);
        let claimed = 0;
        for (const o of due) {
          if (await tx.claimExpiration(o.id)) {
            claimed += 1;
            await tx.appendAudit({
              at: o.expiresAt,
              type: 'expired',
              service: o.service,
              operation: o.operation,
              overrideId: o.id,
              actor: 'controller',
              reason: null,
              details: {
                samplingRate: o.samplingRate,
                createdBy: o.createdBy,
                recordedAt: new Date(now).toISOString(),
              },
            });
          }
        }
        return { due: due.length, claimed };
      });
      recorded += batch.claimed;
      if (batch.due < SWEEP_BATCH) {
        return recorded;
      }
    }
  }
}
