/**
 * Two controllers on one PostgreSQL database agree: what one creates or reverts the other serves, guardrail limits
 * hold across both, and each expiry is audited once even when both sweep at the same moment.
 */
import { ADMIN, FakeClock, type TestController, call, spike, startController } from './support/harness';
import { type FreshDatabase, describePostgres, freshPostgresDatabase } from './support/postgres';

describePostgres('two controllers on one PostgreSQL', () => {
  let db: FreshDatabase;
  let a: TestController;
  let b: TestController;
  const clock = new FakeClock();

  beforeEach(async () => {
    db = await freshPostgresDatabase();
    const env = {
      DATABASE_URL: db.url,
      MAX_ACTIVE_OVERRIDES_PER_SERVICE: '2',
      MAX_ACTIVE_OVERRIDES: '4',
      EXPIRY_SWEEP_MS: '3600000',
    };
    // OVERRIDE_CACHE_MS=0 (the harness default) makes the sampling endpoint read storage on every poll.
    a = await startController(env, { clock });
    b = await startController(env, { clock });
  });
  afterEach(async () => {
    await a.stop();
    await b.stop();
    await db.drop();
  });

  const rate = async (c: TestController) =>
    (await call(c.url, 'GET', '/sampling?service=checkout', { token: null })).body.probabilisticSampling.samplingRate;

  it('serve the override one of them created, and agree when the other reverts it', async () => {
    const o = (
      await call(a.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout', { samplingRate: 0.7 }) })
    ).body;
    expect(await rate(a)).toBe(0.7);
    expect(await rate(b)).toBe(0.7);
    expect((await call(b.url, 'GET', '/api/v1/services/checkout/strategy')).body.source).toEqual({
      kind: 'override',
      overrideId: o.id,
    });

    await call(b.url, 'POST', `/api/v1/overrides/${o.id}/revert`, { as: ADMIN });
    expect(await rate(a)).toBe(0.001);
    expect(await rate(b)).toBe(0.001);
    expect((await call(a.url, 'GET', '/api/v1/overrides?state=all')).body.overrides[0]).toMatchObject({
      active: false,
      revokedBy: 'root',
    });
  });

  it('hold the per-service limit together under concurrent requests to both', async () => {
    const results = await Promise.all(
      [a, b, a, b, a, b].map((c) => call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout') }))
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(2);
    expect(results.filter((r) => r.status === 422)).toHaveLength(4);
    expect((await call(a.url, 'GET', '/api/v1/overrides')).body.overrides).toHaveLength(2);
  });

  it('audit each expiry once when both sweep at the same time', async () => {
    for (const service of ['s1', 's2', 's3']) {
      await call(a.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike(service, { durationSeconds: 60 }) });
    }
    clock.advance(61_000);
    const [fromA, fromB] = await Promise.all([a.controller.sweeper.sweep(), b.controller.sweeper.sweep()]);
    expect(fromA + fromB).toBe(3);
    const expired = (await call(b.url, 'GET', '/api/v1/audit')).body.events.filter(
      (e: { type: string }) => e.type === 'expired'
    );
    expect(expired.map((e: { service: string }) => e.service).sort()).toEqual(['s1', 's2', 's3']);
  });

  it('add up the polls both receive', async () => {
    await call(a.url, 'GET', '/sampling?service=checkout', { token: null });
    await call(b.url, 'GET', '/sampling?service=checkout', { token: null });
    await call(b.url, 'GET', '/sampling?service=checkout', { token: null });
    await a.controller.polls.flush();
    await b.controller.polls.flush();
    const services = (await call(a.url, 'GET', '/api/v1/services')).body.services;
    expect(services).toEqual([expect.objectContaining({ name: 'checkout', pollCount: 3 })]);
  });
});
