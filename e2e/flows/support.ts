/** Small helpers the flows share: waiting for a backend to reach a state, the demo's services polling, customers' checkouts. */
import { eventually } from '../stack/backends';
import type { Environment } from './environment';

export interface AuditEvent {
  type: string;
  service: string;
  actor: string;
  overrideId?: string;
  details: Record<string, unknown>;
}

export const auditOf = async (env: Environment, service: string) =>
  (await env.controllerApi<{ events: AuditEvent[] }>(`/audit?service=${encodeURIComponent(service)}`)).events;

export interface StoredSpike {
  id: string;
  createdBy: string;
  reason: string;
  samplingRate: number;
  createdAt: string;
  expiresAt: string;
}

const activeSpikes = async (env: Environment, service: string) =>
  (await env.controllerApi<{ overrides: StoredSpike[] }>(`/overrides?service=${encodeURIComponent(service)}`))
    .overrides;

/** The active spike the controller holds for `service`, once it holds one. */
export const storedSpike = (env: Environment, service: string) =>
  eventually(`a spike of ${service} in the controller`, async () => (await activeSpikes(env, service))[0], {
    timeoutMs: 5000,
  });

/** Resolves once the controller holds no active spike for `service`. */
export const spikeGone = (env: Environment, service: string) =>
  eventually(
    `the spike of ${service} reverted`,
    async () => ((await activeSpikes(env, service)).length === 0 ? true : undefined),
    { timeoutMs: 5000 }
  );

/**
 * `count` checkouts through the gateway, `concurrency` at a time, as customers would send them; the n-th for
 * `account(n)`. Resolves to how many were not answered 200.
 */
export async function checkouts(
  gateway: string,
  count: number,
  concurrency: number,
  account: (n: number) => string = () => 'acct-1'
): Promise<number> {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        const response = await fetch(`${gateway}/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user: 'user-1', account: account(n), amount: 42 }),
        });
        await response.arrayBuffer();
        failed += response.status === 200 ? 0 : 1;
      }
    })
  );
  return failed;
}
