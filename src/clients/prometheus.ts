/**
 * Prometheus HTTP API client for instant and range queries (`/api/v1/query`,
 * `/api/v1/query_range`) and label values (`/api/v1/label/<name>/values`), returning the typed `data` of a successful answer.
 */
import { type ClientOptions, type RequestOptions, createHttp } from './http';

export type SampleValue = readonly [unixSeconds: number, value: string];

export interface PromVectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: SampleValue;
}

export interface PromMatrixSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly SampleValue[];
}

export type PromInstantResult =
  | { readonly resultType: 'vector'; readonly result: readonly PromVectorSample[] }
  | { readonly resultType: 'scalar' | 'string'; readonly result: SampleValue };

export interface PromRangeResult {
  readonly resultType: 'matrix';
  readonly result: readonly PromMatrixSeries[];
}

export interface PrometheusClient {
  /** Instant query at `time` (unix seconds; default now). */
  query(query: string, at?: { readonly time?: number }, options?: RequestOptions): Promise<PromInstantResult>;
  /** Values of `label` (`__name__` for metric names) on the series `match` selects, optionally in a time range. */
  labelValues(
    label: string,
    filter?: { readonly match?: string; readonly start?: number; readonly end?: number },
    options?: RequestOptions
  ): Promise<string[]>;
  /** Range query; times in unix seconds, step in seconds. */
  queryRange(
    query: string,
    range: { readonly start: number; readonly end: number; readonly step: number },
    options?: RequestOptions
  ): Promise<PromRangeResult>;
}

const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export function createPrometheusClient(options: ClientOptions): PrometheusClient {
  const http = createHttp('Prometheus', options, DEFAULT_MAX_BYTES);

  const data = async (path: string, params: Record<string, string | number | undefined>, request?: RequestOptions) => {
    const body = (await http.getJson(path, params, request)) as {
      status?: unknown;
      data?: { resultType?: unknown; result?: unknown };
    } | null;
    if (body?.status !== 'success' || typeof body.data?.resultType !== 'string' || body.data.result === undefined) {
      throw http.invalid(path, 'expected {"status": "success", "data": {"resultType", "result"}}');
    }
    return body.data as { resultType: string; result: unknown };
  };

  return {
    async query(query, at = {}, request) {
      const d = await data('/api/v1/query', { query, time: at.time }, request);
      const valid =
        d.resultType === 'vector'
          ? Array.isArray(d.result)
          : ['scalar', 'string'].includes(d.resultType) && Array.isArray(d.result);
      if (!valid) {
        throw http.invalid('/api/v1/query', `unexpected result type ${d.resultType}`);
      }
      return d as PromInstantResult;
    },
    async labelValues(label, filter = {}, request) {
      const path = `/api/v1/label/${encodeURIComponent(label)}/values`;
      const body = (await http.getJson(
        path,
        { 'match[]': filter.match, start: filter.start, end: filter.end },
        request
      )) as { status?: unknown; data?: unknown } | null;
      if (body?.status !== 'success' || !Array.isArray(body.data)) {
        throw http.invalid(path, 'expected {"status": "success", "data": [...]}');
      }
      return body.data.filter((v): v is string => typeof v === 'string');
    },
    async queryRange(query, range, request) {
      const d = await data(
        '/api/v1/query_range',
        { query, start: range.start, end: range.end, step: range.step },
        request
      );
      if (d.resultType !== 'matrix' || !Array.isArray(d.result)) {
        throw http.invalid('/api/v1/query_range', `expected a matrix, got ${d.resultType}`);
      }
      return d as PromRangeResult;
    },
  };
}
