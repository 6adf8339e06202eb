/**
 * Measuring a real sampler client: deterministic pseudo-random trace IDs, the sampled fraction over many of them,
 * and the statistical tolerance a measured fraction must fall within.
 */
import { call } from './harness';

/** mulberry32: a tiny seeded PRNG, so every run measures the same trace IDs and a pass or fail is reproducible. */
export function traceIds(count: number, seed: number): string[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0).toString(16).padStart(8, '0');
  };
  return Array.from({ length: count }, () => next() + next() + next() + next());
}

/**
 * Five standard deviations of a binomial proportion: for independent trace IDs the measured fraction is within
 * this of the configured rate except with probability below 1e-6.
 */
export function tolerance(rate: number, samples: number): number {
  return 5 * Math.sqrt((rate * (1 - rate)) / samples);
}

/** How many polls the controller has seen for `service` (including ones not yet flushed to storage). */
async function pollCount(url: string, service: string): Promise<number> {
  const services = (await call(url, 'GET', '/api/v1/services')).body.services as Array<{
    name: string;
    pollCount: number;
  }>;
  return services.find((s) => s.name === service)?.pollCount ?? 0;
}

/**
 * Waits until the client has completed a poll that started after now: the controller counts a poll when it
 * answers it, and the clients start their next poll only after handling the previous answer, so two more polls
 * mean at least one answer given after now was applied. No duration is asserted; the loop only waits.
 */
export async function waitForFreshPoll(url: string, service: string): Promise<void> {
  const start = await pollCount(url, service);
  while ((await pollCount(url, service)) < start + 2) {
    await new Promise((r) => setTimeout(r, 25));
  }
}
