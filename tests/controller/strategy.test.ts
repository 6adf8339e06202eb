/**
 * Strategy resolution rules, on plain data: which rate a sampler gets and why.
 */
import type { OverrideRecord } from '../../src/controller/storage';
import { parseStrategiesFile } from '../../src/controller/strategiesFile';
import { resolveStrategy } from '../../src/controller/strategy';
import { record } from './support/storageContract';

const base = parseStrategiesFile(
  JSON.stringify({
    default_strategy: { type: 'probabilistic', param: 0.01 },
    service_strategies: [
      {
        service: 'checkout',
        type: 'probabilistic',
        param: 0.1,
        operation_strategies: [
          { operation: 'GET /health', type: 'probabilistic', param: 0 },
          { operation: 'POST /pay', type: 'probabilistic', param: 0.9 },
        ],
      },
      { service: 'ledger', type: 'ratelimiting', param: 5 },
    ],
  })
).strategies;

function override(service: string, samplingRate: number, extra: Partial<OverrideRecord> = {}): OverrideRecord {
  return record({ service, samplingRate, createdAt: 0, expiresAt: 1000, reason: 'test', ...extra });
}

describe('resolving the effective strategy', () => {
  it('uses the default strategy for a service the file does not name', () => {
    const r = resolveStrategy('unknown', base, []);
    expect(r).toMatchObject({ samplingRate: 0.01, source: { kind: 'base-default' }, operations: [] });
    expect(r.response).toEqual({ strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.01 } });
  });

  it("uses the service's own strategy and per-operation rates", () => {
    const r = resolveStrategy('checkout', base, []);
    expect(r.source).toEqual({ kind: 'base-service' });
    expect(r.operations).toEqual([
      { operation: 'GET /health', samplingRate: 0, source: { kind: 'base-operation' } },
      { operation: 'POST /pay', samplingRate: 0.9, source: { kind: 'base-operation' } },
    ]);
  });

  it('lets the highest of overlapping overrides win', () => {
    const low = override('checkout', 0.3);
    const high = override('checkout', 0.6);
    expect(resolveStrategy('checkout', base, [low, high, override('other', 1)])).toMatchObject({
      samplingRate: 0.6,
      source: { kind: 'override', overrideId: high.id },
    });
  });

  it('breaks a tie between equal rates the same way on every replica (longest-lasting, then lowest id)', () => {
    const a = override('checkout', 0.5, { id: 'b', expiresAt: 2000 });
    const b = override('checkout', 0.5, { id: 'a', expiresAt: 2000 });
    const c = override('checkout', 0.5, { id: 'c', expiresAt: 1500 });
    expect(resolveStrategy('checkout', base, [a, b, c]).source).toEqual({ kind: 'override', overrideId: 'a' });
    expect(resolveStrategy('checkout', base, [c, b, a]).source).toEqual({ kind: 'override', overrideId: 'a' });
  });

  it('never lowers sampling below the base: a lower override changes nothing', () => {
    const r = resolveStrategy('checkout', base, [override('checkout', 0.05)]);
    expect(r).toMatchObject({ samplingRate: 0.1, source: { kind: 'base-service' } });
  });

  it('raises every operation of the service with a service-wide override, but not above their own higher rates', () => {
    const o = override('checkout', 0.5);
    expect(resolveStrategy('checkout', base, [o]).operations).toEqual([
      { operation: 'GET /health', samplingRate: 0.5, source: { kind: 'override', overrideId: o.id } },
      { operation: 'POST /pay', samplingRate: 0.9, source: { kind: 'base-operation' } },
    ]);
  });

  it('adds a per-operation strategy for an operation override and keeps the service default', () => {
    const o = override('payments', 0.7, { operation: 'POST /charge' });
    const r = resolveStrategy('payments', base, [o]);
    expect(r.samplingRate).toBe(0.01);
    expect(r.response.operationSampling).toEqual({
      defaultSamplingProbability: 0.01,
      defaultLowerBoundTracesPerSecond: 0,
      perOperationStrategies: [{ operation: 'POST /charge', probabilisticSampling: { samplingRate: 0.7 } }],
    });
  });

  it('keeps a rate-limited service rate limited until a service-wide override makes it probabilistic', () => {
    expect(resolveStrategy('ledger', base, []).response).toEqual({
      strategyType: 'RATE_LIMITING',
      rateLimitingSampling: { maxTracesPerSecond: 5 },
    });
    const o = override('ledger', 0.25);
    expect(resolveStrategy('ledger', base, [o])).toMatchObject({
      strategyType: 'PROBABILISTIC',
      samplingRate: 0.25,
      source: { kind: 'override', overrideId: o.id },
      response: { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: 0.25 } },
    });
  });
});
