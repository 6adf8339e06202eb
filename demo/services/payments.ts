/**
 * Payments: charges an account (reads its history from the ledger, asks fraud for a score, records
 * the payment) and takes refunds, which partners call directly — so payments also starts traces of
 * its own and its sampling rate matters. Its ledger faults are `poolExhaustion` and `nPlusOne`; its
 * fraud client retries failures and, once out of attempts, approves unscored: the swallowed error.
 */
import { type Context, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

import { DownstreamError, type Downstream } from '../http/client';
import { LedgerDb, type Transaction } from '../ledger/ledgerDb';
import { ConnectionPool } from '../ledger/pool';
import { SLOW_SHARD, ledgerRegion } from '../ledger/regions';
import type { Logger } from '../log';
import { parseBody } from './body';
import type { ServiceFactory } from './kit';

const Charge = z.object({ account: z.string().min(1), amount: z.number().positive() });

const SCORE_ATTEMPTS = 3;
const RETRY_BACKOFF_MS = 20;
const DECLINE_AT_RISK = 0.9;

export const payments: ServiceFactory = ({ tracer, logger, faults, tuning, downstream }) => {
  const pool = new ConnectionPool(
    { size: tuning.poolSize, acquireTimeoutMs: tuning.acquireTimeoutMs, leakMs: tuning.leakMs },
    tracer,
    faults
  );
  const ledger = new LedgerDb(pool, tracer, tuning.statementMs);
  const fraud = downstream('fraud');

  /** Records the account's ledger shard on the request's span; its statement latency, slow on a slow shard. */
  function shard(ctx: Context, account: string): number {
    const region = ledgerRegion(account);
    trace.getSpan(ctx)?.setAttribute('ledger.region', region);
    return faults.isOn('slowLedgerShard') && region === SLOW_SHARD ? tuning.slowShardStatementMs : tuning.statementMs;
  }

  async function readHistory(tx: Transaction): Promise<void> {
    await tx.query({ operation: 'SELECT', table: 'accounts', text: 'SELECT * FROM accounts WHERE id = $1' });
    if (!faults.isOn('nPlusOne')) {
      await tx.query({
        operation: 'SELECT',
        table: 'ledger_entries',
        text: `SELECT * FROM ledger_entries WHERE account = $1 ORDER BY booked_at DESC LIMIT ${tuning.historyRows}`,
      });
      return;
    }
    // The N+1: ids first, then one round trip per row.
    await tx.query({
      operation: 'SELECT',
      table: 'ledger_entries',
      text: `SELECT id FROM ledger_entries WHERE account = $1 ORDER BY booked_at DESC LIMIT ${tuning.historyRows}`,
    });
    for (let row = 0; row < tuning.historyRows; row++) {
      await tx.query({
        operation: 'SELECT',
        table: 'ledger_entries',
        text: 'SELECT * FROM ledger_entries WHERE id = $1',
      });
    }
  }

  return {
    routes: {
      'POST /payments': async ({ body, ctx }) => {
        const charge = parseBody(Charge, body);
        const statementMs = shard(ctx, charge.account);
        await ledger.transaction(ctx, readHistory, statementMs);
        const score = await scoreWithRetries(fraud, logger, ctx, charge);
        const paymentId = randomUUID();
        await ledger.transaction(
          ctx,
          (tx) =>
            tx.query({
              operation: 'INSERT',
              table: 'payments',
              text: 'INSERT INTO payments (id, account, amount) VALUES ($1, $2, $3)',
            }),
          statementMs
        );
        const status = score.risk !== undefined && score.risk >= DECLINE_AT_RISK ? 'declined' : 'approved';
        logger.log('info', ctx, `payment ${status}`, {
          payment_id: paymentId,
          account: charge.account,
          scored: score.risk !== undefined,
        });
        return { paymentId, status };
      },
      'POST /refunds': async ({ body, ctx }) => {
        const refund = parseBody(Charge, body);
        const statementMs = shard(ctx, refund.account);
        await ledger.transaction(
          ctx,
          async (tx) => {
            await tx.query({
              operation: 'SELECT',
              table: 'accounts',
              text: 'SELECT * FROM accounts WHERE id = $1 FOR UPDATE',
            });
            await tx.query({
              operation: 'INSERT',
              table: 'ledger_entries',
              text: 'INSERT INTO ledger_entries (account, amount) VALUES ($1, $2)',
            });
          },
          statementMs
        );
        return { refundId: randomUUID(), account: refund.account };
      },
    },
    close: () => pool.close(),
  };
};

/**
 * Asks fraud for a score, retrying failures. After the last attempt it gives up *quietly*: the payment
 * goes through unscored and only a warning is logged — the swallowed error the analysis must surface.
 */
async function scoreWithRetries(
  fraud: Downstream,
  logger: Logger,
  ctx: Context,
  charge: z.infer<typeof Charge>
): Promise<{ risk?: number }> {
  for (let attempt = 0; attempt < SCORE_ATTEMPTS; attempt++) {
    try {
      return await fraud.post<{ risk: number }>(ctx, '/score', charge, { attempt });
    } catch (err) {
      const retryable = err instanceof DownstreamError && (err.status === undefined || err.status >= 500);
      if (!retryable) {
        throw err;
      }
      logger.log('warn', ctx, 'fraud score failed', { attempt, error: err.message });
      if (attempt + 1 < SCORE_ATTEMPTS) {
        await sleep(RETRY_BACKOFF_MS * (attempt + 1));
      }
    }
  }
  logger.log('warn', ctx, `fraud unavailable after ${SCORE_ATTEMPTS} attempts; approving unscored`, {
    account: charge.account,
  });
  return {};
}
