/**
 * Typed client of the sampling controller's admin API, reached through the app's plugin-proxy route
 * (Grafana injects the token and the user's identity). It talks through the data clients' HTTP core, so
 * it has their timeouts, cancellation, size limit and typed errors (`DataSourceError` naming the
 * controller, its status, its own message and what to do). Every response is validated with the
 * contract's zod schemas, so a controller of another version fails here with a clear message instead of
 * rendering nonsense.
 */
import type { z } from 'zod';

import { type Transport, createHttp } from '../../clients';
import {
  type CreateOverrideBody,
  type ExtendOverrideBody,
  type RevertOverrideBody,
  AuditListSchema,
  EffectiveStrategySchema,
  GuardrailsSchema,
  MeSchema,
  OverrideListSchema,
  OverrideSchema,
  SamplingHistorySchema,
  ServiceListSchema,
} from '../../contract';
import { controllerProxyUrl } from './transport';

/** The admin API's answers are small lists; anything bigger is not the controller. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const TIMEOUT_MS = 15_000;

export type ControllerClient = ReturnType<typeof createControllerClient>;

export function createControllerClient(transport: Transport) {
  const http = createHttp(
    'Sampling controller',
    { baseUrl: controllerProxyUrl(''), transport, name: 'the app’s controller route', timeoutMs: TIMEOUT_MS },
    MAX_RESPONSE_BYTES
  );

  async function call<S extends z.ZodType>(schema: S, path: string, body?: unknown, signal?: AbortSignal) {
    const answer =
      body === undefined ? await http.getJson(path, {}, { signal }) : await http.postJson(path, body, { signal });
    const result = schema.safeParse(answer);
    if (!result.success) {
      throw http.invalid(
        controllerProxyUrl(path),
        `unexpected answer to ${path} (${result.error.issues[0]?.message ?? 'invalid'}); is the controller the same version as the app?`
      );
    }
    return result.data as z.infer<S>;
  }

  const service = (name: string) => encodeURIComponent(name);

  return {
    me: (signal?: AbortSignal) => call(MeSchema, '/me', undefined, signal),
    guardrails: (signal?: AbortSignal) => call(GuardrailsSchema, '/guardrails', undefined, signal),
    services: (signal?: AbortSignal) => call(ServiceListSchema, '/services', undefined, signal),
    strategy: (name: string, signal?: AbortSignal) =>
      call(EffectiveStrategySchema, `/services/${service(name)}/strategy`, undefined, signal),
    /**
     * The spikes the controller keeps, running and ended (`state=all`), newest first, at most `MAX_LISTED_OVERRIDES`;
     * with `sinceMs`, only those still in effect at or after it (unix milliseconds).
     */
    overrides: (signal?: AbortSignal, sinceMs?: number) =>
      call(
        OverrideListSchema,
        `/overrides?state=all${sinceMs === undefined ? '' : `&since=${Math.max(0, Math.floor(sinceMs))}`}`,
        undefined,
        signal
      ),
    audit: (name: string, signal?: AbortSignal) =>
      call(AuditListSchema, `/audit?service=${service(name)}&limit=20`, undefined, signal),
    /** The piecewise sampling rate of `service` over `[fromMs, toMs]` (unix milliseconds) and its spikes. */
    history: (name: string, fromMs: number, toMs: number, signal?: AbortSignal) =>
      call(
        SamplingHistorySchema,
        `/sampling/history?service=${service(name)}&from=${Math.floor(fromMs)}&to=${Math.ceil(toMs)}`,
        undefined,
        signal
      ),
    createOverride: (body: CreateOverrideBody) => call(OverrideSchema, '/overrides', body),
    revertOverride: (id: string, body: RevertOverrideBody = {}) =>
      call(OverrideSchema, `/overrides/${encodeURIComponent(id)}/revert`, body),
    extendOverride: (id: string, body: ExtendOverrideBody) =>
      call(OverrideSchema, `/overrides/${encodeURIComponent(id)}/extend`, body),
  };
}
