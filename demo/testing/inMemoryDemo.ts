/**
 * The demo services in one process on free loopback ports, sampling everything into an in-memory
 * exporter, and the helpers the fault tests use to drive them and read back analysed traces.
 */
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';

import {
  type AnalyzeOptions,
  type Baselines,
  type TraceAnalysis,
  analyzeTrace,
  baselineKey,
  rankTraces,
} from '../../src/analysis';
import { type FaultName, SERVICES } from '../faults';
import type { LogSink } from '../log';
import type { Tuning } from '../services/kit';
import { type RunningDemo, startDemo } from '../stack';

/** Small, fast numbers; the fault tests state the thresholds these must cross. */
export const TEST_TUNING: Tuning = {
  poolSize: 1,
  acquireTimeoutMs: 10_000,
  leakMs: 600,
  statementMs: 1,
  slowShardStatementMs: 150,
  historyRows: 12,
  scoreMs: 2,
  slowScoreMs: 1500,
  callTimeoutMs: 10_000,
};

export interface InMemoryDemo {
  readonly demo: RunningDemo;
  readonly logLines: string[];
  /** A checkout for `account` (default `acct-1`). */
  checkout(account?: string): Promise<Response>;
  refund(): Promise<Response>;
  /** Every trace exported since the last `forgetTraces`, analysed and ranked most anomalous first. */
  analysedTraces(options?: AnalyzeOptions): TraceAnalysis[];
  forgetTraces(): void;
  close(): Promise<void>;
}

export async function startInMemoryDemo(
  faults: readonly FaultName[] = [],
  tuning: Partial<Tuning> = {}
): Promise<InMemoryDemo> {
  const exporter = new InMemorySpanExporter();
  const logLines: string[] = [];
  const logSink: LogSink = (line) => logLines.push(line);
  const demo = await startDemo({
    services: SERVICES,
    host: '127.0.0.1',
    ports: { gateway: 0, auth: 0, payments: 0, fraud: 0 },
    urls: { gateway: '', auth: '', payments: '', fraud: '' },
    faults,
    tuning: { ...TEST_TUNING, ...tuning },
    telemetry: () => ({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    logSink,
  });
  const post = (url: string, body: object) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const customer = { user: 'user-1', account: 'acct-1', amount: 42 };
  return {
    demo,
    logLines,
    checkout: (account = customer.account) => post(`${demo.urls.gateway}/checkout`, { ...customer, account }),
    refund: () => post(`${demo.urls.payments}/refunds`, customer),
    analysedTraces(options) {
      const spansByTrace = new Map<string, ReadableSpan[]>();
      for (const span of exporter.getFinishedSpans()) {
        const traceId = span.spanContext().traceId;
        spansByTrace.set(traceId, [...(spansByTrace.get(traceId) ?? []), span]);
      }
      const analyses = [...spansByTrace.values()].map((spans) => {
        // The very OTLP/JSON an OTLP exporter would send, so the analysis sees what Tempo receives.
        const otlpJson = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)));
        return analyzeTrace(otlpJson, options);
      });
      return rankTraces(analyses);
    },
    forgetTraces: () => exporter.reset(),
    close: () => demo.close(),
  };
}

/**
 * Per-operation latency baselines from the traces exported so far, as Prometheus span metrics would
 * give them: with a handful of requests, their p99 is simply the slowest.
 */
export function baselinesOf(analyses: readonly TraceAnalysis[]): Baselines {
  const slowest = new Map<string, number>();
  for (const { trace } of analyses) {
    for (const span of trace.spans) {
      const key = baselineKey(span.service, span.name);
      slowest.set(key, Math.max(slowest.get(key) ?? 0, span.durationMs));
    }
  }
  return slowest;
}
