/**
 * The real OpenTelemetry JS Jaeger remote sampler (`@opentelemetry/sampler-jaeger-remote`) polling the controller:
 * its sampling decisions over 20,000 trace IDs follow the base rate before an override, the override's rate during
 * it, and the base rate again after a revert; an operation override changes only that operation.
 * Tolerance: ±5 standard deviations of a binomial proportion (see support/sampling.ts).
 */
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { JaegerRemoteSampler } from '@opentelemetry/sampler-jaeger-remote';
import { AlwaysOffSampler, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { ADMIN, type TestController, call, spike, startController, tempDir, writeJson } from './support/harness';
import { tolerance, traceIds, waitForFreshPoll } from './support/sampling';

const SAMPLES = 20_000;
const ids = traceIds(SAMPLES, 42);

function sampledFraction(sampler: JaegerRemoteSampler, spanName: string): number {
  let sampled = 0;
  for (const id of ids) {
    if (
      sampler.shouldSample(ROOT_CONTEXT, id, spanName, SpanKind.SERVER, {}, []).decision ===
      SamplingDecision.RECORD_AND_SAMPLED
    ) {
      sampled += 1;
    }
  }
  return sampled / SAMPLES;
}

function expectRate(measured: number, rate: number): void {
  expect(Math.abs(measured - rate)).toBeLessThanOrEqual(tolerance(rate, SAMPLES));
}

describe('OpenTelemetry JS remote sampler against the controller', () => {
  let c: TestController;
  let sampler: JaegerRemoteSampler;
  let pollTimer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    const dir = tempDir();
    c = await startController(
      {
        STRATEGIES_FILE: writeJson(dir, 'strategies.json', {
          service_strategies: [{ service: 'checkout', type: 'probabilistic', param: 0.05 }],
        }),
      },
      { dir }
    );
    // The sampler starts a setInterval it never clears; capture it so the test can stop the client.
    const spy = jest.spyOn(global, 'setInterval');
    sampler = new JaegerRemoteSampler({
      endpoint: c.url,
      serviceName: 'checkout',
      poolingInterval: 50,
      initialSampler: new AlwaysOffSampler(),
    });
    pollTimer = spy.mock.results[0]?.value as NodeJS.Timeout | undefined;
    spy.mockRestore();
    await waitForFreshPoll(c.url, 'checkout');
  });

  afterAll(async () => {
    clearInterval(pollTimer);
    await c.stop();
  });

  it('samples at the base rate, then at the override rate, then at the base rate after a revert', async () => {
    expectRate(sampledFraction(sampler, 'GET /cart'), 0.05);

    const o = (
      await call(c.url, 'POST', '/api/v1/overrides', { as: ADMIN, body: spike('checkout', { samplingRate: 0.5 }) })
    ).body;
    await waitForFreshPoll(c.url, 'checkout');
    expectRate(sampledFraction(sampler, 'GET /cart'), 0.5);

    await call(c.url, 'POST', `/api/v1/overrides/${o.id}/revert`, { as: ADMIN });
    await waitForFreshPoll(c.url, 'checkout');
    expectRate(sampledFraction(sampler, 'GET /cart'), 0.05);
  });

  it('raises only the named operation with an operation override', async () => {
    const o = (
      await call(c.url, 'POST', '/api/v1/overrides', {
        as: ADMIN,
        body: spike('checkout', { operation: 'POST /charge', samplingRate: 0.8 }),
      })
    ).body;
    await waitForFreshPoll(c.url, 'checkout');
    expectRate(sampledFraction(sampler, 'POST /charge'), 0.8);
    expectRate(sampledFraction(sampler, 'GET /cart'), 0.05);
    await call(c.url, 'POST', `/api/v1/overrides/${o.id}/revert`, { as: ADMIN });
  });
});
