/**
 * Measures a service's sampling rate from what reaches Jaeger. `RootTraffic` sends requests straight to one service,
 * one at a time and untraced, so that service's root sampler decides every trace; `sampledRequests` then finds, in
 * Jaeger, which of them were sampled — a request was sampled iff a root span of that service starts between the
 * request's send and its answer (the requests never overlap, so the match is exact; `matchRootSpans`).
 * `switchTime` and `firstRun` find when the sampler changed its mind, to the resolution of the send interval.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { findTraces, rootSpansOf } from './backends';

export interface RootRequest {
  /** ms since the epoch. */
  sentAt: number;
  doneAt: number;
  status: number;
}

export interface RootTarget {
  service: string;
  /** The root span's name, e.g. `POST /refunds`. */
  operation: string;
  url: string;
  body: unknown;
}

// The wall clock, as the services stamp their spans with it (performance.now() drifts from it in a long process).
const now = () => Date.now();

export class RootTraffic {
  readonly requests: RootRequest[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(readonly target: RootTarget) {}

  /** Sends a request every `intervalMs` (or right after the previous one answers, when that takes longer). */
  start(intervalMs: number): void {
    this.running ??= (async () => {
      while (!this.stopped) {
        const sentAt = now();
        let status = 0;
        try {
          const res = await fetch(this.target.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(this.target.body),
          });
          await res.arrayBuffer();
          status = res.status;
        } catch {
          status = -1;
        }
        const doneAt = now();
        this.requests.push({ sentAt, doneAt, status });
        await sleep(Math.max(0, intervalMs - (doneAt - sentAt)));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }
}

export interface SampledRequest extends RootRequest {
  sampled: boolean;
}

export interface SampledResult {
  requests: SampledRequest[];
  /** Root spans that match no request: should be none (something else started traces at this service). */
  strays: number;
}

/**
 * Which requests of `traffic` reached Jaeger as sampled traces. Waits until Jaeger's answer stops growing (spans take
 * about a second to be exported and stored) or `settleTimeoutMs` passes.
 */
export async function sampledRequests(
  jaegerQuery: string,
  traffic: RootTraffic,
  settleTimeoutMs = 30_000
): Promise<SampledResult> {
  const { service, operation } = traffic.target;
  const reqs = [...traffic.requests].sort((a, b) => a.sentAt - b.sentAt);
  if (reqs.length === 0) {
    return { requests: [], strays: 0 };
  }
  const window = { startMs: reqs[0]!.sentAt - 1000, endMs: reqs[reqs.length - 1]!.doneAt + 1000 };
  const deadline = Date.now() + settleTimeoutMs;
  let starts: number[] = [];
  let stableSince = Date.now();
  while (Date.now() < deadline) {
    const traces = await findTraces(jaegerQuery, { service, operation, ...window, limit: 100_000 });
    const next = rootSpansOf(traces, service, operation).map((s) => s.startTime / 1000);
    if (next.length !== starts.length) {
      starts = next;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 2500 && Date.now() - window.endMs >= 2000) {
      break;
    }
    await sleep(500);
  }
  return matchRootSpans(reqs, starts);
}

/**
 * Pairs root-span start times (ms) with the requests that caused them: a span belongs to the last request sent at or
 * before its start, if that request had not answered yet. A request answered slowly is followed at once by the next
 * (`RootTraffic.start`), so the next one's span can start within a millisecond of the previous answer: the send
 * time, not the answer time, decides. A second span in one request, or one outside every request, is a stray.
 */
export function matchRootSpans(requests: readonly RootRequest[], spanStarts: readonly number[]): SampledResult {
  const reqs = [...requests].sort((a, b) => a.sentAt - b.sentAt);
  const starts = [...spanStarts].sort((a, b) => a - b);
  // Jaeger keeps µs and our clock reads ms; a little slack covers rounding, far less than a request takes.
  const slackMs = 2;
  const sampled = new Set<number>();
  let strays = 0;
  let i = -1;
  for (const start of starts) {
    while (i + 1 < reqs.length && reqs[i + 1]!.sentAt - slackMs <= start) {
      i++;
    }
    if (i >= 0 && start <= reqs[i]!.doneAt + slackMs && !sampled.has(i)) {
      sampled.add(i);
    } else {
      strays++;
    }
  }
  return { requests: reqs.map((r, k) => ({ ...r, sampled: sampled.has(k) })), strays };
}

/** The share of requests sent in [fromMs, toMs) that were sampled. */
export function sampledFraction(requests: SampledRequest[], fromMs: number, toMs: number): number {
  const inWindow = requests.filter((r) => r.sentAt >= fromMs && r.sentAt < toMs);
  return inWindow.length === 0 ? NaN : inWindow.filter((r) => r.sampled).length / inWindow.length;
}

/**
 * When, after `afterMs`, sampling switched to `sampled` for good (until `untilMs`): the send time of the first
 * request from which every request up to `untilMs` has that outcome. Undefined if it never did.
 *
 * Switching to "all sampled" (a spike to 100 %): the run of sampled requests could begin a little early by chance,
 * by about one request at a 10 % base rate. Switching back, a request at the base rate is unsampled 90 % of the time,
 * so the first unsampled one marks the switch to within about one request as well.
 */
export function switchTime(
  requests: SampledRequest[],
  afterMs: number,
  untilMs: number,
  sampled: boolean
): number | undefined {
  const inWindow = requests.filter((r) => r.sentAt >= afterMs && r.sentAt < untilMs);
  if (sampled) {
    let first: number | undefined;
    for (const r of inWindow) {
      first = r.sampled ? (first ?? r.sentAt) : undefined;
    }
    return first;
  }
  return inWindow.find((r) => !r.sampled)?.sentAt;
}

/**
 * The send time of the first request after `afterMs` (and before `untilMs`) that begins a run of `length`
 * consecutive requests with outcome `sampled`; undefined if there is none. Unlike `switchTime`, one stray outcome
 * later on does not move it. Pick `length` so that the run is unlikely by chance at the other rate: ten sampled in a
 * row at a 10 % base rate is a 10^-10 event; three unsampled in a row at 100 % takes three lost traces.
 */
export function firstRun(
  requests: SampledRequest[],
  afterMs: number,
  untilMs: number,
  sampled: boolean,
  length: number
): number | undefined {
  const inWindow = requests.filter((r) => r.sentAt >= afterMs && r.sentAt < untilMs);
  let start = 0;
  for (let i = 0; i < inWindow.length; i++) {
    if (inWindow[i]!.sampled !== sampled) {
      start = i + 1;
    } else if (i - start + 1 >= length) {
      return inWindow[start]!.sentAt;
    }
  }
  return undefined;
}
