/**
 * Goal-bounded spikes: every few seconds, count the traces recorded since each such spike started and end the
 * spike once its goal is reached. Every replica may check; ending is claimed with a conditional update
 * (`Overrides.endForGoal`), so a spike is ended and audited once. The latest count, or why it could not be
 * read, is stored on the override for the API. Expiry needs none of this: a spike whose count cannot be read
 * simply runs to its time limit.
 */
import type { Logger } from 'pino';
import type { Clock } from './clock';
import { PeriodicJob } from './periodicJob';
import type { Overrides } from './overrides';
import type { Storage } from './storage';
import type { TraceCounter } from './traceCounter';

export class GoalWatcher {
  private readonly job: PeriodicJob;

  constructor(
    private readonly storage: Storage,
    private readonly overrides: Overrides,
    private readonly counter: TraceCounter,
    private readonly clock: Clock,
    private readonly log: Logger
  ) {
    this.job = new PeriodicJob(() => this.checkOnce(), log, 'goal check');
  }

  start(intervalMs: number): void {
    this.job.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Checks every active goal-bounded spike once; returns how many this replica ended. */
  check(): Promise<number> {
    return this.job.run();
  }

  private async checkOnce(): Promise<number> {
    const now = this.clock.now();
    const goals = (await this.storage.listOverrides({ activeAt: now })).filter((o) => o.stopAfterTraces !== null);
    let ended = 0;
    for (const o of goals) {
      const checkedAt = this.clock.now();
      const count = await this.counter.count(o.service, o.operation, o.createdAt, checkedAt);
      if (count.ok && count.traces >= (o.stopAfterTraces ?? Number.POSITIVE_INFINITY)) {
        if (await this.overrides.endForGoal(o, count.traces)) {
          ended += 1;
          this.log.info(
            { overrideId: o.id, service: o.service, traces: count.traces, goal: o.stopAfterTraces },
            'goal reached; spike ended'
          );
        }
        continue;
      }
      if (!count.ok && count.reason !== o.goalError) {
        this.log.warn({ overrideId: o.id, service: o.service, reason: count.reason }, 'cannot count traces for a goal');
      }
      await this.storage.recordGoalProgress(
        o.id,
        count.ok ? count.traces : o.tracesSeen,
        checkedAt,
        count.ok ? null : count.reason
      );
    }
    return ended;
  }
}
