/**
 * Records which services poll for their strategy, so the app can tell a responder whether a service is listening.
 * Polls are counted in memory and written in one batch every flush interval (and at shutdown), so a poll costs a
 * map update rather than a database write.
 */
import type { Logger } from 'pino';
import type { Clock } from './clock';
import type { ServicePolls, Storage } from './storage';

export class PollRecorder {
  private pending = new Map<string, ServicePolls>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly log: Logger
  ) {}

  record(service: string): void {
    const now = this.clock.now();
    const p = this.pending.get(service);
    if (p) {
      p.pollCount += 1;
      p.lastSeen = now;
    } else {
      this.pending.set(service, { service, lastSeen: now, pollCount: 1 });
    }
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Writes pending counts; on failure they are merged back so no poll is lost. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) {
        return;
      }
      const batch = [...this.pending.values()];
      this.pending = new Map();
      try {
        await this.storage.recordPolls(batch);
      } catch (err) {
        this.log.error({ err, services: batch.length }, 'could not record polls; will retry');
        for (const p of batch) {
          const later = this.pending.get(p.service);
          this.pending.set(
            p.service,
            later
              ? {
                  service: p.service,
                  lastSeen: Math.max(later.lastSeen, p.lastSeen),
                  pollCount: later.pollCount + p.pollCount,
                }
              : p
          );
        }
      }
    });
    return this.flushing;
  }

  /** Stored polls plus those not flushed yet, so this replica's own view is never behind. */
  async list(): Promise<ServicePolls[]> {
    const stored = new Map((await this.storage.listServicePolls()).map((p) => [p.service, { ...p }]));
    for (const p of this.pending.values()) {
      const s = stored.get(p.service);
      stored.set(
        p.service,
        s
          ? { service: p.service, lastSeen: Math.max(s.lastSeen, p.lastSeen), pollCount: s.pollCount + p.pollCount }
          : { ...p }
      );
    }
    return [...stored.values()];
  }
}
