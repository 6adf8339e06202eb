/**
 * Operational endpoints: `/healthz` (the process answers), `/readyz` (storage reachable; also reports a strategies
 * file that failed to reload) and `/metrics` (Prometheus). A bad strategies file leaves the controller ready but
 * `degraded`: it still serves the last good strategies, and taking every replica out of rotation would leave
 * samplers with nothing at all.
 */
import type { FastifyInstance } from 'fastify';
import type { AlertPolicies } from '../alertPolicies';
import type { ControllerMetrics } from '../metrics';
import type { ActiveOverrides } from '../overrides';
import type { ReloadingFile, ReloadStatus } from '../reloadingFile';
import type { Storage } from '../storage';
import type { StrategiesSource } from '../strategiesFile';

export function registerOpsRoutes(
  app: FastifyInstance,
  deps: {
    storage: Storage;
    strategies: StrategiesSource;
    alertPolicies?: ReloadingFile<AlertPolicies>;
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
    const strategiesCheck = fileCheck(deps.strategies.status, 'strategies');
    const policiesCheck = deps.alertPolicies && fileCheck(deps.alertPolicies.status, 'alert policies');
    const ready = storageCheck.ok && !deps.isShuttingDown();
    reply.code(ready ? 200 : 503);
    return {
      status: !ready ? 'not ready' : strategiesCheck.ok && (policiesCheck?.ok ?? true) ? 'ready' : 'degraded',
      ...(deps.isShuttingDown() ? { shuttingDown: true } : {}),
      checks: {
        storage: storageCheck,
        strategies: strategiesCheck,
        ...(policiesCheck ? { alertPolicies: policiesCheck } : {}),
      },
    };
  });

  app.get('/metrics', async (_request, reply) => {
    deps.metrics.activeOverrides.set((await deps.active.current()).length);
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
}

/** A hot-reloaded file's state for `/readyz`: a refused reload degrades readiness and says what is still in use. */
function fileCheck(s: ReloadStatus, what: string) {
  const loadedAt = new Date(s.loadedAt).toISOString();
  return {
    ok: s.lastError === undefined,
    ...(s.file ? { file: s.file } : {}),
    loadedAt,
    ...(s.lastError ? { error: `${s.lastError}; serving the ${what} loaded at ${loadedAt}` } : {}),
  };
}
