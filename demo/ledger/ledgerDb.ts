/**
 * The ledger database the payments service depends on, simulated in process: a transaction takes a
 * pooled connection for its unit of work, and every statement is a CLIENT span named the way the
 * database semantic conventions name them (`SELECT ledger_entries`), with `peer.service=ledger-db` so
 * Tempo's service graph draws the database as its own node.
 */
import { type Context, SpanKind, type Tracer } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
} from '@opentelemetry/semantic-conventions';

import { setTimeout as sleep } from 'node:timers/promises';

import { inSpan } from '../telemetry';
import type { Connection, ConnectionPool } from './pool';

export interface Statement {
  readonly operation: 'SELECT' | 'INSERT' | 'UPDATE';
  readonly table: string;
  readonly text: string;
}

export class LedgerDb {
  constructor(
    private readonly pool: ConnectionPool,
    private readonly tracer: Tracer,
    /** Typical statement latency; each statement takes between half and one and a half times this. */
    private readonly statementMs: number
  ) {}

  /**
   * Runs `work` on one connection and gives the connection back however `work` ends; `statementMs`
   * replaces the typical statement latency (a slow shard).
   */
  async transaction<T>(
    parent: Context,
    work: (tx: Transaction) => Promise<T>,
    statementMs = this.statementMs
  ): Promise<T> {
    const connection = await this.pool.acquire(parent);
    try {
      return await work(new Transaction(this, connection, parent, statementMs));
    } finally {
      this.pool.release(connection);
    }
  }

  execute(parent: Context, connection: Connection, statement: Statement, statementMs: number): Promise<void> {
    const attributes = {
      [ATTR_DB_SYSTEM_NAME]: 'other_sql',
      [ATTR_DB_NAMESPACE]: 'ledger',
      [ATTR_DB_OPERATION_NAME]: statement.operation,
      [ATTR_DB_COLLECTION_NAME]: statement.table,
      [ATTR_DB_QUERY_TEXT]: statement.text,
      [ATTR_SERVER_ADDRESS]: 'ledger-db',
      'peer.service': 'ledger-db',
      'db.client.connection.id': connection.id,
    };
    const name = `${statement.operation} ${statement.table}`;
    return inSpan(this.tracer, name, parent, { kind: SpanKind.CLIENT, attributes }, async () => {
      await sleep(statementMs * (0.5 + Math.random()));
    });
  }
}

export class Transaction {
  constructor(
    private readonly db: LedgerDb,
    private readonly connection: Connection,
    private readonly ctx: Context,
    private readonly statementMs: number
  ) {}

  query(statement: Statement): Promise<void> {
    return this.db.execute(this.ctx, this.connection, statement, this.statementMs);
  }
}
