/**
 * Jaeger query API client: services, trace search and trace by id. Prefers `/api/v3` (spec
 * OTLP/JSON under `result`, which `buildTrace` reads as is) and falls back to the UI's `/api`
 * (Jaeger JSON; convert it with `jaegerUiTraceToOtlp` in `src/analysis`) when the v3 API is missing,
 * as in Jaeger before 1.x's v3 gateway. Search returns whole traces in both APIs, so a search needs
 * no second round trip per trace.
 */
import { type AnswerSource, answerJson, invalidAnswer } from './errors';
import { type ClientOptions, type RequestOptions, createHttp } from './http';
import type { ServiceName } from '../queries';

/** Which of Jaeger's query APIs answered. */
export type JaegerApi = 'v3' | 'ui';

export interface JaegerSearch {
  /** Jaeger matches the service by name; it has no patterns, and a scope's are expanded before searching. */
  readonly service: ServiceName;
  readonly operation?: string;
  /** Unix seconds. */
  readonly start: number;
  readonly end: number;
  /** Traces with a span at least this long (Jaeger matches per span). */
  readonly minDurationMs?: number;
  readonly maxDurationMs?: number;
  /** Maximum traces; Jaeger's search depth. */
  readonly limit: number;
  /**
   * Span tags that must match. `/api/v3` over HTTP ignores attributes (jaegertracing/jaeger
   * `http_gateway.go`), so a search with tags always goes to the UI API, which every Jaeger has.
   * Some storages match tags loosely (v1.76's memory store returns non-matching traces for
   * `error=true`): check what comes back.
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** One trace as Jaeger sent it: OTLP resource spans (v3) or one UI API trace object. */
export type JaegerTrace =
  | { readonly format: 'otlp'; readonly traceId: string; readonly resourceSpans: readonly unknown[] }
  | { readonly format: 'jaeger-ui'; readonly traceId: string; readonly trace: unknown };

/**
 * A search's answer as it came over the wire, undecoded: a caller can transfer the bytes to a worker and read them
 * there (`readJaegerSearchAnswer`), so the page never holds the text of a large search (20 traces × 1,000 spans are
 * ~12 MB of JSON). v3's 404 for an empty result is an answer of no bytes.
 */
export interface JaegerSearchAnswer {
  readonly format: JaegerTrace['format'];
  readonly source: AnswerSource;
  readonly bytes: ArrayBuffer;
}

export interface JaegerClientOptions extends ClientOptions {
  /** `auto` (default) asks `/api/v3/services` once and falls back to the UI API on 404. */
  readonly api?: JaegerApi | 'auto';
}

export interface JaegerClient {
  /** The API this Jaeger answers on; probed once per client in `auto` mode. */
  api(options?: RequestOptions): Promise<JaegerApi>;
  services(options?: RequestOptions): Promise<string[]>;
  /** Traces of `search.service` in the window, in the order Jaeger sent them. */
  search(search: JaegerSearch, options?: RequestOptions): Promise<JaegerTrace[]>;
  /** The same search as Jaeger answered it, undecoded, for a caller that reads it elsewhere with `readJaegerSearchAnswer`. */
  searchAnswer(search: JaegerSearch, options?: RequestOptions): Promise<JaegerSearchAnswer>;
  /** `null` when Jaeger has no such trace. */
  getTrace(
    traceId: string,
    range?: { readonly start?: number; readonly end?: number },
    options?: RequestOptions
  ): Promise<JaegerTrace | null>;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const rfc3339 = (unixSeconds: number | undefined): string | undefined =>
  unixSeconds === undefined ? undefined : new Date(unixSeconds * 1000).toISOString();
/** Go `time.ParseDuration` syntax, whole microseconds (Jaeger's precision); `searchProblem` checked the value. */
const goDuration = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : `${Math.round(ms * 1000)}us`;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What makes a search impossible to send as asked, checked before anything is sent. An unpaired UTF-16 surrogate
 * has no UTF-8 form: URL encoding would send U+FFFD, a search for a different name. A duration must print as a
 * whole number of microseconds that Go parses (no `NaNus`, `Infinityus` or `1e+24us`).
 */
function searchProblem(search: JaegerSearch): string | undefined {
  if (search.service.length === 0) {
    return 'Jaeger searches one service at a time; the service is empty';
  }
  const texts: Array<[what: string, text: string]> = [
    ['service', search.service],
    ['operation', search.operation ?? ''],
    ...Object.entries(search.tags ?? {}).flatMap(([key, value]): Array<[string, string]> => [
      ['tag name', key],
      ['tag value', typeof value === 'string' ? value : ''],
    ]),
  ];
  for (const [what, text] of texts) {
    if (LONE_SURROGATE.test(text)) {
      return `the ${what} ${JSON.stringify(text)} holds an unpaired UTF-16 surrogate, which cannot be sent as it is`;
    }
  }
  for (const [what, ms] of [
    ['minimum duration', search.minDurationMs],
    ['maximum duration', search.maxDurationMs],
  ] as const) {
    if (ms !== undefined && !(Number.isFinite(ms) && ms >= 0 && Number.isSafeInteger(Math.round(ms * 1000)))) {
      return `the ${what} ${ms} ms is not a finite, non-negative duration Jaeger can parse`;
    }
  }
  if (!Number.isFinite(search.start) || !Number.isFinite(search.end) || !(search.end > search.start)) {
    return 'the search window must be finite and end after it starts';
  }
  if (!Number.isSafeInteger(search.limit) || search.limit < 1) {
    return `the limit ${search.limit} is not a positive whole number of traces`;
  }
  return undefined;
}

function hexTraceId(value: unknown): string | undefined {
  return typeof value === 'string' && /^[0-9a-fA-F]{1,32}$/.test(value)
    ? value.toLowerCase().padStart(32, '0')
    : undefined;
}

const MAX_TAGS = 20;
const MAX_TAG_LENGTH = 1024;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Jaeger's `tags` parameter: a JSON object of strings, encoded as a whole by the URL builder, so no
 * value can end the parameter or add another, and a value's newlines or quotes reach Jaeger as they
 * were. Checked before anything is sent: a name that is empty, over-long or holds a control character
 * (no instrumentation writes one), a value that is not a string or is over-long, too many tags.
 */
function tagsParam(tags: JaegerSearch['tags']): string | undefined | { problem: string } {
  const entries = Object.entries(tags ?? {});
  if (entries.length === 0) {
    return undefined;
  }
  if (entries.length > MAX_TAGS) {
    return { problem: `${entries.length} tags asked for; a search takes at most ${MAX_TAGS}` };
  }
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > MAX_TAG_LENGTH || CONTROL.test(key)) {
      return { problem: `tag name ${JSON.stringify(key)} is empty, too long or holds control characters` };
    }
    if (typeof value !== 'string' || value.length > MAX_TAG_LENGTH) {
      return {
        problem: `the value of tag ${JSON.stringify(key)} is not a string of at most ${MAX_TAG_LENGTH} characters`,
      };
    }
  }
  return JSON.stringify(Object.fromEntries(entries));
}

function entry<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) {
    list = [];
    map.set(key, list);
  }
  return list;
}

/**
 * Splits OTLP resource spans by trace id: v3 search merges every matching trace into one list.
 * Each trace keeps its resources and scopes; a resource holding spans of three traces appears in all three.
 */
function groupByTrace(resourceSpans: readonly unknown[]): Map<string, unknown[]> {
  const traces = new Map<string, unknown[]>();
  for (const rs of resourceSpans) {
    if (!isObject(rs)) {
      continue;
    }
    const perTrace = new Map<string, unknown[]>();
    for (const ss of Array.isArray(rs.scopeSpans) ? rs.scopeSpans : []) {
      if (!isObject(ss) || !Array.isArray(ss.spans)) {
        continue;
      }
      const byTrace = new Map<string, unknown[]>();
      for (const span of ss.spans) {
        const traceId = isObject(span) ? hexTraceId(span.traceId) : undefined;
        if (traceId !== undefined) {
          entry(byTrace, traceId).push(span);
        }
      }
      for (const [traceId, spans] of byTrace) {
        entry(perTrace, traceId).push({ ...ss, spans });
      }
    }
    for (const [traceId, scopeSpans] of perTrace) {
      entry(traces, traceId).push({ ...rs, scopeSpans });
    }
  }
  return traces;
}

type Invalid = (detail: string) => Error;

function readUiTraces(body: unknown, invalid: Invalid): JaegerTrace[] {
  if (!isObject(body) || (body.data !== null && body.data !== undefined && !Array.isArray(body.data))) {
    throw invalid('expected {"data": [...]}');
  }
  return ((body.data as unknown[] | null | undefined) ?? []).map((trace) => {
    const traceId = isObject(trace) ? hexTraceId(trace.traceID) : undefined;
    if (traceId === undefined) {
      throw invalid('a trace has no hex traceID');
    }
    return { format: 'jaeger-ui', traceId, trace };
  });
}

function readOtlpTraces(body: unknown, invalid: Invalid): JaegerTrace[] {
  const result = isObject(body) ? body.result : undefined;
  if (!isObject(result) || !Array.isArray(result.resourceSpans)) {
    throw invalid('expected {"result": {"resourceSpans": [...]}}');
  }
  return [...groupByTrace(result.resourceSpans)].map(([traceId, resourceSpans]) => ({
    format: 'otlp',
    traceId,
    resourceSpans,
  }));
}

/** The traces of a search answer, decoded and read wherever it is; its errors are `search`'s. */
export function readJaegerSearchAnswer({ format, source, bytes }: JaegerSearchAnswer): JaegerTrace[] {
  if (bytes.byteLength === 0 && format === 'otlp') {
    return [];
  }
  const body = answerJson(source, bytes, 'the body is not JSON');
  const invalid = (detail: string) => invalidAnswer(source, detail);
  return format === 'otlp' ? readOtlpTraces(body, invalid) : readUiTraces(body, invalid);
}

export function createJaegerClient(options: JaegerClientOptions): JaegerClient {
  const http = createHttp('Jaeger', options, DEFAULT_MAX_BYTES);
  let detected: Promise<JaegerApi> | undefined;

  const api = (request?: RequestOptions): Promise<JaegerApi> => {
    if (options.api === 'v3' || options.api === 'ui') {
      return Promise.resolve(options.api);
    }
    detected ??= http.getJson('/api/v3/services', {}, request, [404]).then(
      (body) => (body === undefined ? 'ui' : 'v3'),
      (error: unknown) => {
        detected = undefined; // a failed probe is retried by the next call
        throw error;
      }
    );
    return detected;
  };

  const uiTraces = (path: string, body: unknown) => readUiTraces(body, (detail) => http.invalid(path, detail));
  const otlpTraces = (path: string, body: unknown) => readOtlpTraces(body, (detail) => http.invalid(path, detail));

  const searchAnswer: JaegerClient['searchAnswer'] = async (search, request) => {
    const problem = searchProblem(search);
    if (problem !== undefined) {
      throw http.invalidRequest('/api/traces', problem);
    }
    const tags = tagsParam(search.tags);
    if (typeof tags === 'object') {
      throw http.invalidRequest('/api/traces', tags.problem);
    }
    const answered = (format: JaegerTrace['format'], answer: { url: string; bytes: ArrayBuffer }) => ({
      format,
      source: { dataSource: http.dataSource, name: http.name, url: answer.url },
      bytes: answer.bytes,
    });
    if (tags === undefined && (await api(request)) === 'v3') {
      const path = '/api/v3/traces';
      const answer = await http.getBytes(
        path,
        {
          'query.service_name': search.service,
          'query.operation_name': search.operation,
          'query.start_time_min': rfc3339(search.start),
          'query.start_time_max': rfc3339(search.end),
          'query.duration_min': goDuration(search.minDurationMs),
          'query.duration_max': goDuration(search.maxDurationMs),
          'query.num_traces': search.limit,
        },
        request,
        // v3 answers 404 "No traces found" for an empty result.
        [404]
      );
      return answered('otlp', answer ?? { url: path, bytes: new ArrayBuffer(0) });
    }
    const path = '/api/traces';
    const answer = await http.getBytes(
      path,
      {
        service: search.service,
        operation: search.operation,
        tags,
        minDuration: goDuration(search.minDurationMs),
        maxDuration: goDuration(search.maxDurationMs),
        limit: search.limit,
        start: Math.floor(search.start * 1e6),
        end: Math.ceil(search.end * 1e6),
      },
      request
    );
    return answered('jaeger-ui', answer as { url: string; bytes: ArrayBuffer });
  };

  return {
    api,

    async services(request) {
      const v3 = (await api(request)) === 'v3';
      const path = v3 ? '/api/v3/services' : '/api/services';
      const body = await http.getJson(path, {}, request);
      const services = isObject(body) ? (v3 ? body.services : body.data) : undefined;
      if (!Array.isArray(services)) {
        throw http.invalid(path, v3 ? 'expected {"services": [...]}' : 'expected {"data": [...]}');
      }
      return services.filter((s): s is string => typeof s === 'string');
    },

    async search(search, request) {
      return readJaegerSearchAnswer(await searchAnswer(search, request));
    },

    searchAnswer,

    async getTrace(traceId, range = {}, request) {
      const id = hexTraceId(traceId);
      if (id === undefined) {
        throw http.invalidRequest('/api/traces/', `trace id ${JSON.stringify(traceId)} is not 1–32 hex digits`);
      }
      if ((await api(request)) === 'v3') {
        const path = `/api/v3/traces/${id}`;
        const body = await http.getJson(
          path,
          { start_time: rfc3339(range.start), end_time: rfc3339(range.end) },
          request,
          [404]
        );
        return body === undefined ? null : (otlpTraces(path, body)[0] ?? null);
      }
      const path = `/api/traces/${id}`;
      const body = await http.getJson(path, {}, request, [404]);
      return body === undefined ? null : (uiTraces(path, body)[0] ?? null);
    },
  };
}
