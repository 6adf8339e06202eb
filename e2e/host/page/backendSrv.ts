/**
 * Grafana's backend service as a plugin sees it (`getBackendSrv()`): `fetch` returns an Observable that aborts the
 * request on unsubscribe and fails with a FetchError-shaped object (`status`, `data`, `config`); the promise helpers
 * wrap it. Like Grafana's, it sends the org header and reads the body — an error's too — in the `responseType` asked
 * for (`text`, `arraybuffer`, `blob`, `json`), else as JSON when it parses.
 */
import { type BackendSrv, type BackendSrvRequest, type FetchError, type FetchResponse } from '@grafana/runtime';
import { Observable, lastValueFrom } from 'rxjs';

async function readBody(response: Response, options: BackendSrvRequest): Promise<unknown> {
  switch (options.responseType) {
    case 'arraybuffer':
      return response.arrayBuffer();
    case 'blob':
      return response.blob();
    case 'text':
      return response.text();
  }
  const text = await response.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * As Grafana's backendSrv: a local URL loses its leading slash, so it resolves against `<base href>` — Grafana's
 * sub-path (`appSubUrl`) when it has one.
 */
function requestUrl(options: BackendSrvRequest): string {
  const url = /^https?:/.test(options.url) ? options.url : options.url.replace(/^\//, '');
  if (!options.params) {
    return url;
  }
  const query = new URLSearchParams(
    Object.entries(options.params)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, String(v)])
  ).toString();
  return query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url;
}

function fetchObservable<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
  return new Observable<FetchResponse<T>>((subscriber) => {
    const controller = new AbortController();
    const headers: Record<string, string> = { 'X-Grafana-Org-Id': '1', ...(options.headers ?? {}) };
    let body: BodyInit | undefined;
    if (options.data !== undefined) {
      body = typeof options.data === 'string' ? options.data : JSON.stringify(options.data);
      headers['Content-Type'] ??= 'application/json';
    }
    fetch(requestUrl(options), { method: options.method ?? 'GET', headers, body, signal: controller.signal })
      .then(async (response) => {
        const data = await readBody(response, options);
        if (!response.ok) {
          const error: FetchError = { status: response.status, statusText: response.statusText, data, config: options };
          subscriber.error(error);
          return;
        }
        subscriber.next({
          data: data as T,
          status: response.status,
          statusText: response.statusText,
          ok: true,
          headers: response.headers,
          redirected: response.redirected,
          type: response.type,
          url: response.url,
          config: options,
        });
        subscriber.complete();
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        // A network failure: Grafana reports it as a FetchError without an HTTP status.
        const failure: FetchError = { status: 0, data: { message: String(error) }, config: options };
        subscriber.error(failure);
      });
    return () => controller.abort();
  });
}

const promise = <T>(options: BackendSrvRequest) =>
  lastValueFrom(fetchObservable<T>(options)).then((response) => response.data);

export const hostBackendSrv: BackendSrv = {
  fetch: fetchObservable,
  get: (url, params, _requestId, options) => promise({ ...options, url, params }),
  delete: (url, data, options) => promise({ ...options, url, data, method: 'DELETE' }),
  post: (url, data, options) => promise({ ...options, url, data, method: 'POST' }),
  patch: (url, data, options) => promise({ ...options, url, data, method: 'PATCH' }),
  put: (url, data, options) => promise({ ...options, url, data, method: 'PUT' }),
  // Deprecated in BackendSrv but still provided by Grafana, so a plugin may call them.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  request: (options) => promise(options),
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  datasourceRequest: (options) => lastValueFrom(fetchObservable(options)),
  chunked: () => {
    throw new Error('The preview host does not stream responses');
  },
};
