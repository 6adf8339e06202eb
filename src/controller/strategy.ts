/**
 * Strategy resolution: base strategies plus the active overrides of one service give the effective strategy,
 * with provenance, and the exact Jaeger response a sampler receives.
 * Rules: among overlapping overrides the highest rate wins; an override never lowers sampling below the base
 * (overrides exist to raise it); a service-wide override also raises every per-operation rate of that service.
 */
import type {
  EffectiveStrategy,
  OperationSamplingStrategy,
  SamplingStrategyResponse,
  StrategySource,
} from '../contract';
import type { OverrideRecord } from './storage';
import { type BaseStrategies, JAEGER_DEFAULT_SAMPLING_PROBABILITY } from './strategiesFile';

export type ResolvedStrategy = Omit<EffectiveStrategy, 'activeOverrides'>;

interface Candidate {
  rate: number;
  source: StrategySource;
}

function overrideSource(o: OverrideRecord): StrategySource {
  return { kind: 'override', overrideId: o.id };
}

/** Highest rate wins; ties go to the override that lasts longest, then the lower id, so replicas agree. */
function strongest(overrides: OverrideRecord[]): OverrideRecord | undefined {
  let best: OverrideRecord | undefined;
  for (const o of overrides) {
    if (
      !best ||
      o.samplingRate > best.samplingRate ||
      (o.samplingRate === best.samplingRate &&
        (o.expiresAt > best.expiresAt || (o.expiresAt === best.expiresAt && o.id < best.id)))
    ) {
      best = o;
    }
  }
  return best;
}

/** The first candidate with the highest rate, so base wins ties against an override that changes nothing. */
function highest(candidates: Array<Candidate | undefined>): Candidate {
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (c && (!best || c.rate > best.rate)) {
      best = c;
    }
  }
  if (!best) {
    throw new Error('no sampling candidate');
  }
  return best;
}

/**
 * @param activeOverrides overrides already known to be active now, for any services (others are ignored).
 */
export function resolveStrategy(
  service: string,
  base: BaseStrategies,
  activeOverrides: OverrideRecord[]
): ResolvedStrategy {
  const own = base.services.get(service);
  const serviceBase = own ?? base.default;
  const baseSource: StrategySource = { kind: own ? 'base-service' : 'base-default' };
  const mine = activeOverrides.filter((o) => o.service === service);
  const serviceWide = strongest(mine.filter((o) => o.operation === null));
  const serviceWideCandidate = serviceWide && { rate: serviceWide.samplingRate, source: overrideSource(serviceWide) };

  const baseCandidate =
    serviceBase.strategy.type === 'probabilistic'
      ? { rate: serviceBase.strategy.samplingRate, source: baseSource }
      : undefined;
  const serviceRate =
    baseCandidate || serviceWideCandidate ? highest([baseCandidate, serviceWideCandidate]) : undefined;

  const byOperation = new Map<string, OverrideRecord[]>();
  for (const o of mine) {
    if (o.operation !== null) {
      byOperation.set(o.operation, [...(byOperation.get(o.operation) ?? []), o]);
    }
  }
  const operationNames = [...new Set([...serviceBase.operations.keys(), ...byOperation.keys()])].sort();
  const defaultProbability = serviceRate?.rate ?? JAEGER_DEFAULT_SAMPLING_PROBABILITY;
  const operations = operationNames.map((operation) => {
    const baseRate = serviceBase.operations.get(operation);
    const baseOp: Candidate =
      baseRate === undefined
        ? { rate: defaultProbability, source: serviceRate?.source ?? baseSource }
        : { rate: baseRate, source: { kind: 'base-operation' } };
    const opOverride = strongest(byOperation.get(operation) ?? []);
    const winner = highest([
      baseOp,
      serviceWideCandidate,
      opOverride && { rate: opOverride.samplingRate, source: overrideSource(opOverride) },
    ]);
    return { operation, samplingRate: winner.rate, source: winner.source };
  });

  const response: SamplingStrategyResponse =
    serviceRate !== undefined
      ? { strategyType: 'PROBABILISTIC', probabilisticSampling: { samplingRate: serviceRate.rate } }
      : {
          strategyType: 'RATE_LIMITING',
          rateLimitingSampling: {
            maxTracesPerSecond:
              serviceBase.strategy.type === 'ratelimiting' ? serviceBase.strategy.maxTracesPerSecond : 0,
          },
        };
  if (operations.length > 0) {
    const perOperationStrategies: OperationSamplingStrategy[] = operations.map((o) => ({
      operation: o.operation,
      probabilisticSampling: { samplingRate: o.samplingRate },
    }));
    response.operationSampling = {
      defaultSamplingProbability: defaultProbability,
      defaultLowerBoundTracesPerSecond: 0,
      perOperationStrategies,
    };
  }

  return {
    service,
    strategyType: response.strategyType,
    ...(serviceRate ? { samplingRate: serviceRate.rate } : {}),
    ...(response.rateLimitingSampling ? { maxTracesPerSecond: response.rateLimitingSampling.maxTracesPerSecond } : {}),
    source: serviceRate?.source ?? baseSource,
    operations,
    response,
  };
}
