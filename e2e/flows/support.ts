/** Small helpers the flows share: waiting for a backend to reach a state, and the demo's services polling. */
import type { Environment } from './environment';

/** Calls `check` until it returns a value other than undefined or `timeoutMs` passes; returns that value. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

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
  eventually(async () => (await activeSpikes(env, service))[0], 5000, `a spike of ${service} in the controller`);

/** Resolves once the controller holds no active spike for `service`. */
export const spikeGone = (env: Environment, service: string) =>
  eventually(
    async () => ((await activeSpikes(env, service)).length === 0 ? true : undefined),
    5000,
    `the spike of ${service} reverted`
  );
