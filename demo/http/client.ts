/**
 * Calls from one demo service to another: a CLIENT span per call, the W3C `traceparent` injected into
 * the request, a timeout, and a typed error for any non-2xx answer or network failure.
 */
import { type Context, SpanKind, type Tracer, defaultTextMapSetter } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';

import { inSpan, traceContext } from '../telemetry';

export class DownstreamError extends Error {
  override readonly name = 'DownstreamError';
  constructor(
    readonly service: string,
    /** The HTTP status, or undefined when no answer arrived (refused, timed out). */
    readonly status: number | undefined,
    message: string
  ) {
    super(`${service}: ${message}`);
  }
}

export interface CallOptions {
  /** 0 for the first attempt; retries count up, as `http.request.resend_count` records. */
  attempt?: number;
}

export class Downstream {
  constructor(
    /** The callee's service name, recorded as `peer.service` so service graphs name the edge. */
    readonly service: string,
    private readonly baseUrl: string,
    private readonly tracer: Tracer,
    private readonly timeoutMs: number
  ) {}

  post<T>(parent: Context, path: string, body: unknown, { attempt = 0 }: CallOptions = {}): Promise<T> {
    const url = new URL(path, this.baseUrl);
    const attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: 'POST',
      [ATTR_URL_FULL]: url.href,
      [ATTR_SERVER_ADDRESS]: url.hostname,
      [ATTR_SERVER_PORT]: Number(url.port),
      'peer.service': this.service,
      ...(attempt > 0 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt } : {}),
    };
    return inSpan(this.tracer, `POST ${path}`, parent, { kind: SpanKind.CLIENT, attributes }, async (span, ctx) => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      traceContext.inject(ctx, headers, defaultTextMapSetter);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        throw new DownstreamError(this.service, undefined, `no answer from ${url.href}: ${(err as Error).message}`);
      }
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.status);
      const text = await response.text();
      if (!response.ok) {
        throw new DownstreamError(this.service, response.status, `${response.status} ${errorMessage(text)}`);
      }
      return JSON.parse(text) as T;
    });
  }
}

function errorMessage(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : text;
  } catch {
    return text;
  }
}
