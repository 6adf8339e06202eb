/**
 * Counts the traces a service (and operation) started and kept since a time, from Prometheus span metrics, for
 * goal-bounded spikes. The PromQL comes from `src/queries` (`promRootSpansSince`): root spans, marked by the root
 * sampler's `jaeger.sampler.type` dimension, from the span-metrics pipeline, which sees only sampled spans — so the
 * count is of the traces the spike itself kept, not of the service's spans in traces kept upstream. Which flavour
 * of span metrics Prometheus holds (Tempo's metrics-generator or the OpenTelemetry spanmetrics connector) is
 * configured or probed once; whether its series carry the root marker is probed until they do. A count that
 * cannot be read says why, in words for the API.
 */
import { z } from 'zod';
import {
  SPAN_METRICS_NAMES_SELECTOR,
  type SpanMetricsFlavour,
  detectSpanMetricsFlavours,
  ROOT_SPAN_LABEL,
  promRootSpansSince,
  scopeOf,
  spanMetricNames,
} from '../queries';

export type TraceCount = { ok: true; traces: number } | { ok: false; reason: string };

export interface TraceCounterConfig {
  /** Prometheus base URL; without it nothing can be counted. */
  url?: string;
  /** `auto`: ask Prometheus which metric names it has and pick as the app's settings probe does. */
  flavour: SpanMetricsFlavour | 'auto';
  timeoutMs: number;
}

const VectorResponse = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
  }),
});

const NamesResponse = z.object({ status: z.literal('success'), data: z.array(z.string()) });

export class TraceCounter {
  private flavour?: SpanMetricsFlavour;
  private rootsMarked = false;

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

  /** Root spans of `service` (and `operation`) recorded in [sinceMs, nowMs], rounded down. */
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
          reason: `Prometheus at ${this.config.url} has no span metrics (neither traces_spanmetrics_calls_total with its latency histogram nor a spanmetrics connector's <namespace>_calls_total with its duration histogram); the spike runs to its time limit`,
        };
      }
      if (!(await this.resolveRootMarker(flavour))) {
        const calls = spanMetricNames(flavour).calls;
        return {
          ok: false,
          reason: `the span metrics in Prometheus at ${this.config.url} (${calls}) have no ${ROOT_SPAN_LABEL} label, so the traces a service started cannot be told from its spans in traces started upstream: add the dimensions jaeger.sampler.type and jaeger.sampler.param to span metrics (docs/backends.md); the spike runs to its time limit`,
        };
      }
      const elapsedMs = Math.round(nowMs - sinceMs);
      if (elapsedMs <= 0) {
        return { ok: true, traces: 0 };
      }
      const query = promRootSpansSince({
        scope: scopeOf([service]),
        flavour,
        ...(operation === null ? {} : { spanName: operation }),
        elapsedMs,
      });
      const value = (await this.query(query, nowMs))[0];
      // No series reads as zero; so does a negative difference (a counter reset since the start).
      const traces = value === undefined ? 0 : Number(value.value[1]);
      return { ok: true, traces: Number.isFinite(traces) ? Math.max(0, Math.floor(traces)) : 0 };
    } catch (err) {
      return {
        ok: false,
        reason: `cannot count traces in Prometheus at ${this.config.url}: ${(err as Error).message}; the spike runs to its time limit unless a later count succeeds`,
      };
    }
  }

  private async resolveFlavour(): Promise<SpanMetricsFlavour | undefined> {
    if (this.flavour === undefined) {
      const names = NamesResponse.parse(
        await this.get('api/v1/label/__name__/values', new URLSearchParams({ 'match[]': SPAN_METRICS_NAMES_SELECTOR }))
      ).data;
      this.flavour = detectSpanMetricsFlavours(names)[0];
    }
    return this.flavour;
  }

  /** Whether any span-metrics series carries the root marker; asked again until one does (a new pipeline). */
  private async resolveRootMarker(flavour: SpanMetricsFlavour): Promise<boolean> {
    if (!this.rootsMarked) {
      const values = NamesResponse.parse(
        await this.get(
          `api/v1/label/${ROOT_SPAN_LABEL}/values`,
          new URLSearchParams({ 'match[]': spanMetricNames(flavour).calls })
        )
      ).data;
      this.rootsMarked = values.length > 0;
    }
    return this.rootsMarked;
  }

  private async query(promql: string, atMs: number) {
    const parsed = VectorResponse.safeParse(
      await this.get('api/v1/query', new URLSearchParams({ query: promql, time: String(atMs / 1000) }))
    );
    if (!parsed.success) {
      throw new Error(`unexpected answer to ${promql}`);
    }
    return parsed.data.data.result;
  }

  private async get(path: string, params: URLSearchParams): Promise<unknown> {
    const base = this.config.url!.endsWith('/') ? this.config.url! : `${this.config.url}/`;
    const url = new URL(`${path}?${params}`, base);
    const res = await this.fetchImpl(url, { signal: AbortSignal.timeout(this.config.timeoutMs) });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`HTTP ${res.status} from ${url.pathname}: ${text.slice(0, 200)}`);
    }
    return JSON.parse(text);
  }
}
