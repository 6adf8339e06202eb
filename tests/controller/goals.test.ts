/**
 * Goal-bounded spikes against a real Prometheus (Debian's) scraping a loopback span-metrics exporter: a spike
 * ends when enough traces its service (and operation) started were recorded since it started — root spans, not the
 * service's spans in traces kept upstream — whichever of goal and time comes first; the audit says which; a count
 * that cannot be read leaves the spike to its time limit and the API says why.
 */
import { ADMIN, call, spike, startController, tempDir, writeJson, type TestController } from './support/harness';
import { freshPostgresDatabase, postgresRequired, postgresUrl } from './support/postgres';
import { describeWithPrometheus, freePort, startPrometheus, type RunningProcess } from './support/prometheus';
import { SpanMetricsExporter } from './support/spanMetricsExporter';

const STRATEGIES = { default_strategy: { type: 'probabilistic', param: 0.01 } };
const rateOf = async (url: string, service: string) =>
  (await call(url, 'GET', `/sampling?service=${service}`, { token: null })).body.probabilisticSampling.samplingRate;

/** Runs goal checks until `done` holds (Prometheus needs a scrape or two to see a change), at most 20 s. */
async function checkUntil(c: TestController, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > deadline) {
      throw new Error('condition not met within 20 s of goal checks');
    }
    await c.controller.goals.check();
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function override(c: TestController, id: string) {
  return (await call(c.url, 'GET', '/api/v1/overrides?state=all')).body.overrides.find(
    (o: { id: string }) => o.id === id
  );
}

/** Waits until Prometheus has scraped the exporter at least twice, so `increase` has samples to work with. */
async function scraped(prom: RunningProcess, metric: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(`count_over_time(${metric}[1m])`)}`);
    const body = (await r.json()) as { data: { result: Array<{ value: [number, string] }> } };
    if (body.data.result.some((s) => Number(s.value[1]) >= 2)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`Prometheus has not scraped ${metric}:\n${prom.output()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Spans of traces the service started (its root sampler decided them), sampled at the spike's rate. */
const root = { rootSampledAt: 0.5 };

describeWithPrometheus('goal-bounded spikes', () => {
  const exporter = new SpanMetricsExporter();
  const connector = new SpanMetricsExporter({
    metric: 'traces_span_metrics_calls_total',
    histogram: 'traces_span_metrics_duration_milliseconds_bucket',
    serviceLabel: 'service_name',
  });
  let prom: RunningProcess;

  beforeAll(async () => {
    await exporter.start();
    await connector.start();
    // Series exist before any spike starts, as they do in a running system; the connector's have no root marker
    // until a test adds them (its span metrics are not configured for it yet).
    for (const e of [exporter, connector]) {
      e.add({ service: 'payments', spanName: 'POST /charge' }, 1_000);
      e.add({ service: 'payments', spanName: 'GET /health' }, 1_000);
      e.add({ service: 'payments', spanName: 'POST /charge', spanKind: 'SPAN_KIND_CLIENT' }, 1_000);
      e.add({ service: 'search', spanName: 'GET /q' }, 1_000);
    }
    exporter.add({ service: 'payments', spanName: 'POST /charge', ...root }, 1_000);
    exporter.add({ service: 'payments', spanName: 'GET /health', ...root }, 1_000);
    exporter.add({ service: 'search', spanName: 'GET /q', ...root }, 1_000);
    prom = await startPrometheus({ targets: [exporter.target] });
    await scraped(prom, 'traces_spanmetrics_calls_total');
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    await exporter.stop();
    await connector.stop();
  });

  const start = (env: Record<string, string> = {}) => {
    const dir = tempDir();
    return startController(
      {
        STRATEGIES_FILE: writeJson(dir, 's.json', STRATEGIES),
        PROMETHEUS_URL: prom.url,
        GOAL_CHECK_MS: '3600000',
        ...env,
      },
      { dir }
    );
  };

  it('ends the spike when the traces its service started reach the goal, and audits goal-reached', async () => {
    const c = await start();
    try {
      const created = await call(c.url, 'POST', '/api/v1/overrides', {
        as: ADMIN,
        body: spike('payments', { samplingRate: 0.5, stopAfterTraces: 40 }),
      });
      expect(created.status).toBe(201);
      expect(created.body.goal).toEqual({ stopAfterTraces: 40 });
      // Client spans of the service, traces another service started, and the service's server spans in traces
      // started upstream (kept by the upstream's sampling, perhaps by a spike of its own) are not its traces.
      exporter.add({ service: 'payments', spanName: 'POST /charge', spanKind: 'SPAN_KIND_CLIENT' }, 500);
      exporter.add({ service: 'search', spanName: 'GET /q', ...root }, 500);
      exporter.add({ service: 'payments', spanName: 'POST /charge' }, 500);
      exporter.add({ service: 'payments', spanName: 'POST /charge', ...root }, 10);
      await checkUntil(c, async () => (await override(c, created.body.id)).goal.traces >= 10);
      expect(await rateOf(c.url, 'payments')).toBe(0.5);
      expect((await override(c, created.body.id)).goal.traces).toBeLessThan(40);

      exporter.add({ service: 'payments', spanName: 'GET /health', ...root }, 45);
      await checkUntil(c, async () => !(await override(c, created.body.id)).active);
      const ended = await override(c, created.body.id);
      expect(ended).toMatchObject({ revokedBy: 'controller', goal: { stopAfterTraces: 40 } });
      expect(ended.goal.traces).toBeGreaterThanOrEqual(40);
      expect(ended.goal.reachedAt).toBe(ended.revokedAt);
      expect(await rateOf(c.url, 'payments')).toBe(0.01);
      const events = (await call(c.url, 'GET', '/api/v1/audit?service=payments')).body.events;
      expect(events.map((e: { type: string }) => e.type)).toEqual(['goal-reached', 'created']);
      expect(events[0]).toMatchObject({
        actor: 'controller',
        overrideId: created.body.id,
        details: { stopAfterTraces: 40 },
      });
    } finally {
      await c.stop();
    }
  }, 60_000);

  it('counts the traces recorded since the spike started, not an extrapolation of them', async () => {
    const c = await start();
    try {
      // Whatever earlier tests added is scraped before the spike starts, so it is not the spike's.
      await new Promise((r) => setTimeout(r, 1500));
      const created = await call(c.url, 'POST', '/api/v1/overrides', {
        as: ADMIN,
        body: spike('payments', { samplingRate: 0.5, stopAfterTraces: 60 }),
      });
      exporter.add({ service: 'payments', spanName: 'POST /charge', ...root }, 50);
      // Several scrapes' worth of checks: `increase` would stretch the 50 over its whole window and read 60 or more.
      const counts: number[] = [];
      const until = Date.now() + 4000;
      while (Date.now() < until) {
        await c.controller.goals.check();
        counts.push((await override(c, created.body.id)).goal.traces ?? 0);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(Math.max(...counts)).toBe(50);
      expect(counts[counts.length - 1]).toBe(50);
      expect((await override(c, created.body.id)).active).toBe(true);
    } finally {
      await c.stop();
    }
  }, 60_000);

  it('counts only the operation of an operation spike', async () => {
    const c = await start();
    try {
      const created = await call(c.url, 'POST', '/api/v1/overrides', {
        as: ADMIN,
        body: spike('payments', { operation: 'POST /charge', samplingRate: 0.5, stopAfterTraces: 30 }),
      });
      exporter.add({ service: 'payments', spanName: 'GET /health', ...root }, 100);
      exporter.add({ service: 'payments', spanName: 'POST /charge', ...root }, 5);
      await checkUntil(c, async () => (await override(c, created.body.id)).goal.traces >= 5);
      expect((await override(c, created.body.id)).active).toBe(true);
      exporter.add({ service: 'payments', spanName: 'POST /charge', ...root }, 30);
      await checkUntil(c, async () => !(await override(c, created.body.id)).active);
      expect((await override(c, created.body.id)).goal.reachedAt).toBeDefined();
    } finally {
      await c.stop();
    }
  }, 60_000);

  it("probes the connector's flavour by itself, says when its series carry no root marker, and counts once they do", async () => {
    const connectorProm = await startPrometheus({ targets: [connector.target] });
    const c = await start({ PROMETHEUS_URL: connectorProm.url });
    try {
      await scraped(connectorProm, 'traces_span_metrics_calls_total');
      const created = await call(c.url, 'POST', '/api/v1/overrides', {
        as: ADMIN,
        body: spike('search', { samplingRate: 0.5, stopAfterTraces: 20 }),
      });
      // Without the marker, server spans are not counted in its place: they include traces started upstream.
      connector.add({ service: 'search', spanName: 'GET /q' }, 25);
      await checkUntil(c, async () => (await override(c, created.body.id)).goal.unavailable !== undefined);
      const blind = await override(c, created.body.id);
      expect(blind.active).toBe(true);
      expect(blind.goal.unavailable).toMatch(/have no jaeger_sampler_type label.*jaeger\.sampler\.type/);
      connector.add({ service: 'search', spanName: 'GET /q', ...root }, 25);
      await checkUntil(c, async () => !(await override(c, created.body.id)).active);
      expect((await override(c, created.body.id)).goal.traces).toBeGreaterThanOrEqual(20);
    } finally {
      await c.stop();
      await connectorProm.stop();
    }
  }, 60_000);

  it('runs to its time limit and says why when traces cannot be counted', async () => {
    const closedPort = await freePort();
    for (const [env, why] of [
      [{ PROMETHEUS_URL: '' }, /PROMETHEUS_URL is not set/],
      [
        { PROMETHEUS_URL: `http://127.0.0.1:${closedPort}` },
        new RegExp(`cannot count traces in Prometheus at http://127.0.0.1:${closedPort}`),
      ],
    ] as const) {
      const c = await start(env);
      try {
        expect((await call(c.url, 'GET', '/api/v1/guardrails')).body.traceGoals).toBe(env.PROMETHEUS_URL !== '');
        const created = await call(c.url, 'POST', '/api/v1/overrides', {
          as: ADMIN,
          body: spike('payments', { samplingRate: 0.5, stopAfterTraces: 1 }),
        });
        expect(created.status).toBe(201);
        await c.controller.goals.check();
        const o = await override(c, created.body.id);
        expect(o.active).toBe(true);
        expect(o.goal.unavailable).toMatch(why);
        expect(o.goal.unavailable).toMatch(/time limit/);
        expect(await rateOf(c.url, 'payments')).toBe(0.5);
      } finally {
        await c.stop();
      }
    }
  }, 60_000);

  (postgresUrl || postgresRequired ? it : it.skip)(
    'ends a spike once when two replicas on PostgreSQL both see the goal reached',
    async () => {
      const db = await freshPostgresDatabase();
      const [a, b] = [await start({ DATABASE_URL: db.url }), await start({ DATABASE_URL: db.url })];
      try {
        const created = await call(a.url, 'POST', '/api/v1/overrides', {
          as: ADMIN,
          body: spike('search', { samplingRate: 0.5, stopAfterTraces: 15 }),
        });
        exporter.add({ service: 'search', spanName: 'GET /q', ...root }, 20);
        let ended = 0;
        const deadline = Date.now() + 20_000;
        while ((await override(b, created.body.id)).active && Date.now() < deadline) {
          const [fromA, fromB] = await Promise.all([a.controller.goals.check(), b.controller.goals.check()]);
          ended += fromA + fromB;
          await new Promise((r) => setTimeout(r, 100));
        }
        // Both keep checking after the end; neither ends it again.
        const [fromA, fromB] = await Promise.all([a.controller.goals.check(), b.controller.goals.check()]);
        expect(ended + fromA + fromB).toBe(1);
        const events = (await call(b.url, 'GET', '/api/v1/audit?service=search')).body.events;
        expect(events.filter((e: { type: string }) => e.type === 'goal-reached')).toHaveLength(1);
      } finally {
        await a.stop();
        await b.stop();
        await db.drop();
      }
    },
    60_000
  );

  it('refuses a goal that is not a positive whole number, storing nothing', async () => {
    const c = await start();
    try {
      for (const stopAfterTraces of [0, -5, 2.5, '100', 1_000_001]) {
        const r = await call(c.url, 'POST', '/api/v1/overrides', {
          as: ADMIN,
          body: spike('payments', { stopAfterTraces }),
        });
        expect(r.status).toBe(400);
        expect(r.body.error.message).toMatch(/stopAfterTraces/);
      }
      expect((await call(c.url, 'GET', '/api/v1/overrides?state=all')).body.overrides).toEqual([]);
    } finally {
      await c.stop();
    }
  });
});
