/**
 * Typed client of the sampling controller's admin API, reached through the app's plugin-proxy route
 * (Grafana injects the token and the user's identity). Every response is validated with the
 * contract's zod schemas, so a controller of another version fails here with a clear message
 * instead of rendering nonsense.
 */
import type { z } from 'zod';

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
  ServiceListSchema,
} from '../../contract';
import { type Transport, controllerProxyUrl, errorDetail } from './transport';

/** The controller failed or refused; `message` reads as a sentence the UI can show as it is. */
export class ControllerError extends Error {
  override readonly name = 'ControllerError';
  constructor(
    readonly detail: string,
    readonly status?: number
  ) {
    super(`Sampling controller${status !== undefined ? ` answered ${status}` : ' could not be reached'}: ${detail}`);
  }
}

export type ControllerClient = ReturnType<typeof createControllerClient>;

export function createControllerClient(transport: Transport) {
  async function call<S extends z.ZodType>(schema: S, path: string, body?: unknown, signal?: AbortSignal) {
    const response = await transport(controllerProxyUrl(path), {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    }).catch((error: unknown) => {
      if ((error as Error).name === 'AbortError') {
        throw error;
      }
      throw new ControllerError((error as Error).message ?? 'unreachable');
    });
    if (!response.ok) {
      throw new ControllerError(await errorDetail(response), response.status);
    }
    const result = schema.safeParse(await response.json());
    if (!result.success) {
      throw new ControllerError(
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
    activeOverrides: (signal?: AbortSignal) => call(OverrideListSchema, '/overrides?state=active', undefined, signal),
    audit: (name: string, signal?: AbortSignal) =>
      call(AuditListSchema, `/audit?service=${service(name)}&limit=20`, undefined, signal),
    createOverride: (body: CreateOverrideBody) => call(OverrideSchema, '/overrides', body),
    revertOverride: (id: string, body: RevertOverrideBody = {}) =>
      call(OverrideSchema, `/overrides/${encodeURIComponent(id)}/revert`, body),
    extendOverride: (id: string, body: ExtendOverrideBody) =>
      call(OverrideSchema, `/overrides/${encodeURIComponent(id)}/extend`, body),
  };
}
