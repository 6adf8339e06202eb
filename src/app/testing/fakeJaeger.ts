/**
 * A Jaeger v2 holding SDK-recorded traces, for component tests: it answers the app's requests through
 * the fake backend in the shapes a real Jaeger v2 sends (recorded in `src/analysis/fixtures/jaeger/`):
 * `/api/v3` with spec OTLP/JSON under `result`, every matching trace merged into one list and 404
 * "No traces found" when none match; the UI API's `/api/traces` with Jaeger JSON, which takes tags.
 * Searches match as Jaeger's Badger store does: a trace of the service whose spans start in the
 * window, with a span of that service at least `minDuration` long, and each tag on some span (or its
 * process) of that service, compared as text; newest first, up to the limit.
 */
import { type OtlpSpanJson, type OtlpTraceJson, jaegerRecording } from '../../analysis/fixtures';
import type { OtlpAnyValue, OtlpKeyValueJson } from '../../analysis/fixtures/otlpJson';
import { type FakeBackend, type RecordedRequest, type Reply, fail, ok } from './fakeBackend';

interface HeldSpan {
  span: OtlpSpanJson;
  service: string;
  resource: readonly OtlpKeyValueJson[];
}

interface HeldTrace {
  traceId: string;
  otlp: OtlpTraceJson;
  spans: HeldSpan[];
  startNs: bigint;
}

const KINDS = ['', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUS = ['UNSET', 'OK', 'ERROR'];

const scalar = (value: OtlpAnyValue): string | number | boolean | undefined =>
  value.stringValue ??
  (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
  value.doubleValue ??
  value.boolValue;

function uiTag(kv: OtlpKeyValueJson) {
  const value = scalar(kv.value);
  const type =
    typeof value === 'boolean'
      ? 'bool'
      : kv.value.intValue !== undefined
        ? 'int64'
        : typeof value === 'number'
          ? 'float64'
          : 'string';
  return { key: kv.key, type, value: value ?? '' };
}

const kindOf = (span: OtlpSpanJson) => KINDS[Number(span.kind)] ?? '';
const statusOf = (span: OtlpSpanJson) => STATUS[Number(span.status.code ?? 0)] ?? 'UNSET';

/** The tags Jaeger stores for a span: its attributes, its kind and status as Jaeger's conventional tags. */
function spanTags(span: OtlpSpanJson) {
  const tags = span.attributes.map(uiTag);
  if (kindOf(span)) {
    tags.push({ key: 'span.kind', type: 'string', value: kindOf(span) });
  }
  if (statusOf(span) !== 'UNSET') {
    tags.push({ key: 'otel.status_code', type: 'string', value: statusOf(span) });
  }
  if (statusOf(span) === 'ERROR') {
    tags.push({ key: 'error', type: 'bool', value: true });
  }
  return tags;
}

function hold(otlp: OtlpTraceJson): HeldTrace {
  const spans = otlp.resourceSpans.flatMap((rs) => {
    const service = String(scalar(rs.resource.attributes.find((a) => a.key === 'service.name')!.value));
    return rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ span, service, resource: rs.resource.attributes })));
  });
  const startNs = spans.reduce(
    (min, s) => (BigInt(s.span.startTimeUnixNano) < min ? BigInt(s.span.startTimeUnixNano) : min),
    BigInt(spans[0]!.span.startTimeUnixNano)
  );
  return { traceId: spans[0]!.span.traceId, otlp, spans, startNs };
}

/** One trace in the UI API's JSON, as Jaeger's OTLP→Jaeger translation writes it. */
function toJaegerUiTrace(otlp: OtlpTraceJson) {
  const held = hold(otlp);
  const processes: Record<string, { serviceName: string; tags: Array<ReturnType<typeof uiTag>> }> = {};
  const processOf = new Map<readonly OtlpKeyValueJson[], string>();
  for (const { service, resource } of held.spans) {
    if (!processOf.has(resource)) {
      const id = `p${processOf.size + 1}`;
      processOf.set(resource, id);
      processes[id] = { serviceName: service, tags: resource.filter((a) => a.key !== 'service.name').map(uiTag) };
    }
  }
  return {
    traceID: held.traceId,
    spans: held.spans.map(({ span, resource }) => ({
      traceID: span.traceId,
      spanID: span.spanId,
      operationName: span.name,
      references: span.parentSpanId ? [{ refType: 'CHILD_OF', traceID: span.traceId, spanID: span.parentSpanId }] : [],
      startTime: Number(BigInt(span.startTimeUnixNano) / 1000n),
      duration: Number((BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1000n),
      tags: spanTags(span),
      logs: [],
      processID: processOf.get(resource)!,
      warnings: null,
    })),
    processes,
    warnings: null,
  };
}

export interface JaegerSearchParams {
  service: string;
  /** Nanoseconds. */
  startNs: bigint;
  endNs: bigint;
  minDurationNs?: bigint;
  tags: Record<string, string>;
  limit: number;
}

/** Go duration text as the client writes it (`500000us`) in nanoseconds. */
const durationNs = (text: string | null) => (text ? BigInt(text.replace(/us$/, '')) * 1000n : undefined);

/** A search as the app sent it to either API, read back into one shape. */
export function searchOf(request: RecordedRequest): JaegerSearchParams {
  const url = new URL(request.url, 'http://grafana');
  const p = url.searchParams;
  if (url.pathname.endsWith('/api/v3/traces')) {
    return {
      service: p.get('query.service_name') ?? '',
      startNs: BigInt(Date.parse(p.get('query.start_time_min')!)) * 1_000_000n,
      endNs: BigInt(Date.parse(p.get('query.start_time_max')!)) * 1_000_000n,
      minDurationNs: durationNs(p.get('query.duration_min')),
      tags: {},
      limit: Number(p.get('query.num_traces')),
    };
  }
  return {
    service: p.get('service') ?? '',
    startNs: BigInt(p.get('start')!) * 1000n,
    endNs: BigInt(p.get('end')!) * 1000n,
    minDurationNs: durationNs(p.get('minDuration')),
    tags: JSON.parse(p.get('tags') ?? '{}') as Record<string, string>,
    limit: Number(p.get('limit')),
  };
}

function matches(trace: HeldTrace, q: JaegerSearchParams): boolean {
  const own = trace.spans.filter((s) => s.service === q.service);
  const texts = (s: HeldSpan) => [
    ...spanTags(s.span).map((t) => [t.key, String(t.value)]),
    ...s.resource.map((a) => [a.key, String(scalar(a.value))]),
  ];
  return (
    own.length > 0 &&
    own.some((s) => BigInt(s.span.startTimeUnixNano) >= q.startNs && BigInt(s.span.startTimeUnixNano) <= q.endNs) &&
    (q.minDurationNs === undefined ||
      own.some((s) => BigInt(s.span.endTimeUnixNano) - BigInt(s.span.startTimeUnixNano) >= q.minDurationNs!)) &&
    Object.entries(q.tags).every(([key, value]) => own.some((s) => texts(s).some(([k, v]) => k === key && v === value)))
  );
}

export interface FakeJaegerOptions {
  /** Searches answered with this failure instead. */
  failing?: (search: JaegerSearchParams) => Reply | undefined;
  /** Tags are not applied, as v1.76's memory store does with `error=true`. */
  ignoresTags?: boolean;
}

/** Installs Jaeger at `base` (a data source proxy path) on `backend`, holding `traces`. */
export function jaegerHolds(
  backend: FakeBackend,
  base: string,
  traces: readonly OtlpTraceJson[],
  options: FakeJaegerOptions = {}
) {
  const held = traces.map(hold).sort((a, b) => (a.startNs > b.startNs ? -1 : a.startNs < b.startNs ? 1 : 0));
  const found = (request: RecordedRequest) => {
    const search = searchOf(request);
    const applied = options.ignoresTags ? { ...search, tags: {} } : search;
    return { search, traces: held.filter((t) => matches(t, applied)).slice(0, search.limit) };
  };
  const services = [...new Set(held.flatMap((t) => t.spans.map((s) => s.service)))].sort();
  backend
    .on('GET', `${base}/api/v3/services`, ok({ services }))
    .on('GET', `${base}/api/v3/traces?`, (request) => {
      const { search, traces: hits } = found(request);
      const failure = options.failing?.(search);
      if (failure) {
        return failure;
      }
      return hits.length === 0
        ? fail(404, jaegerRecording('v3-search-none').body)
        : ok({ result: { resourceSpans: hits.flatMap((t) => t.otlp.resourceSpans) } });
    })
    .on('GET', `${base}/api/traces?`, (request) => {
      const { search, traces: hits } = found(request);
      return (
        options.failing?.(search) ??
        ok({ data: hits.map((t) => toJaegerUiTrace(t.otlp)), total: 0, limit: 0, offset: 0, errors: null })
      );
    })
    .on('GET', new RegExp(`^${base}/api/v3/traces/[0-9a-f]+`), (request) => {
      const id = /\/api\/v3\/traces\/([0-9a-f]+)/.exec(request.url)![1];
      const trace = held.find((t) => t.traceId === id);
      return trace
        ? ok({ result: { resourceSpans: trace.otlp.resourceSpans } })
        : fail(404, jaegerRecording('v3-trace-missing').body);
    });
}
