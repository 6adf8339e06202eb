/**
 * The admin API over real HTTP on loopback: every endpoint, every guardrail, bad input (nothing stored),
 * as the app would call it through Grafana's plugin proxy (bearer token + Grafana identity headers).
 */
import fc from 'fast-check';
import {
  AuditListSchema,
  EffectiveStrategySchema,
  GuardrailsSchema,
  MAX_LISTED_OVERRIDES,
  MeSchema,
  OverrideListSchema,
  OverrideSchema,
  ServiceListSchema,
} from '../../src/contract';
import {
  ADMIN,
  FakeClock,
  type TestController,
  call,
  spike,
  startController,
  tempDir,
  writeJson,
} from './support/harness';

const GUARDRAILS = {
  MAX_SAMPLING_RATE: '0.8',
  MAX_DURATION_SECONDS: '3600',
  DEFAULT_DURATION_SECONDS: '900',
  MAX_ACTIVE_OVERRIDES_PER_SERVICE: '2',
  MAX_ACTIVE_OVERRIDES: '3',
  POLL_INTERVAL_HINT_SECONDS: '30',
};

const STRATEGIES = {
  default_strategy: { type: 'probabilistic', param: 0.01 },
  service_strategies: [
    {
      service: 'checkout',
      type: 'probabilistic',
      param: 0.05,
      operation_strategies: [{ operation: 'GET /health', type: 'probabilistic', param: 0 }],
    },
    { service: 'ledger', type: 'ratelimiting', param: 5 },
  ],
};

async function start(env: Record<string, string> = {}, clock?: FakeClock): Promise<TestController> {
  const dir = tempDir();
  return startController(
    { ...GUARDRAILS, STRATEGIES_FILE: writeJson(dir, 'strategies.json', STRATEGIES), ...env },
    { dir, clock }
  );
}

async function storedState(base: string) {
  const overrides = await call(base, 'GET', '/api/v1/overrides?state=all');
  const audit = await call(base, 'GET', '/api/v1/audit?limit=500');
  return { overrides: overrides.body.overrides, audit: audit.body.events };
}

describe('admin API', () => {
  let c: TestController;
  const clock = new FakeClock();
  beforeEach(async () => {
    c = await start({}, clock);
  });
  afterEach(() => c.stop());

  it('creates an override and returns it with who, when and until when', async () => {
    const res = await call(c.url, 'POST', '/api/v1/overrides', {
      as: ADMIN,
      body: spike('checkout', { samplingRate: 0.5, durationSeconds: 600 }),
    });
    expect(res.status).toBe(201);
    const o = OverrideSchema.parse(res.body);
    expect(o).toMatchObject({
      service: 'checkout',
      samplingRate: 0.5,
      createdBy: 'root',
      active: true,
      reason: 'incident INC-1: checkout errors',
    });
    expect(Date.parse(o.expiresAt) - Date.parse(o.createdAt)).toBe(600_000);
    expect(o.createdAt).toBe(new Date(clock.now()).toISOString());
  });

  it('lists active overrides by default, all with state=all, and filters by service', async () => {
    const a = (await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout') })).body;
    const b = (await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('payments') })).body;
    await call(c.url, 'POST', `/api/v1/overrides/${a.id}/revert`, { as: ADMIN, body: {} });

    const active = OverrideListSchema.parse((await call(c.url, 'GET', '/api/v1/overrides')).body);
    expect(active.overrides.map((o) => o.id)).toEqual([b.id]);
    const all = OverrideListSchema.parse((await call(c.url, 'GET', '/api/v1/overrides?state=all')).body);
    expect(all.overrides.map((o) => o.id).sort()).toEqual([a.id, b.id].sort());
    const reverted = all.overrides.find((o) => o.id === a.id);
    expect(reverted).toMatchObject({ active: false, revokedBy: 'root' });
    const checkoutOnly = (await call(c.url, 'GET', '/api/v1/overrides?service=checkout&state=all')).body;
    expect(checkoutOnly.overrides.map((o: { id: string }) => o.id)).toEqual([a.id]);
  });

  it('lists with since only the overrides still in effect at or after it', async () => {
    const a = (await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout') })).body;
    clock.advance(60_000);
    await call(c.url, 'POST', `/api/v1/overrides/${a.id}/revert`, { as: ADMIN, body: {} });
    const revertedAt = clock.now();
    clock.advance(60_000);
    const b = (
      await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('payments', { durationSeconds: 60 }) })
    ).body;
    clock.advance(120_000); // b has expired by now

    const since = async (ms: number) =>
      OverrideListSchema.parse((await call(c.url, 'GET', `/api/v1/overrides?state=all&since=${ms}`)).body);
    expect((await since(revertedAt)).overrides.map((o) => o.id)).toEqual([b.id, a.id]);
    expect((await since(revertedAt + 1)).overrides.map((o) => o.id)).toEqual([b.id]);
    expect((await since(clock.now())).overrides).toEqual([]);
    expect((await since(0)).complete).toBe(true);
  });

  it(`lists at most ${MAX_LISTED_OVERRIDES} overrides, the newest, and says the answer is not complete`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < MAX_LISTED_OVERRIDES + 3; i++) {
      ids.push(
        (await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout', { durationSeconds: 5 }) }))
          .body.id
      );
      clock.advance(10_000);
    }
    const all = OverrideListSchema.parse((await call(c.url, 'GET', '/api/v1/overrides?state=all')).body);
    expect(all.complete).toBe(false);
    expect(all.overrides.map((o) => o.id)).toEqual(ids.slice(3).reverse());
    const active = OverrideListSchema.parse((await call(c.url, 'GET', '/api/v1/overrides')).body);
    expect(active).toEqual({ overrides: [], complete: true });
  });

  it('serves the override to samplers and shows the effective strategy with provenance', async () => {
    expect((await call(c.url, 'GET', '/sampling?service=checkout', { token: null })).body).toEqual({
      strategyType: 'PROBABILISTIC',
      probabilisticSampling: { samplingRate: 0.05 },
      operationSampling: {
        defaultSamplingProbability: 0.05,
        defaultLowerBoundTracesPerSecond: 0,
        perOperationStrategies: [{ operation: 'GET /health', probabilisticSampling: { samplingRate: 0 } }],
      },
    });
    const low = (
      await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout', { samplingRate: 0.3 }) })
    ).body;
    const high = (
      await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout', { samplingRate: 0.7 }) })
    ).body;

    const effective = EffectiveStrategySchema.parse(
      (await call(c.url, 'GET', '/api/v1/services/checkout/strategy')).body
    );
    expect(effective.samplingRate).toBe(0.7);
    expect(effective.source).toEqual({ kind: 'override', overrideId: high.id });
    expect(effective.activeOverrides.map((o) => o.id).sort()).toEqual([low.id, high.id].sort());
    expect(effective.operations).toEqual([
      { operation: 'GET /health', samplingRate: 0.7, source: { kind: 'override', overrideId: high.id } },
    ]);
    expect((await call(c.url, 'GET', '/sampling?service=checkout', { token: null })).body).toEqual(effective.response);
    expect((await call(c.url, 'GET', '/api/sampling?service=checkout', { token: null })).body).toEqual(
      effective.response
    );
  });

  it('raises one operation only when the override names an operation', async () => {
    await call(c.url, 'POST', '/api/v1/overrides', {
      as: ADMIN,
      body: spike('payments', { operation: 'POST /charge', samplingRate: 0.6 }),
    });
    expect((await call(c.url, 'GET', '/sampling?service=payments', { token: null })).body).toEqual({
      strategyType: 'PROBABILISTIC',
      probabilisticSampling: { samplingRate: 0.01 },
      operationSampling: {
        defaultSamplingProbability: 0.01,
        defaultLowerBoundTracesPerSecond: 0,
        perOperationStrategies: [{ operation: 'POST /charge', probabilisticSampling: { samplingRate: 0.6 } }],
      },
    });
  });

  it('turns a rate-limited service probabilistic while a service-wide override is active', async () => {
    expect((await call(c.url, 'GET', '/sampling?service=ledger', { token: null })).body).toEqual({
      strategyType: 'RATE_LIMITING',
      rateLimitingSampling: { maxTracesPerSecond: 5 },
    });
    await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('ledger', { samplingRate: 0.2 }) });
    expect((await call(c.url, 'GET', '/sampling?service=ledger', { token: null })).body).toEqual({
      strategyType: 'PROBABILISTIC',
      probabilisticSampling: { samplingRate: 0.2 },
    });
  });

  it('reverts an override: samplers get the base strategy again, a second revert is a conflict', async () => {
    const o = (await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout') })).body;
    const reverted = await call(c.url, 'POST', `/api/v1/overrides/${o.id}/revert`, {
      as: ADMIN,
      body: { reason: 'fixed by rollback' },
    });
    expect(reverted.status).toBe(200);
    expect(reverted.body).toMatchObject({
      id: o.id,
      active: false,
      revokedBy: 'root',
      revokeReason: 'fixed by rollback',
    });
    expect(
      (await call(c.url, 'GET', '/sampling?service=checkout', { token: null })).body.probabilisticSampling
    ).toEqual({ samplingRate: 0.05 });

    const again = await call(c.url, 'POST', `/api/v1/overrides/${o.id}/revert`, { as: ADMIN });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/no longer active: it was reverted by root/);
    const unknown = await call(c.url, 'POST', '/api/v1/overrides/00000000-0000-0000-0000-000000000000/revert', {
      as: ADMIN,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it('extends an override from its current expiry, within the maximum duration', async () => {
    const o = (
      await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout', { durationSeconds: 600 }) })
    ).body;
    const extended = await call(c.url, 'POST', `/api/v1/overrides/${o.id}/extend`, {
      as: ADMIN,
      body: { durationSeconds: 900 },
    });
    expect(extended.status).toBe(200);
    expect(Date.parse(extended.body.expiresAt) - Date.parse(o.expiresAt)).toBe(900_000);

    const tooLong = await call(c.url, 'POST', `/api/v1/overrides/${o.id}/extend`, {
      as: ADMIN,
      body: { durationSeconds: 3000 },
    });
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error).toMatchObject({
      code: 'guardrail',
      details: { guardrail: 'maxDurationSeconds', limit: 3600 },
    });
    expect((await call(c.url, 'GET', '/api/v1/overrides')).body.overrides[0].expiresAt).toBe(extended.body.expiresAt);
  });

  it('lists known services: polling ones with count and last seen, and those from the strategies file', async () => {
    for (let i = 0; i < 3; i++) {
      await call(c.url, 'GET', '/sampling?service=frontend', { token: null });
    }
    const list = ServiceListSchema.parse((await call(c.url, 'GET', '/api/v1/services')).body);
    expect(list.services.map((s) => s.name)).toEqual(['checkout', 'frontend', 'ledger']);
    expect(list.services.find((s) => s.name === 'frontend')).toEqual({
      name: 'frontend',
      lastSeen: new Date(clock.now()).toISOString(),
      pollCount: 3,
      samplingRate: 0.01,
      strategyType: 'PROBABILISTIC',
      source: { kind: 'base-default' },
      activeOverrides: 0,
    });
    expect(list.services.find((s) => s.name === 'ledger')).toMatchObject({
      pollCount: 0,
      strategyType: 'RATE_LIMITING',
    });
    expect(list.services.find((s) => s.name === 'ledger')?.lastSeen).toBeUndefined();
  });

  it('keeps an append-only audit log of creations, extensions, reverts and denials, newest first, paged', async () => {
    const o = (await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout') })).body;
    await call(c.url, 'POST', `/api/v1/overrides/${o.id}/extend`, { as: ADMIN, body: { durationSeconds: 60 } });
    await call(c.url, 'POST', `/api/v1/overrides/${o.id}/revert`, { as: ADMIN, body: { reason: 'done' } });
    await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout', { samplingRate: 0.9 }) });

    const audit = AuditListSchema.parse((await call(c.url, 'GET', '/api/v1/audit')).body);
    expect(audit.events.map((e) => e.type)).toEqual(['denied', 'reverted', 'extended', 'created']);
    expect(audit.events[1]).toMatchObject({ overrideId: o.id, actor: 'root', reason: 'done', service: 'checkout' });
    expect(audit.events[0]?.details).toMatchObject({ attempted: 'create', guardrail: 'maxSamplingRate' });

    const page1 = (await call(c.url, 'GET', '/api/v1/audit?service=checkout&limit=2')).body.events;
    const page2 = (await call(c.url, 'GET', `/api/v1/audit?service=checkout&limit=2&before=${page1[1].id}`)).body
      .events;
    expect([...page1, ...page2].map((e: { type: string }) => e.type)).toEqual([
      'denied',
      'reverted',
      'extended',
      'created',
    ]);
  });

  it('publishes its guardrails for the UI', async () => {
    expect(GuardrailsSchema.parse((await call(c.url, 'GET', '/api/v1/guardrails')).body)).toEqual({
      maxSamplingRate: 0.8,
      maxDurationSeconds: 3600,
      defaultDurationSeconds: 900,
      maxActiveOverridesPerService: 2,
      maxActiveOverrides: 3,
      pollIntervalHintSeconds: 30,
      traceGoals: false,
    });
  });

  it('tells a Grafana admin who they are and that they may change every service', async () => {
    await call(c.url, 'GET', '/sampling?service=frontend', { token: null });
    const me = MeSchema.parse((await call(c.url, 'GET', '/api/v1/me', { as: ADMIN })).body);
    expect(me).toMatchObject({ login: 'root', role: 'Admin', isGrafanaAdmin: true, identitySource: 'grafana-context' });
    expect(me.write).toEqual({
      allowed: true,
      allServices: true,
      servicePatterns: ['*'],
      services: ['checkout', 'frontend', 'ledger'],
    });
  });

  it('serves its OpenAPI document without a token', async () => {
    const res = await call(c.url, 'GET', '/api/v1/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
  });
});

describe('guardrails', () => {
  let c: TestController;
  beforeEach(async () => {
    c = await start();
  });
  afterEach(() => c.stop());

  const expectRefused = async (body: unknown, guardrail: string, message: RegExp) => {
    const before = await storedState(c.url);
    const res = await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'guardrail', details: { guardrail } });
    expect(res.body.error.message).toMatch(message);
    const after = await storedState(c.url);
    expect(after.overrides).toEqual(before.overrides);
    expect(after.audit[0]).toMatchObject({ type: 'denied', actor: 'root', details: { guardrail } });
    expect(after.audit.length).toBe(before.audit.length + 1);
  };

  it('refuses a rate above the maximum', () =>
    expectRefused(spike('a', { samplingRate: 0.81 }), 'maxSamplingRate', /0\.81 is above .* maximum of 0\.8/));

  it('refuses a duration above the maximum', () =>
    expectRefused(
      spike('a', { durationSeconds: 3601 }),
      'maxDurationSeconds',
      /3601 is above .* maximum of 3600 seconds/
    ));

  it('refuses more active overrides per service than allowed', async () => {
    await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('a') });
    await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('a') });
    await expectRefused(spike('a'), 'maxActiveOverridesPerService', /"a" already has 2 active overrides/);
  });

  it('refuses more active overrides in total than allowed, and counts only active ones', async () => {
    const first = (await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('a') })).body;
    await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('b') });
    await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('c') });
    await expectRefused(spike('d'), 'maxActiveOverrides', /3 overrides are active across all services/);
    await call(c.url, 'POST', `/api/v1/overrides/${first.id}/revert`, { as: ADMIN });
    expect((await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('d') })).status).toBe(201);
  });

  it('lets only one of many concurrent requests take the last slot', async () => {
    await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('a') });
    const results = await Promise.all(
      Array.from({ length: 6 }, () => call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('a') }))
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 422, 422, 422, 422, 422]);
  });
});

describe('bad input', () => {
  let c: TestController;
  beforeAll(async () => {
    c = await start({ BODY_LIMIT_BYTES: '2048' });
    await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('seed') });
  });
  afterAll(() => c.stop());

  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a non-numeric rate', spike('a', { samplingRate: '0.5' }), /samplingRate/],
    ['a zero rate', spike('a', { samplingRate: 0 }), /samplingRate must be greater than 0/],
    ['a negative rate', spike('a', { samplingRate: -0.1 }), /samplingRate must be greater than 0/],
    ['a rate above 1', spike('a', { samplingRate: 1.5 }), /samplingRate must be at most 1/],
    ['a negative duration', spike('a', { durationSeconds: -60 }), /durationSeconds must be positive/],
    ['a fractional duration', spike('a', { durationSeconds: 1.5 }), /whole number of seconds/],
    ['a huge duration', spike('a', { durationSeconds: 1e300 }), /durationSeconds/],
    ['an unknown field', spike('a', { priority: 'high' }), /Unrecognized key.*priority/],
    ['a missing reason', { service: 'a', samplingRate: 0.5, durationSeconds: 60 }, /reason/],
    ['a reason with a line break', spike('a', { reason: 'line one\nline two' }), /control characters or line breaks/],
    ['a service name with quotes', spike('a"} || {'), /service must be 1–128 characters/],
    ['a service name with a newline', spike('a\nb'), /service must be 1–128 characters/],
    ['a service name in unicode', spike('płatności'), /service must be 1–128 characters/],
    ['an empty service name', spike(''), /service must be 1–128 characters/],
    ['an operation with a control character', spike('a', { operation: 'GET /\u0007' }), /operation must be/],
    ['an array instead of an object', [] as unknown as Record<string, unknown>, /expected object/],
  ];

  it.each(cases)('answers 400 with a clear message and stores nothing for %s', async (_name, body, message) => {
    const before = await storedState(c.url);
    const res = await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toMatch(message);
    expect(await storedState(c.url)).toEqual(before);
  });

  it.each([
    ['malformed JSON', '{"service": "a",', 'application/json', 400, 'bad_request'],
    [
      'a prototype-poisoning body',
      '{"__proto__": {"admin": true}, "service": "a"}',
      'application/json',
      400,
      'bad_request',
    ],
    ['a body that is not JSON', 'service=a', 'application/x-www-form-urlencoded', 415, 'unsupported_media_type'],
    ['a text/plain body', '{}', 'text/plain', 415, 'unsupported_media_type'],
    [
      'an oversized body',
      JSON.stringify(spike('a', { reason: 'x'.repeat(4000) })),
      'application/json',
      413,
      'payload_too_large',
    ],
  ])('answers %s with a JSON error and stores nothing', async (_name, rawBody, contentType, status, code) => {
    const before = await storedState(c.url);
    const res = await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, rawBody, contentType });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message.length).toBeGreaterThan(10);
    expect(await storedState(c.url)).toEqual(before);
  });

  it('rejects bad query strings and path parameters with 400', async () => {
    expect((await call(c.url, 'GET', '/api/v1/overrides?state=expired')).status).toBe(400);
    expect((await call(c.url, 'GET', '/api/v1/overrides?color=blue')).body.error.message).toMatch(
      /Unrecognized key.*color/
    );
    for (const since of ['yesterday', '-1', '1e3', '1234567890123456', '']) {
      const res = await call(c.url, 'GET', `/api/v1/overrides?state=all&since=${encodeURIComponent(since)}`);
      expect({ since, status: res.status }).toEqual({ since, status: 400 });
      expect(res.body.error.message).toMatch(/since must be a time in epoch milliseconds/);
    }
    expect((await call(c.url, 'GET', '/api/v1/audit?limit=100000')).status).toBe(400);
    expect((await call(c.url, 'GET', '/api/v1/audit?limit=ten')).status).toBe(400);
    expect((await call(c.url, 'GET', `/api/v1/services/${encodeURIComponent('a"b')}/strategy`)).status).toBe(400);
    expect((await call(c.url, 'GET', '/sampling', { token: null })).status).toBe(400);
    expect((await call(c.url, 'GET', `/sampling?service=${encodeURIComponent('x\ny')}`, { token: null })).status).toBe(
      400
    );
  });

  it('answers unknown routes and methods with a JSON 404', async () => {
    const res = await call(c.url, 'GET', '/api/v1/nothing');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  /**
   * Property: starting from a valid request, replacing any one field with a bad value (or adding an unknown one)
   * is refused with 400 naming that field, and nothing is stored.
   */
  it('refuses any request with one bad field and stores nothing (property)', async () => {
    const before = await storedState(c.url);
    const badValues: Record<string, fc.Arbitrary<unknown>> = {
      service: fc.oneof(
        fc.string().filter((s) => !/^[A-Za-z0-9][A-Za-z0-9._\-/:@]{0,127}$/.test(s)),
        fc.integer(),
        fc.constant(null),
        fc.string({ minLength: 129, maxLength: 200, unit: fc.constantFrom('a', 'b') })
      ),
      samplingRate: fc.oneof(
        fc.double({ max: 0, noNaN: true }),
        fc.double({ min: 1.0000001, noNaN: true }),
        fc.constant(Number.NaN),
        fc.string(),
        fc.constant(null)
      ),
      durationSeconds: fc.oneof(
        fc.integer({ max: 0 }),
        fc.double({ min: 0.001, max: 1e6, noInteger: true }),
        fc.string(),
        fc.boolean()
      ),
      reason: fc.oneof(fc.string({ maxLength: 2 }), fc.string({ minLength: 501, maxLength: 600 }), fc.constant(42)),
      operation: fc.oneof(
        fc.constant(''),
        fc.constant(' leading'),
        fc.string().map((s) => `${s}\n`),
        fc.integer()
      ),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          ...Object.entries(badValues).map(([field, bad]) => bad.map((value) => ({ field, value }))),
          fc
            .string({ minLength: 1, maxLength: 10 })
            .filter(
              (k) => !['service', 'samplingRate', 'durationSeconds', 'reason', 'operation', '__proto__'].includes(k)
            )
            .map((field) => ({ field, value: 1 }))
        ),
        async ({ field, value }) => {
          const body = { ...spike('valid-service'), [field]: value };
          const res = await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body });
          expect(res.status).toBe(400);
          expect(res.body.error.message).toContain(field);
        }
      ),
      { numRuns: 150 }
    );
    expect(await storedState(c.url)).toEqual(before);
  });
});
