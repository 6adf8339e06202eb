/**
 * Counts recorded traces of a service (and operation) since a time, from Prometheus span metrics, for
 * goal-bounded spikes. The PromQL comes from `src/queries` (`promServerSpansSince`): server spans from the
 * span-metrics pipeline, which sees only sampled spans, so the count is of traces that were kept. Which
 * flavour of span metrics Prometheus holds (Tempo's metrics-generator or the OpenTelemetry spanmetrics
 * connector) is configured or probed once. A count that cannot be read says why, in words for the API.
 */
import { z } from 'zod';
import {
  OTEL_SPAN_METRICS,
  type SpanMetricsFlavour,
  TEMPO_SPAN_METRICS,
  promServerSpansSince,
  promSpanMetricsPresent,
  scopeOf,
  spanMetricNames,
} from '../queries';

export type TraceCount = { ok: true; traces: number } | { ok: false; reason: string };

export interface TraceCounterConfig {
  /** Prometheus base URL; without it nothing can be counted. */
  url?: string;
  /** `auto`: probe Prometheus for the flavours in `FLAVOUR_CANDIDATES`, in order. */
  flavour: SpanMetricsFlavour | 'auto';
  timeoutMs: number;
}

/**
 * What `auto` looks for: Tempo's metrics-generator, the connector's default namespace, and the connector with
 * `namespace: traces.spanmetrics` (Tempo's metric name with the connector's `service_name` label).
 */
export const FLAVOUR_CANDIDATES: readonly SpanMetricsFlavour[] = [
  TEMPO_SPAN_METRICS,
  OTEL_SPAN_METRICS,
  { kind: 'otel', namespace: 'traces_spanmetrics', unit: 's' },
];

const VectorResponse = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
  }),
});

const describeFlavour = (f: SpanMetricsFlavour) => {
  const n = spanMetricNames(f);
  return `${n.calls}{${n.serviceLabel}}`;
};

export class TraceCounter {
  private flavour?: SpanMetricsFlavour;

  constructor(
    private readonly config: TraceCounterConfig,
    private readonly fetchImpl: typeof fetch = fetch
  ) {
    if (config.flavour !== 'auto') {
      this.flavour = config.flavour;
    }
  }

  get configured(): boolean {
    return this.config.url !== undefined;
  }

  /** Server spans of `service` (and `operation`) recorded in [sinceMs, nowMs], rounded down. */
  async count(service: string, operation: string | null, sinceMs: number, nowMs: number): Promise<TraceCount> {
    if (this.config.url === undefined) {
      return {
        ok: false,
        reason: 'PROMETHEUS_URL is not set, so traces cannot be counted; the spike runs to its time limit',
      };
    }
    try {
      const flavour = await this.resolveFlavour();
      if (flavour === undefined) {
        return {
          ok: false,
          reason: `Prometheus at ${this.config.url} has no span metrics (looked for ${FLAVOUR_CANDIDATES.map(describeFlavour).join(', ')}); the spike runs to its time limit`,
        };
      }
      const query = promServerSpansSince({
        scope: scopeOf([service]),
        flavour,
        ...(operation === null ? {} : { spanName: operation }),
        rangeSeconds: Math.max(1, Math.ceil((nowMs - sinceMs) / 1000)),
      });
      const value = (await this.query(query, nowMs))[0];
      // No series (nothing recorded yet, or fewer than two scrapes in the window) reads as zero.
      const traces = value === undefined ? 0 : Number(value.value[1]);
      return { ok: true, traces: Number.isFinite(traces) ? Math.floor(traces) : 0 };
    } catch (err) {
      return {
        ok: false,
        reason: `cannot count traces in Prometheus at ${this.config.url}: ${(err as Error).message}; the spike runs to its time limit unless a later count succeeds`,
      };
    }
  }

  private async resolveFlavour(): Promise<SpanMetricsFlavour | undefined> {
    if (this.flavour !== undefined) {
      return this.flavour;
    }
    for (const candidate of FLAVOUR_CANDIDATES) {
      if ((await this.query(promSpanMetricsPresent(candidate), Date.now())).length > 0) {
        this.flavour = candidate;
        return candidate;
      }
    }
    return undefined;
  }

  private async query(promql: string, atMs: number) {
    const url = new URL('api/v1/query', this.config.url!.endsWith('/') ? this.config.url : `${this.config.url}/`);
    const res = await this.fetchImpl(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: promql, time: String(atMs / 1000) }),
      signal: AbortSignal.timeout(this.config.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`HTTP ${res.status} for ${promql}: ${text.slice(0, 200)}`);
    }
    const parsed = VectorResponse.safeParse(JSON.parse(text));
    if (!parsed.success) {
      throw new Error(`unexpected answer to ${promql}: ${text.slice(0, 200)}`);
    }
    return parsed.data.data.result;
  }
}
