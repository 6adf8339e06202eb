/**
 * What every demo service is built from: its tracer, logger and faults, clients for the services it
 * calls, and the tuning knobs that set how slow and how big the simulated work is.
 */
import type { Tracer } from '@opentelemetry/api';

import type { Faults, ServiceName } from '../faults';
import type { Downstream } from '../http/client';
import type { Routes } from '../http/server';
import type { Logger } from '../log';

export interface Tuning {
  /** Ledger connections in the payments pool. */
  poolSize: number;
  /** How long payments waits for a ledger connection before failing the request. */
  acquireTimeoutMs: number;
  /** How long a connection stays out after release while `poolExhaustion` is on. */
  leakMs: number;
  /** Typical latency of one ledger statement. */
  statementMs: number;
  /** Typical latency of one statement on the slow shard while `slowLedgerShard` is on. */
  slowShardStatementMs: number;
  /** Rows of account history payments reads per payment (one query each under `nPlusOne`). */
  historyRows: number;
  /** Typical time of one fraud score. */
  scoreMs: number;
  /** Time of one fraud score while `slowDownstream` is on. */
  slowScoreMs: number;
  /** Timeout of a call between services; above `slowScoreMs` so a slow fraud is slow, not failed. */
  callTimeoutMs: number;
}

export interface ServiceKit {
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly faults: Faults;
  readonly tuning: Tuning;
  downstream(service: ServiceName): Downstream;
}

export interface ServiceParts {
  readonly routes: Routes;
  /** Releases what the service holds besides its HTTP server. */
  close?(): void;
}

export type ServiceFactory = (kit: ServiceKit) => ServiceParts;
