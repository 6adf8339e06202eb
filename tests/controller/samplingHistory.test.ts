/**
 * The sampling history over real HTTP, on SQLite and on PostgreSQL: the piecewise rate of a service and its
 * operations as spikes start, are extended, reverted, run out or reach their goal; hostile query strings get a
 * 400 that says what is wrong; answers stay bounded however many spikes a range holds.
 */
import fc from 'fast-check';
import {
  MAX_HISTORY_SEGMENTS,
  MAX_HISTORY_SPIKES,
  type SamplingHistory,
  SamplingHistorySchema,
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
import { controllerDatabases } from './support/postgres';

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

const S = 1000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(controllerDatabases)('sampling history on %s', (_name, database) => {
  let c: TestController;
  let drop: () => Promise<void>;
  let clock: FakeClock;
  let t0: number;

  beforeEach(async () => {
    const db = await database();
    drop = db.drop;
    // A whole second, so the times below read as they are written.
    clock = new FakeClock(Math.floor(Date.now() / S) * S);
    t0 = clock.now();
    const dir = tempDir();
    c = await startController(
      {
        ...db.env,
        STRATEGIES_FILE: writeJson(dir, 'strategies.json', STRATEGIES),
        EXPIRY_SWEEP_MS: '3600000',
        MAX_ACTIVE_OVERRIDES_PER_SERVICE: '100',
        MAX_ACTIVE_OVERRIDES: '100',
      },
      { dir, clock }
    );
  });
  afterEach(async () => {
    await c.stop();
    await drop();
  });

  const at = (seconds: number) => {
    clock.advance(t0 + seconds * S - clock.now());
  };
  const create = async (body: Record<string, unknown>) => {
    const res = await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body });
    expect(res.status).toBe(201);
    return res.body as { id: string };
  };
  const history = async (service: string, fromS: number, toS: number): Promise<SamplingHistory> => {
    const res = await call(
      c.url,
      'GET',
      `/api/v1/sampling/history?service=${service}&from=${t0 + fromS * S}&to=${t0 + toS * S}`
    );
    expect(res.status).toBe(200);
    return SamplingHistorySchema.parse(res.body);
  };
  const piece = (fromS: number, toS: number, rest: Record<string, unknown>) => ({
    from: iso(t0 + fromS * S),
    to: iso(t0 + toS * S),
    ...rest,
  });

  it('gives the rate of each moment: base, a reverted spike, an operation spike that ran out', async () => {
    at(10);
    const wide = await create(spike('checkout', { samplingRate: 0.5, durationSeconds: 600 }));
    at(70);
    await call(c.url, 'POST', `/api/v1/overrides/${wide.id}/revert`, { as: ADMIN, body: { reason: 'seen enough' } });
    at(100);
    const op = await create(spike('checkout', { operation: 'POST /pay', samplingRate: 0.8, durationSeconds: 60 }));
    at(400);

    const h = await history('checkout', 0, 300);
    const base = { samplingRate: 0.05, source: { kind: 'base-service' } };
    expect(h.segments).toEqual([
      piece(0, 10, base),
      piece(10, 70, { samplingRate: 0.5, source: { kind: 'override', overrideId: wide.id } }),
      piece(70, 300, base),
    ]);
    expect(h.operations).toEqual([
      {
        operation: 'GET /health',
        segments: [
          piece(0, 10, { samplingRate: 0, source: { kind: 'base-operation' } }),
          piece(10, 70, { samplingRate: 0.5, source: { kind: 'override', overrideId: wide.id } }),
          piece(70, 300, { samplingRate: 0, source: { kind: 'base-operation' } }),
        ],
      },
      {
        operation: 'POST /pay',
        segments: [
          piece(0, 10, base),
          piece(10, 70, { samplingRate: 0.5, source: { kind: 'override', overrideId: wide.id } }),
          piece(70, 100, base),
          piece(100, 160, { samplingRate: 0.8, source: { kind: 'override', overrideId: op.id } }),
          piece(160, 300, base),
        ],
      },
    ]);
    expect(h.spikes.map((s) => [s.override.id, s.ended])).toEqual([
      [wide.id, { at: iso(t0 + 70 * S), how: 'reverted', by: 'root' }],
      [op.id, { at: iso(t0 + 160 * S), how: 'expired' }],
    ]);
    expect(h).toMatchObject({ service: 'checkout', complete: true, from: iso(t0), to: iso(t0 + 300 * S) });
    expect(Date.parse(h.strategiesLoadedAt)).toBeLessThanOrEqual(Date.now());
  });

  it('follows an extension to its new expiry, and says a goal ended a spike with its count', async () => {
    at(0);
    const extended = await create(spike('checkout', { samplingRate: 0.3, durationSeconds: 60 }));
    at(30);
    await call(c.url, 'POST', `/api/v1/overrides/${extended.id}/extend`, { as: ADMIN, body: { durationSeconds: 60 } });
    at(200);
    const goal = await create(spike('checkout', { samplingRate: 0.9, durationSeconds: 600, stopAfterTraces: 100 }));
    await c.controller.storage.write((tx) => tx.claimGoalReached(goal.id, t0 + 250 * S, 104, 'goal reached'));
    at(900);

    const h = await history('checkout', 0, 300);
    expect(h.segments.map((s) => [s.from, s.to, s.samplingRate])).toEqual([
      [iso(t0), iso(t0 + 120 * S), 0.3],
      [iso(t0 + 120 * S), iso(t0 + 200 * S), 0.05],
      [iso(t0 + 200 * S), iso(t0 + 250 * S), 0.9],
      [iso(t0 + 250 * S), iso(t0 + 300 * S), 0.05],
    ]);
    expect(h.spikes.map((s) => s.ended)).toEqual([
      { at: iso(t0 + 120 * S), how: 'expired' },
      { at: iso(t0 + 250 * S), how: 'goal-reached', traces: 104 },
    ]);
  });

  it('answers a running spike without an end, and a rate-limited service with its limit', async () => {
    const running = await create(spike('checkout', { samplingRate: 0.4, durationSeconds: 600 }));
    at(60);
    const h = await history('checkout', -60, 60);
    expect(h.spikes).toEqual([expect.objectContaining({ override: expect.objectContaining({ id: running.id }) })]);
    expect(h.spikes[0]!.ended).toBeUndefined();

    const ledger = await history('ledger', 0, 60);
    expect(ledger.segments).toEqual([piece(0, 60, { maxTracesPerSecond: 5, source: { kind: 'base-service' } })]);
    expect((await history('never-seen', 0, 60)).segments).toEqual([
      piece(0, 60, { samplingRate: 0.01, source: { kind: 'base-default' } }),
    ]);
  });

  it.each([
    ['service=a%20b&from=1&to=2', /service must be/],
    ['service=..%2Fetc&from=1&to=2', /service must be/],
    [`service=${'a'.repeat(129)}&from=1&to=2`, /service must be/],
    ['from=1&to=2', /service/],
    ['service=checkout&to=2', /from is required/],
    ['service=checkout&from=yesterday&to=2', /from must be a time in epoch milliseconds/],
    ['service=checkout&from=1e3&to=2000', /from must be a time in epoch milliseconds/],
    ['service=checkout&from=-5&to=2', /from must be a time in epoch milliseconds/],
    ['service=checkout&from=1&to=9999999999999999', /to must be a time in epoch milliseconds/],
    ['service=checkout&from=1&from=2&to=3', /from/],
    ['service=checkout&from=2000&to=1000', /to must be later than from/],
    ['service=checkout&from=1000&to=1000', /to must be later than from/],
    [`service=checkout&from=0&to=${32 * 86_400_000}`, /at most 31 days/],
    ['service=checkout&from=1&to=2&limit=5', /unrecognized key/i],
  ])('refuses ?%s with a 400 that says why', async (query, message) => {
    const res = await call(c.url, 'GET', `/api/v1/sampling/history?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(res.body.error.message).toMatch(message);
  });

  it('answers any query string with 200 or 400, never an error of its own', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (service, from, to) => {
        const q = new URLSearchParams({ service, from, to });
        const res = await call(c.url, 'GET', `/api/v1/sampling/history?${q}`);
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 60 }
    );
  });

  it('needs the bearer token like the other admin reads', async () => {
    const res = await call(c.url, 'GET', `/api/v1/sampling/history?service=checkout&from=1&to=2`, { token: null });
    expect(res.status).toBe(401);
  });

  it(`carries at most ${MAX_HISTORY_SPIKES} spikes and says where a fuller range was cut`, async () => {
    const ids: string[] = [];
    for (let i = 0; i < MAX_HISTORY_SPIKES + 5; i++) {
      at(10 * i);
      ids.push((await create(spike('checkout', { samplingRate: 0.5, durationSeconds: 5 }))).id);
    }
    const h = await history('checkout', 0, 10 * (MAX_HISTORY_SPIKES + 10));
    expect(h.complete).toBe(false);
    expect(h.spikes.map((s) => s.override.id)).toEqual(ids.slice(0, MAX_HISTORY_SPIKES));
    expect(h.to).toBe(iso(t0 + 10 * MAX_HISTORY_SPIKES * S));
    expect(h.segments.at(-1)).toEqual(
      piece(10 * MAX_HISTORY_SPIKES - 5, 10 * MAX_HISTORY_SPIKES, {
        samplingRate: 0.05,
        source: { kind: 'base-service' },
      })
    );
    // Asking again from where it ended gives the rest.
    const rest = await history('checkout', 10 * MAX_HISTORY_SPIKES, 10 * (MAX_HISTORY_SPIKES + 10));
    expect(rest.complete).toBe(true);
    expect(rest.spikes.map((s) => s.override.id)).toEqual(ids.slice(MAX_HISTORY_SPIKES));
  });

  it(`carries at most ${MAX_HISTORY_SEGMENTS} segments, cut at a moment every line agrees on`, async () => {
    // Service-wide spikes between operation spikes: each new operation repeats the service's pieces before it.
    for (let i = 0; i < 100; i++) {
      at(20 * i);
      await create(spike('checkout', { samplingRate: 0.5, durationSeconds: 5 }));
      at(20 * i + 10);
      await create(spike('checkout', { operation: `GET /item/${i}`, samplingRate: 0.7, durationSeconds: 5 }));
    }
    const h = await history('checkout', 0, 2000);
    const count = h.segments.length + h.operations.reduce((n, o) => n + o.segments.length, 0);
    expect(h.complete).toBe(false);
    expect(count).toBeLessThanOrEqual(MAX_HISTORY_SEGMENTS);
    expect(Date.parse(h.to)).toBeLessThan(t0 + 2000 * S);
    for (const line of [h.segments, ...h.operations.map((o) => o.segments)]) {
      expect(line[0]!.from).toBe(h.from);
      expect(line.at(-1)!.to).toBe(h.to);
    }
    expect(h.spikes.every((s) => Date.parse(s.override.createdAt) < Date.parse(h.to))).toBe(true);
  });
});
