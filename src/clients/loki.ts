/**
 * Loki HTTP API client for log queries over a time range (`/loki/api/v1/query_range`), returning
 * streams and, for display, one flat list of lines in time order.
 */
import { type ClientOptions, type RequestOptions, createHttp } from './http';

export interface LokiStream {
  readonly stream: Readonly<Record<string, string>>;
  /** `[unix nanoseconds, line]`, plus structured metadata when Loki has it. */
  readonly values: ReadonlyArray<readonly [string, string, Readonly<Record<string, unknown>>?]>;
}

export interface LokiLogLine {
  readonly timestampNs: string;
  readonly line: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface LokiQueryRange {
  /** LogQL, built with `src/queries`. */
  readonly query: string;
  /** Unix seconds. */
  readonly start: number;
  readonly end: number;
  readonly limit?: number;
  readonly direction?: 'forward' | 'backward';
}

export interface LokiClient {
  queryRange(range: LokiQueryRange, options?: RequestOptions): Promise<LokiStream[]>;
}

const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

/** Loki reads integer timestamps as nanoseconds; seconds × 1e9 exceeds 2^53, hence BigInt. */
function secondsToNanos(seconds: number): string {
  return (BigInt(Math.round(seconds * 1000)) * 1_000_000n).toString();
}

export function createLokiClient(options: ClientOptions): LokiClient {
  const http = createHttp('Loki', options, DEFAULT_MAX_BYTES);
  return {
    async queryRange(range, request) {
      const path = '/loki/api/v1/query_range';
      const body = (await http.getJson(
        path,
        {
          query: range.query,
          start: secondsToNanos(range.start),
          end: secondsToNanos(range.end),
          limit: range.limit,
          direction: range.direction,
        },
        request
      )) as { status?: unknown; data?: { resultType?: unknown; result?: unknown } } | null;
      if (body?.status !== 'success' || body.data?.resultType !== 'streams' || !Array.isArray(body.data.result)) {
        throw http.invalid(path, 'expected {"status": "success", "data": {"resultType": "streams", "result": [...]}}');
      }
      return body.data.result as LokiStream[];
    },
  };
}

/** All lines of all streams, oldest first, each with its stream's labels. */
export function logLines(streams: readonly LokiStream[]): LokiLogLine[] {
  const lines = streams.flatMap((s) =>
    s.values.map(([timestampNs, line]) => ({ timestampNs, line, labels: s.stream }))
  );
  // Equal-length decimal strings compare like numbers; pad to be safe with older timestamps.
  return lines.sort((a, b) => (a.timestampNs.padStart(20, '0') < b.timestampNs.padStart(20, '0') ? -1 : 1));
}
