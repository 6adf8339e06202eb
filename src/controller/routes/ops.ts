/**
 * Operational endpoints: `/healthz` (the process answers), `/readyz` (storage reachable; also reports a strategies
 * file that failed to reload) and `/metrics` (Prometheus). A bad strategies file leaves the controller ready but
 * `degraded`: it still serves the last good strategies, and taking every replica out of rotation would leave
 * samplers with nothing at all.
 */
import type { FastifyInstance } from 'fastify';
import type { ControllerMetrics } from '../metrics';
import type { ActiveOverrides } from '../overrides';
import type { Storage } from '../storage';
import type { StrategiesSource } from '../strategiesFile';

export function registerOpsRoutes(
  app: FastifyInstance,
  deps: {
    storage: Storage;
    strategies: StrategiesSource;
    active: ActiveOverrides;
    metrics: ControllerMetrics;
    isShuttingDown: () => boolean;
  }
): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    let storageCheck: { ok: boolean; kind: string; error?: string };
    try {
      await deps.storage.ping();
      storageCheck = { ok: true, kind: deps.storage.kind };
    } catch (err) {
      storageCheck = { ok: false, kind: deps.storage.kind, error: (err as Error).message };
    }
    const s = deps.strategies.status;
    const strategiesCheck = {
      ok: s.lastError === undefined,
      ...(s.file ? { file: s.file } : {}),
      loadedAt: new Date(s.loadedAt).toISOString(),
      ...(s.lastError
        ? { error: `${s.lastError}; serving the strategies loaded at ${new Date(s.loadedAt).toISOString()}` }
        : {}),
    };
    const ready = storageCheck.ok && !deps.isShuttingDown();
    reply.code(ready ? 200 : 503);
    return {
      status: !ready ? 'not ready' : strategiesCheck.ok ? 'ready' : 'degraded',
      ...(deps.isShuttingDown() ? { shuttingDown: true } : {}),
      checks: { storage: storageCheck, strategies: strategiesCheck },
    };
  });

  app.get('/metrics', async (_request, reply) => {
    deps.metrics.activeOverrides.set((await deps.active.current()).length);
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}
