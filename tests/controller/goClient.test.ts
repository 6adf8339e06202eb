/**
 * The real Go Jaeger remote sampler (`go.opentelemetry.io/contrib/samplers/jaegerremote`, which parses the response
 * with gogo jsonpb and rejects unknown fields) polling the controller: its decisions over 20,000 seeded trace IDs
 * follow the base rate, the override during it, the base after a revert, and an operation override per operation.
 * Tolerance: ±5 standard deviations of a binomial proportion (see support/sampling.ts).
 * The first run builds the Go program (a minute or two); later runs reuse the cached binary.
 */
import { buildGoSampler, type GoSampler, startGoSampler } from './support/goSampler';
import { ADMIN, type TestController, call, spike, startController, tempDir, writeJson } from './support/harness';
import { tolerance, waitForFreshPoll } from './support/sampling';

const SAMPLES = 20_000;

describe('OpenTelemetry Go remote sampler against the controller', () => {
  let c: TestController;
  let go: GoSampler;

  beforeAll(async () => {
    const binary = await buildGoSampler();
    const dir = tempDir();
    c = await startController(
      {
        STRATEGIES_FILE: writeJson(dir, 'strategies.json', {
          default_strategy: { type: 'probabilistic', param: 0.02 },
          service_strategies: [
            {
              service: 'checkout',
              type: 'probabilistic',
              param: 0.05,
              operation_strategies: [{ operation: 'GET /health', type: 'probabilistic', param: 0 }],
            },
          ],
        }),
      },
      { dir }
    );
    go = await startGoSampler(binary, `${c.url}/sampling`, 'checkout');
    await waitForFreshPoll(c.url, 'checkout');
  }, 600_000);

  afterAll(async () => {
    await go?.stop();
    await c?.stop();
  });

  const expectRate = async (spanName: string, rate: number) => {
    const measured = await go.measure(spanName, SAMPLES, 7);
    expect(Math.abs(measured - rate)).toBeLessThanOrEqual(tolerance(rate, SAMPLES));
  };

  it('samples at the base rate, then at the override rate, then at the base rate after a revert', async () => {
    await expectRate('GET /cart', 0.05);
    await expectRate('GET /health', 0);

    const o = (
      await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout', { samplingRate: 0.5 }) })
    ).body;
    await waitForFreshPoll(c.url, 'checkout');
    await expectRate('GET /cart', 0.5);
    await expectRate('GET /health', 0.5);

    await call(c.url, 'POST', `/api/v1/overrides/${o.id}/revert`, { as: ADMIN });
    await waitForFreshPoll(c.url, 'checkout');
    await expectRate('GET /cart', 0.05);
  });

  it('raises only the named operation with an operation override', async () => {
    const o = (
      await call(c.url, 'POST', '/api/v1/overrides', {
        as: ADMIN,
        body: spike('checkout', { operation: 'POST /charge', samplingRate: 0.8 }),
      })
    ).body;
    await waitForFreshPoll(c.url, 'checkout');
    await expectRate('POST /charge', 0.8);
    await expectRate('GET /cart', 0.05);
    await call(c.url, 'POST', `/api/v1/overrides/${o.id}/revert`, { as: ADMIN });
  });
});
