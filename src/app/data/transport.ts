/**
 * The app's one way to talk HTTP: a fetch-like transport over Grafana's backend service, so every
 * request carries Grafana's session and org and goes through its proxies, and non-2xx answers come
 * back as responses (like `fetch`) instead of Grafana's error toasts. It satisfies the data
 * clients' `Transport` (the whole body as text, or as an ArrayBuffer when a client asks for bytes, since backendSrv
 * already holds all of it) and offers `json()`/`text()` for the controller client and the settings page. Also the
 * URLs of Grafana's proxies.
 */
import { type FetchResponse, getBackendSrv, isFetchError } from '@grafana/runtime';

import type { BodyForm, TransportResponse as ClientResponse } from '../../clients';
import { PLUGIN_ID } from '../routes';

export interface TransportRequest {
  method?: string;
  headers?: Record<string, string>;
  /** Already serialised (JSON), as with `fetch`. */
  body?: string;
  signal?: AbortSignal;
  /** Text unless a data client asks for the bytes (backendSrv's `responseType`). */
  responseType?: BodyForm;
}

export interface TransportResponse extends ClientResponse {
  readonly ok: boolean;
  readonly statusText: string;
  json(): Promise<unknown>;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type Transport = (url: string, init?: TransportRequest) => Promise<TransportResponse>;

function asResponse(status: number, statusText: string, data: unknown, headers?: Headers): TransportResponse {
  // Asked for text or bytes, backendSrv hands the body over as such, an error's too; an error may also arrive parsed.
  const text = (): string =>
    typeof data === 'string'
      ? data
      : data instanceof ArrayBuffer
        ? new TextDecoder().decode(data)
        : data === undefined
          ? ''
          : JSON.stringify(data);
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText,
    headers: { get: (name) => headers?.get(name) ?? null },
    // The body is already whole: the clients take it as it is rather than as a stream.
    body: null,
    json: async () => JSON.parse(text()),
    text: async () => text(),
    arrayBuffer: async () =>
      data instanceof ArrayBuffer ? data : (new TextEncoder().encode(text()).buffer as ArrayBuffer),
  };
}

function abortError(): Error {
  const error = new Error('The request was cancelled');
  error.name = 'AbortError';
  return error;
}

export const backendSrvTransport: Transport = async (url, init = {}) => {
  if (init.signal?.aborted) {
    throw abortError();
  }
  const request = getBackendSrv().fetch({
    url,
    method: init.method ?? 'GET',
    headers: init.headers,
    data: init.body,
    responseType: init.responseType ?? 'text',
    showErrorAlert: false,
    showSuccessAlert: false,
  });
  try {
    const response: FetchResponse = await new Promise((resolve, reject) => {
      // Unsubscribing from backendSrv's observable cancels the underlying request.
      const subscription = request.subscribe({ next: resolve, error: reject });
      init.signal?.addEventListener('abort', () => {
        subscription.unsubscribe();
        reject(abortError());
      });
    });
    return asResponse(response.status, response.statusText, response.data, response.headers);
  } catch (error) {
    if (isFetchError(error) && !error.cancelled) {
      return asResponse(error.status, error.statusText ?? '', error.data);
    }
    throw error;
  }
};

/** Root of a data source's API behind Grafana's data source proxy, the `baseUrl` of a data client. */
export function datasourceProxyUrl(uid: string): string {
  return `/api/datasources/proxy/uid/${encodeURIComponent(uid)}`;
}

/** URL of the controller's admin API behind the app's plugin-proxy route (see `routes` in plugin.json). */
export function controllerProxyUrl(path: string): string {
  return `/api/plugin-proxy/${PLUGIN_ID}/controller/api/v1${path}`;
}

/** The error message an upstream put in its body, in the shapes Grafana and the controller use. */
export async function errorDetail(response: TransportResponse): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'object' && body.error !== null && 'message' in body.error) {
      return String((body.error as { message: unknown }).message);
    }
    if (typeof body.message === 'string') {
      return body.message;
    }
    if (typeof body.error === 'string') {
      return body.error;
    }
  } catch {
    // Not JSON: a proxy's plain-text answer.
  }
  return text.trim().slice(0, 300) || response.statusText || 'no details';
}
