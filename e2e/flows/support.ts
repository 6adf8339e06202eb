/**
 * Small helpers the flows share: waiting for a backend to reach a state, the demo's services polling, customers'
 * checkouts, the analysis workers a page starts.
 */
import type { BrowserContext, Page, Worker } from 'playwright-core';
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
  eventually(`a spike of ${service} in the controller`, async () => (await activeSpikes(env, service))[0]);

/** Resolves once the controller holds no active spike for `service`. */
export const spikeGone = (env: Environment, service: string) =>
  eventually(`the spike of ${service} reverted`, async () =>
    (await activeSpikes(env, service)).length === 0 ? true : undefined
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

/** Where the plugin's analysis worker is served from: next to `module.js`. */
export const ANALYSIS_WORKER_URL = /\/public\/plugins\/seed-tracingops-app\/tracingops-analysis\.js/;

/**
 * The URLs of the workers started on the context's pages from now on, until `stop`. A worker started by the incident
 * page means its candidates were analysed in it: the page uses its own thread only when no worker can be started
 * (`src/app/data/analysisWorker.ts`).
 */
export function watchWorkers(context: BrowserContext): { readonly urls: string[]; stop(): void } {
  const urls: string[] = [];
  const onWorker = (worker: Worker) => urls.push(worker.url());
  const onPage = (page: Page) => page.on('worker', onWorker);
  const pages = context.pages();
  pages.forEach(onPage);
  context.on('page', onPage);
  return {
    urls,
    stop() {
      context.off('page', onPage);
      for (const page of [...pages, ...context.pages()]) {
        page.off('worker', onWorker);
      }
    },
  };
}

/** Checkouts sent at a steady pace, whatever the answers: a load whose rate the flow knows. */
export interface SteadyCheckouts {
  /** When each checkout was sent (ms since the epoch). */
  readonly sentAt: readonly number[];
  /** Checkouts not answered 200 so far. */
  readonly failed: number;
  /** Stops sending and waits for the checkouts in flight. */
  stop(): Promise<void>;
}

/**
 * `perSecond` checkouts through the gateway, each sent on time however long the ones before take (an open loop, as
 * customers send them), so the rate the services see is the rate sent even when the machine is slow to answer.
 */
export function steadyCheckouts(gateway: string, perSecond: number): SteadyCheckouts {
  const sentAt: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let failed = 0;
  const timer = setInterval(() => {
    sentAt.push(Date.now());
    const request = fetch(`${gateway}/checkout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'user-1', account: `acct-${sentAt.length % 20}`, amount: 42 }),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        failed += response.status === 200 ? 0 : 1;
      })
      .catch(() => {
        failed++;
      })
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }, 1000 / perSecond);
  return {
    sentAt,
    get failed() {
      return failed;
    },
    async stop() {
      clearInterval(timer);
      await Promise.allSettled([...inFlight]);
    },
  };
}
