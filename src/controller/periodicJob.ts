/**
 * A background job run every few milliseconds and on demand, one run at a time: a call while a run is in
 * progress joins it. Failures are logged and retried at the next tick. The expiry sweeper and the goal
 * watcher are such jobs; `stop()` waits for a run in progress so shutdown does not cut a transaction short.
 */
import type { Logger } from 'pino';

export class PeriodicJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly job: () => Promise<number>,
    private readonly log: Logger,
    /** For the log line when a run fails, e.g. "expiry sweep". */
    private readonly what: string
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.run().catch((err: Error) => this.log.error({ err }, `${this.what} failed; will retry`));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Runs the job now, or joins the run in progress; resolves to what the job returns. */
  run(): Promise<number> {
    this.running ??= this.job().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }
}
