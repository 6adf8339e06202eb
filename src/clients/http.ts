/**
 * The request core shared by the Tempo, Jaeger, Prometheus and Loki clients and the sampling controller's client:
 * builds the URL under the base URL, sends through an injectable fetch-like transport, enforces the timeout and
 * the caller's AbortSignal on the whole exchange (body included), stops reading past a byte limit, and turns every
 * failure into a `DataSourceError`.
 */
import { DataSourceError, type DataSourceKind, hintForStatus, invalidAnswer } from './errors';

/** The subset of a fetch `Response` the clients use; the global `fetch` returns one. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  /** Read as it streams in, stopping at the byte limit. */
  readonly body: ReadableStream<Uint8Array> | null;
  /**
   * For a transport that already holds the whole body (Grafana's backendSrv): `body` is null and these hand it
   * over in the form the request asked for (`TransportRequest.responseType`), instead of a stream that would
   * encode it only for it to be decoded again — megabytes per trace on the page's thread. One of them suffices.
   */
  text?(): Promise<string>;
  arrayBuffer?(): Promise<ArrayBuffer>;
}

export interface TransportRequest {
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  /** JSON, already serialised; only on POST. */
  readonly body?: string;
  readonly signal: AbortSignal;
  /**
   * The form the client will read the body in, for a transport that must choose before sending (backendSrv's
   * `responseType`); a streaming transport can ignore it.
   */
  readonly responseType: BodyForm;
}

/** `arraybuffer`: the bytes as they came, for a caller that decodes them elsewhere (the app's analysis worker). */
export type BodyForm = 'text' | 'arraybuffer';

/**
 * Sends one request. The global `fetch` fits; in Grafana the app passes `fetch` (or an adapter)
 * with a base URL of `/api/datasources/proxy/uid/<uid>`, so requests go through Grafana's
 * data source proxy with the user's session.
 */
export type Transport = (url: string, request: TransportRequest) => Promise<TransportResponse>;

export interface ClientOptions {
  /** Root of the data source API, absolute or relative (`/api/datasources/proxy/uid/<uid>`). */
  readonly baseUrl: string;
  /** Defaults to the global `fetch`. */
  readonly transport?: Transport;
  /** Shown in errors: the data source's name or uid. Defaults to the base URL. */
  readonly name?: string;
  /** Whole-request timeout in milliseconds, body included. Default 30 s. */
  readonly timeoutMs?: number;
  /** Largest answer read, in bytes. Defaults per client. */
  readonly maxResponseBytes?: number;
  /** Extra headers on every request, e.g. `X-Scope-OrgID` for a multi-tenant Tempo. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  /** Overrides the client's timeout for this request. */
  readonly timeoutMs?: number;
}

export type QueryParams = Readonly<Record<string, string | number | undefined>>;

const DEFAULT_TIMEOUT_MS = 30_000;
/** Error bodies are only read for their message. */
const ERROR_BODY_BYTES = 64 * 1024;

export interface DataSourceHttp {
  readonly dataSource: DataSourceKind;
  readonly name: string;
  /** GETs `path` and parses JSON; `undefined` for a status in `passStatuses` (e.g. 404 for "no such trace"). */
  getJson(
    path: string,
    params: QueryParams,
    options?: RequestOptions,
    passStatuses?: readonly number[]
  ): Promise<unknown>;
  /**
   * GETs `path` and returns the body's bytes undecoded, for a caller that decodes them elsewhere (the app's analysis
   * worker, to which they are transferred) with the URL asked, as errors name it; `undefined` for a status in
   * `passStatuses`.
   */
  getBytes(
    path: string,
    params: QueryParams,
    options?: RequestOptions,
    passStatuses?: readonly number[]
  ): Promise<{ url: string; bytes: ArrayBuffer } | undefined>;
  /** POSTs `body` as JSON to `path` and parses the JSON answer. */
  postJson(path: string, body: unknown, options?: RequestOptions): Promise<unknown>;
  /** An error for a 2xx answer that is not what this API returns. */
  invalid(url: string, detail: string): DataSourceError;
  /** An error for caller input that cannot be sent. */
  invalidRequest(path: string, detail: string): DataSourceError;
}

export function createHttp(
  dataSource: DataSourceKind,
  options: ClientOptions,
  defaultMaxBytes: number
): DataSourceHttp {
  const base = options.baseUrl.replace(/\/+$/, '');
  const name = options.name ?? base;
  const maxBytes = options.maxResponseBytes ?? defaultMaxBytes;
  const transport: Transport = options.transport ?? ((url, init) => fetch(url, init));
  const fail = (
    url: string,
    d: Omit<ConstructorParameters<typeof DataSourceError>[0], 'dataSource' | 'name' | 'url'>,
    cause?: unknown
  ) => new DataSourceError({ dataSource, name, url, ...d }, { cause });

  const urlFor = (path: string, params: QueryParams): string => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) {
      if (value !== undefined) {
        search.set(key, String(value));
      }
    }
    const query = search.toString();
    return `${base}${path}${query ? `?${query}` : ''}`;
  };

  async function exchange<F extends BodyForm>(
    form: F,
    method: TransportRequest['method'],
    path: string,
    params: QueryParams,
    body: unknown,
    request: RequestOptions = {},
    passStatuses: readonly number[] = []
  ): Promise<{ url: string; body: BodyOf<F> } | undefined> {
    const url = urlFor(path, params);
    const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = (): void => controller.abort();
    request.signal?.addEventListener('abort', onAbort, { once: true });

    // Whatever fails while our controller is aborted is reported as the abort, not as its symptom.
    const interruption = (cause: unknown): DataSourceError | undefined => {
      if (timedOut) {
        return fail(
          url,
          {
            kind: 'timeout',
            hint: `No complete answer within ${timeoutMs / 1000} s; narrow the time range or lower the limit, then retry.`,
          },
          cause
        );
      }
      if (request.signal?.aborted) {
        return fail(url, { kind: 'aborted', hint: 'The request was cancelled.' }, cause);
      }
      return undefined;
    };

    try {
      if (request.signal?.aborted) {
        throw interruption(undefined);
      }
      // A cancelled or timed-out request reports that; anything else that breaks the connection is a network error.
      const connectionFailure = (cause: unknown, hint: string): DataSourceError =>
        interruption(cause) ?? fail(url, { kind: 'network', detail: messageOf(cause), hint }, cause);
      let response: TransportResponse;
      try {
        response = await transport(url, {
          method,
          headers:
            body === undefined
              ? { Accept: 'application/json', ...options.headers }
              : { Accept: 'application/json', 'Content-Type': 'application/json', ...options.headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: controller.signal,
          responseType: form,
        });
      } catch (cause) {
        throw connectionFailure(cause, 'Check that the data source is reachable from Grafana and retry.');
      }

      const ok = response.status >= 200 && response.status < 300;
      if (!ok && passStatuses.includes(response.status)) {
        await response.body?.cancel().catch(() => undefined);
        return undefined;
      }
      const tooLarge = (): DataSourceError =>
        fail(url, {
          kind: 'too-large',
          detail: `more than ${formatBytes(maxBytes)}`,
          hint: 'Narrow the time range or lower the limit, then retry.',
        });
      const declared = Number(response.headers.get('content-length'));
      if (ok && declared > maxBytes) {
        controller.abort();
        throw tooLarge();
      }

      const brokenRead = (cause: unknown) =>
        connectionFailure(cause, 'The connection broke while reading the answer; retry.');
      if (!ok) {
        // An error's body is only read for its message.
        let text = '';
        try {
          text = await readBody(response, 'text', ERROR_BODY_BYTES, controller);
        } catch (cause) {
          if (cause !== BODY_LIMIT) {
            throw brokenRead(cause);
          }
        }
        throw fail(url, {
          kind: 'http',
          status: response.status,
          detail: errorDetail(text),
          hint: hintForStatus(response.status, dataSource),
        });
      }
      try {
        return { url, body: await readBody(response, form, maxBytes, controller) };
      } catch (cause) {
        throw cause === BODY_LIMIT ? tooLarge() : brokenRead(cause);
      }
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onAbort);
    }
  }

  const parsed = (answer: { url: string; body: string } | undefined): unknown => {
    if (answer === undefined) {
      return undefined;
    }
    try {
      return JSON.parse(answer.body) as unknown;
    } catch (cause) {
      throw invalidAnswer({ dataSource, name, url: answer.url }, 'the body is not JSON', cause);
    }
  };

  return {
    dataSource,
    name,
    getJson: async (path, params, request, passStatuses) =>
      parsed(await exchange('text', 'GET', path, params, undefined, request, passStatuses)),
    getBytes: async (path, params, request, passStatuses) => {
      const answer = await exchange('arraybuffer', 'GET', path, params, undefined, request, passStatuses);
      return answer && { url: answer.url, bytes: answer.body };
    },
    postJson: async (path, body, request) => parsed(await exchange('text', 'POST', path, {}, body, request)),
    invalid: (url, detail) => invalidAnswer({ dataSource, name, url }, detail),
    invalidRequest: (path, detail) =>
      fail(`${base}${path}`, { kind: 'invalid-request', detail, hint: 'Nothing was sent; correct the input.' }),
  };
}

const BODY_LIMIT = Symbol('body limit');

type BodyOf<F extends BodyForm> = F extends 'arraybuffer' ? ArrayBuffer : string;

/** The body in `form`, from the stream or from a transport that holds it whole; BODY_LIMIT past `limit` bytes. */
async function readBody<F extends BodyForm>(
  response: TransportResponse,
  form: F,
  limit: number,
  controller: AbortController
): Promise<BodyOf<F>> {
  if (response.body === null && (response.text || response.arrayBuffer)) {
    return (await readWhole(response, form, limit)) as BodyOf<F>;
  }
  const bytes = await readBytes(response.body, limit, controller);
  return (form === 'arraybuffer' ? bytes.buffer : new TextDecoder().decode(bytes)) as BodyOf<F>;
}

/** A whole body in `form`, converted only when the transport holds it in the other one. */
async function readWhole(response: TransportResponse, form: BodyForm, limit: number): Promise<string | ArrayBuffer> {
  if (form === 'text') {
    return withinLimit(
      response.text ? await response.text() : new TextDecoder().decode(await response.arrayBuffer!()),
      limit
    );
  }
  const bytes = response.arrayBuffer
    ? await response.arrayBuffer()
    : (new TextEncoder().encode(await response.text!()).buffer as ArrayBuffer);
  if (bytes.byteLength > limit) {
    throw BODY_LIMIT;
  }
  return bytes;
}

/** `text` if its UTF-8 form fits in `limit` bytes (encoded only when its length leaves doubt); else BODY_LIMIT. */
function withinLimit(text: string, limit: number): string {
  // A character takes 1–3 UTF-8 bytes (a surrogate pair 4 for 2 characters).
  if (text.length > limit || (text.length * 3 > limit && new TextEncoder().encode(text).byteLength > limit)) {
    throw BODY_LIMIT;
  }
  return text;
}

/** Reads the body's bytes into one buffer of their size, aborting the exchange as soon as it passes `limit` bytes. */
async function readBytes(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  controller: AbortController
): Promise<Uint8Array<ArrayBuffer>> {
  if (!body) {
    return new Uint8Array(0);
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    size += value.byteLength;
    if (size > limit) {
      controller.abort();
      await reader.cancel().catch(() => undefined);
      throw BODY_LIMIT;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Prometheus and Loki send `{"error": "…"}` bodies, Grafana `{"message": "…"}`, the controller
 * `{"error": {"message": "…"}}`, Tempo plain text; keep the message short.
 */
function errorDetail(text: string): string | undefined {
  let detail = text.trim();
  try {
    const parsed = JSON.parse(detail) as { error?: unknown; message?: unknown };
    const nested = (parsed.error as { message?: unknown } | null | undefined)?.message;
    const message = typeof nested === 'string' ? nested : (parsed.error ?? parsed.message);
    if (typeof message === 'string') {
      detail = message;
    }
  } catch {
    // Not JSON: the text is the message.
  }
  return detail.length === 0 ? undefined : detail.length > 300 ? `${detail.slice(0, 300)}…` : detail;
}

function messageOf(cause: unknown): string {
  const inner = (cause as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const message = cause instanceof Error ? cause.message : String(cause);
  return typeof inner === 'string' ? `${message} (${inner})` : message;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
