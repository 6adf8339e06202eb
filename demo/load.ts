/**
 * The load generator: steady checkouts through the gateway, refunds straight to payments and (when asked)
 * fraud screenings straight to fraud, as
 * untraced clients, so every request starts a new trace in the first service it reaches. Requests in
 * flight are capped, so a stalled stack is not buried under an ever-growing backlog.
 */
import type { Logger } from './log';
import type { LoadRates } from './config';

export interface LoadOptions extends LoadRates {
  gatewayUrl: string;
  paymentsUrl: string;
  fraudUrl: string;
  logger: Logger;
  /** How often a summary line is logged. */
  reportEveryMs?: number;
}

export interface RunningLoad {
  /** Stops sending and waits for the requests in flight. */
  stop(): Promise<void>;
}

const MAX_IN_FLIGHT = 100;
const REQUEST_TIMEOUT_MS = 30_000;

interface Counts {
  ok: number;
  failed: number;
  skipped: number;
}

export function startLoad(options: LoadOptions): RunningLoad {
  const inFlight = new Set<Promise<void>>();
  const counts: Record<string, Counts> = {};
  let sequence = 0;

  function send(stream: string, url: string, body: () => object): void {
    const count = (counts[stream] ??= { ok: 0, failed: 0, skipped: 0 });
    if (inFlight.size >= MAX_IN_FLIGHT) {
      count.skipped++;
      return;
    }
    const request = fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body()),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        response.ok ? count.ok++ : count.failed++;
      })
      .catch(() => {
        count.failed++;
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }

  const customer = () => {
    const n = sequence++;
    return { user: `user-${n % 50}`, account: `acct-${n % 20}`, amount: Math.round(1 + Math.random() * 500) };
  };
  const timers = [
    every(options.checkoutRps, () => send('checkout', `${options.gatewayUrl}/checkout`, customer)),
    every(options.refundRps, () => send('refund', `${options.paymentsUrl}/refunds`, customer)),
    every(options.screeningRps, () => send('screening', `${options.fraudUrl}/score`, customer)),
    setInterval(() => {
      options.logger.log('info', undefined, 'load sent', { counts: JSON.stringify(counts), in_flight: inFlight.size });
    }, options.reportEveryMs ?? 10_000),
  ].filter((t): t is NodeJS.Timeout => t !== undefined);

  return {
    async stop() {
      timers.forEach(clearInterval);
      await Promise.allSettled([...inFlight]);
    },
  };
}

function every(perSecond: number, tick: () => void): NodeJS.Timeout | undefined {
  return perSecond > 0 ? setInterval(tick, 1000 / perSecond) : undefined;
}
