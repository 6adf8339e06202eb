/**
 * The ledger's connection pool. Waiting for a connection is a `db.pool.acquire` span, so a starved
 * pool shows up in traces as long waits (and finally timeouts) before any query runs. With the
 * `poolExhaustion` fault on, released connections stay out for `leakMs` — a leak that only a reaper
 * undoes — and the pool drains under load.
 */
import { type Context, SpanKind, type Tracer } from '@opentelemetry/api';

import type { Faults } from '../faults';
import { inSpan } from '../telemetry';

export interface PoolOptions {
  size: number;
  acquireTimeoutMs: number;
  /** How long a released connection stays unusable while `poolExhaustion` is on. */
  leakMs: number;
}

export interface Connection {
  readonly id: number;
}

interface Waiter {
  resolve(connection: Connection): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

class PoolTimeoutError extends Error {
  override readonly name = 'PoolTimeoutError';
}

export class ConnectionPool {
  private readonly idle: Connection[];
  private readonly waiters: Waiter[] = [];
  private readonly leaks = new Set<NodeJS.Timeout>();

  constructor(
    private readonly options: PoolOptions,
    private readonly tracer: Tracer,
    private readonly faults: Faults
  ) {
    this.idle = Array.from({ length: options.size }, (_, id) => ({ id }));
  }

  acquire(parent: Context): Promise<Connection> {
    const attributes = {
      'db.client.connection.pool.name': 'ledger',
      'db.client.connection.max': this.options.size,
      'db.client.connection.pending_requests': this.waiters.length,
    };
    return inSpan(this.tracer, 'db.pool.acquire', parent, { kind: SpanKind.INTERNAL, attributes }, () => {
      const connection = this.idle.pop();
      if (connection) {
        return Promise.resolve(connection);
      }
      return new Promise<Connection>((resolve, reject) => {
        const waiter: Waiter = {
          resolve,
          reject,
          timer: setTimeout(() => {
            this.waiters.splice(this.waiters.indexOf(waiter), 1);
            reject(new PoolTimeoutError(`no ledger connection free within ${this.options.acquireTimeoutMs} ms`));
          }, this.options.acquireTimeoutMs),
        };
        this.waiters.push(waiter);
      });
    });
  }

  release(connection: Connection): void {
    if (!this.faults.isOn('poolExhaustion')) {
      return this.giveBack(connection);
    }
    const leak = setTimeout(() => {
      this.leaks.delete(leak);
      this.giveBack(connection);
    }, this.options.leakMs);
    this.leaks.add(leak);
  }

  /** Fails every waiter and forgets leaked connections, so a stopping service leaves no timers behind. */
  close(): void {
    for (const leak of this.leaks) {
      clearTimeout(leak);
    }
    this.leaks.clear();
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new PoolTimeoutError('the ledger pool is closing'));
    }
  }

  private giveBack(connection: Connection): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(connection);
    } else {
      this.idle.push(connection);
    }
  }
}
