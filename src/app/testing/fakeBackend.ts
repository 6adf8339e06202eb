/**
 * A stand-in for Grafana's backend service (`getBackendSrv()`) in component tests: answers by
 * method and URL pattern, records every request so tests assert on exactly what was sent, and
 * fails like backendSrv does (a `FetchError` with status and data). Plus the signed-in user as
 * Grafana's boot data describes them. Tests install it with
 * `jest.mock('@grafana/runtime', () => ({ ...jest.requireActual('@grafana/runtime'), getBackendSrv: () => mockBackend }))`.
 */
import { type Observable, defer } from 'rxjs';
import type { OrgRole } from '@grafana/data';
import { type BackendSrvRequest, type FetchResponse, config } from '@grafana/runtime';

export interface RecordedRequest {
  method: string;
  /** Path and query string as the app built them. */
  url: string;
  /** Parsed when the app sent JSON. */
  body: unknown;
  headers: Record<string, string>;
  /** The body's form the app asked backendSrv for. */
  responseType?: BackendSrvRequest['responseType'];
}

export interface Reply {
  status: number;
  data: unknown;
}
type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

interface Route {
  method: string;
  url: string | RegExp;
  handle: Handler;
}

export const ok = (data: unknown): Reply => ({ status: 200, data });
export const fail = (status: number, data: unknown = { message: 'failed' }): Reply => ({ status, data });
/** An answer that never arrives, to look at loading states. */
export const pending: Handler = () => new Promise(() => {});

export class FakeBackend {
  readonly requests: RecordedRequest[] = [];
  private routes: Route[] = [];

  /** Later routes win, so a test can override a default answer set up in `beforeEach`. */
  on(method: string, url: string | RegExp, reply: Reply | Handler): this {
    this.routes.unshift({ method, url, handle: typeof reply === 'function' ? reply : () => reply });
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.routes = [];
  }

  /** Requests whose URL (decoded, so queries read as written) contains `fragment`. */
  sent(fragment: string, method?: string): RecordedRequest[] {
    return this.requests.filter(
      (r) => decodeURIComponent(r.url).includes(fragment) && (!method || r.method === method)
    );
  }

  fetch<T>(options: BackendSrvRequest): Observable<FetchResponse<T>> {
    return defer(async () => {
      const request: RecordedRequest = {
        method: options.method ?? 'GET',
        url: options.url,
        body: typeof options.data === 'string' ? parseMaybeJson(options.data) : options.data,
        headers: options.headers ?? {},
        responseType: options.responseType,
      };
      this.requests.push(request);
      const route = this.routes.find(
        (r) =>
          r.method === request.method &&
          (typeof r.url === 'string' ? request.url.startsWith(r.url) : r.url.test(request.url))
      );
      const { status, data } = route
        ? await route.handle(request)
        : { status: 404, data: { message: `no fake for ${request.method} ${request.url}` } };
      const body = inForm(data, options.responseType);
      if (status >= 400) {
        throw { status, statusText: '', data: body, config: options };
      }
      return {
        data: body as T,
        status,
        statusText: 'OK',
        ok: true,
        config: options,
        headers: { get: () => null },
      } as unknown as FetchResponse<T>;
    });
  }
}

/** Like backendSrv, the body — an error's too — in the form asked for: text unparsed, or an ArrayBuffer of its bytes. */
function inForm(data: unknown, responseType: BackendSrvRequest['responseType']): unknown {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  if (responseType === 'arraybuffer') {
    // Copied into this realm's Uint8Array: jsdom's ArrayBuffer is not Node's.
    return new Uint8Array(new TextEncoder().encode(text)).buffer;
  }
  return responseType === 'text' ? text : data;
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const SAMPLING_WRITE = 'seed-tracingops-app.sampling:write';

/** Sets Grafana's boot data user, as the app reads it from `config.bootData.user`. */
export function signInAs({
  login = 'alice',
  role = 'Editor',
  isGrafanaAdmin = false,
  permissions = role === 'Viewer' ? {} : { [SAMPLING_WRITE]: true },
}: {
  login?: string;
  role?: 'Viewer' | 'Editor' | 'Admin';
  isGrafanaAdmin?: boolean;
  permissions?: Record<string, boolean>;
} = {}): void {
  config.bootData.user = {
    ...config.bootData.user,
    login,
    orgRole: role as OrgRole,
    isGrafanaAdmin,
    permissions,
    isSignedIn: true,
  };
}
