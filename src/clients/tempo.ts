/**
 * Tempo HTTP API client: TraceQL search, trace by id and tag values. Search results are
 * normalised (padded lower-case hex ids, numbers for times); traces are returned as the raw
 * OTLP-ish JSON for `buildTrace` in `src/analysis`, which understands both of Tempo's shapes.
 */
import { type AnswerSource, answerJson, invalidAnswer } from './errors';
import { type ClientOptions, type RequestOptions, createHttp } from './http';

export interface TempoSearch {
  /** TraceQL, built with `src/queries`. */
  readonly query: string;
  /** Unix seconds. */
  readonly start?: number;
  readonly end?: number;
  /** Maximum traces. */
  readonly limit?: number;
  /** Maximum matching spans returned per span set. */
  readonly spss?: number;
}

export interface TempoMatchedSpan {
  readonly spanId: string;
  readonly name?: string;
  readonly startUnixMs: number;
  readonly durationMs: number;
}

export interface TempoTraceSummary {
  /** 32 lower-case hex digits (Tempo drops leading zeros in search results; they are restored). */
  readonly traceId: string;
  readonly rootServiceName: string;
  readonly rootTraceName: string;
  readonly startUnixMs: number;
  readonly durationMs: number;
  readonly matchedSpans: readonly TempoMatchedSpan[];
}

export interface TempoSearchResult {
  readonly traces: readonly TempoTraceSummary[];
  /** Tempo's search metrics (`inspectedTraces`, `inspectedBytes`, …) as given. */
  readonly metrics: Readonly<Record<string, unknown>>;
}

/** The resource spans of one trace, whichever key Tempo used. Feed it to `buildTrace`. */
export interface TempoTrace {
  readonly resourceSpans: readonly unknown[];
}

/**
 * Tempo's trace-by-id answer as it came over the wire, undecoded: a caller can transfer the bytes to a worker and
 * read them there (`readTempoTraceAnswer`), so the page never holds the text of a large trace.
 */
export interface TempoTraceAnswer {
  readonly traceId: string;
  readonly source: AnswerSource;
  readonly bytes: ArrayBuffer;
}

export interface TempoClientOptions extends ClientOptions {
  /** `v2` (default) uses `/api/v2/traces/<id>`; `v1` uses `/api/traces/<id>` for Tempo before 2.5. */
  readonly api?: 'v1' | 'v2';
}

export interface TempoClient {
  search(search: TempoSearch, options?: RequestOptions): Promise<TempoSearchResult>;
  /** `null` when Tempo has no such trace (HTTP 404). */
  getTrace(
    traceId: string,
    range?: { readonly start?: number; readonly end?: number },
    options?: RequestOptions
  ): Promise<TempoTrace | null>;
  /**
   * The same trace as Tempo sent it, undecoded, for a caller that reads it elsewhere with `readTempoTraceAnswer`
   * (the app's analysis worker); `null` when Tempo has no such trace.
   */
  getTraceAnswer(
    traceId: string,
    range?: { readonly start?: number; readonly end?: number },
    options?: RequestOptions
  ): Promise<TempoTraceAnswer | null>;
  tagValues(
    tag: string,
    filter?: { readonly query?: string; readonly start?: number; readonly end?: number },
    options?: RequestOptions
  ): Promise<string[]>;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function nanosToMs(value: unknown): number {
  return typeof value === 'string' || typeof value === 'number' ? Number(value) / 1e6 : Number.NaN;
}

function hexId(value: unknown, length: number): string | undefined {
  return typeof value === 'string' && /^[0-9a-fA-F]+$/.test(value) && value.length <= length
    ? value.toLowerCase().padStart(length, '0')
    : undefined;
}

class TempoTraceShapeError extends Error {
  override readonly name = 'TempoTraceShapeError';
}

/** The resource spans of a parsed trace-by-id answer, whichever envelope and key Tempo used. */
function readTempoTrace(body: unknown): TempoTrace {
  const envelope = isObject(body) && isObject(body.trace) ? body.trace : body;
  if (!isObject(envelope)) {
    throw new TempoTraceShapeError('expected a trace object');
  }
  const spans = envelope.resourceSpans ?? envelope.batches ?? [];
  if (!Array.isArray(spans)) {
    throw new TempoTraceShapeError('`resourceSpans` / `batches` is not an array');
  }
  return { resourceSpans: spans };
}

/** The trace in a trace-by-id answer, decoded and read wherever it is; its errors are `getTrace`'s. */
export function readTempoTraceAnswer({ traceId, source, bytes }: TempoTraceAnswer): TempoTrace {
  const body = answerJson(source, bytes, `the answer for trace ${traceId} is not JSON`);
  try {
    return readTempoTrace(body);
  } catch (cause) {
    throw invalidAnswer(source, `trace ${traceId}: ${(cause as Error).message}`, cause);
  }
}

export function createTempoClient(options: TempoClientOptions): TempoClient {
  const http = createHttp('Tempo', options, DEFAULT_MAX_BYTES);
  const tracePath = (traceId: string): string => {
    const prefix = options.api === 'v1' ? '/api/traces/' : '/api/v2/traces/';
    const id = /^[0-9a-fA-F]{1,32}$/.test(traceId) ? traceId.toLowerCase() : undefined;
    if (id === undefined) {
      throw http.invalidRequest(prefix, `trace id ${JSON.stringify(traceId)} is not 1–32 hex digits`);
    }
    return prefix + id;
  };

  const getTraceAnswer: TempoClient['getTraceAnswer'] = async (traceId, range = {}, request) => {
    const answer = await http.getBytes(tracePath(traceId), { start: range.start, end: range.end }, request, [404]);
    return answer
      ? { traceId, source: { dataSource: http.dataSource, name: http.name, url: answer.url }, bytes: answer.bytes }
      : null;
  };

  return {
    async search(search, request) {
      const path = '/api/search';
      const body = await http.getJson(
        path,
        { q: search.query, start: search.start, end: search.end, limit: search.limit, spss: search.spss },
        request
      );
      if (!isObject(body) || (body.traces !== undefined && !Array.isArray(body.traces))) {
        throw http.invalid(path, 'expected {"traces": [...]}');
      }
      const traces: TempoTraceSummary[] = [];
      for (const t of (body.traces as unknown[] | undefined) ?? []) {
        const traceId = isObject(t) ? hexId(t.traceID, 32) : undefined;
        if (!isObject(t) || traceId === undefined) {
          throw http.invalid(path, 'a search result has no hex traceID');
        }
        // Older Tempo returns one `spanSet`, newer `spanSets`; both hold the matched spans.
        const spanSets = Array.isArray(t.spanSets) ? t.spanSets : isObject(t.spanSet) ? [t.spanSet] : [];
        const matchedSpans: TempoMatchedSpan[] = [];
        for (const set of spanSets) {
          for (const s of isObject(set) && Array.isArray(set.spans) ? set.spans : []) {
            const spanId = isObject(s) ? hexId(s.spanID, 16) : undefined;
            if (isObject(s) && spanId) {
              matchedSpans.push({
                spanId,
                name: typeof s.name === 'string' ? s.name : undefined,
                startUnixMs: nanosToMs(s.startTimeUnixNano),
                durationMs: nanosToMs(s.durationNanos),
              });
            }
          }
        }
        traces.push({
          traceId,
          rootServiceName: typeof t.rootServiceName === 'string' ? t.rootServiceName : '',
          rootTraceName: typeof t.rootTraceName === 'string' ? t.rootTraceName : '',
          startUnixMs: nanosToMs(t.startTimeUnixNano),
          durationMs: typeof t.durationMs === 'number' ? t.durationMs : 0, // Tempo omits 0 ms
          matchedSpans,
        });
      }
      return { traces, metrics: isObject(body.metrics) ? body.metrics : {} };
    },

    async getTrace(traceId, range, request) {
      const answer = await getTraceAnswer(traceId, range, request);
      return answer && readTempoTraceAnswer(answer);
    },

    getTraceAnswer,

    async tagValues(tag, filter = {}, request) {
      const path = `/api/v2/search/tag/${encodeURIComponent(tag)}/values`;
      const body = await http.getJson(path, { q: filter.query, start: filter.start, end: filter.end }, request);
      if (!isObject(body) || (body.tagValues !== undefined && !Array.isArray(body.tagValues))) {
        throw http.invalid(path, 'expected {"tagValues": [...]}');
      }
      const values = (body.tagValues as unknown[] | undefined) ?? [];
      return values.flatMap((v) => (isObject(v) && typeof v.value === 'string' ? [v.value] : []));
    },
  };
}
