import type { Guardrails, KnownService } from '../../../contract';
import type { AnomalousTrace } from '../../data/anomalousTraces';
import { suggestSpikes } from './suggestSpikes';

const guardrails: Guardrails = {
  maxSamplingRate: 0.3,
  maxDurationSeconds: 3600,
  defaultDurationSeconds: 1200,
  maxActiveOverridesPerService: 3,
  maxActiveOverrides: 20,
  pollIntervalHintSeconds: 30,
  traceGoals: false,
};

function service(name: string, samplingRate: number | undefined): KnownService {
  return {
    name,
    pollCount: 1,
    ...(samplingRate === undefined ? {} : { samplingRate }),
    strategyType: samplingRate === undefined ? 'RATE_LIMITING' : 'PROBABILISTIC',
    source: { kind: 'base-default' },
    activeOverrides: 0,
  };
}

function trace(rootService: string, rule: AnomalousTrace['worst']['rule']): AnomalousTrace {
  return {
    traceId: `${rootService}-${rule}`,
    rootService,
    rootOperation: 'GET /',
    startUnixMs: 0,
    durationMs: 10,
    score: 1,
    rules: [{ rule, severity: 'warning' }],
    worst: { rule, severity: 'warning', spanIds: [], measured: 1, threshold: 1, unit: 'spans', explanation: '' },
  };
}

describe('suggested spikes', () => {
  it('names the finding, the count and the current rate, within the guardrails, busiest service first', () => {
    const traces = [
      trace('payments', 'swallowed-error'),
      trace('payments', 'swallowed-error'),
      trace('payments', 'swallowed-error'),
      trace('cart', 'slow'),
      trace('cart', 'error'),
      trace('cart', 'error'),
      trace('cart', 'error'),
      trace('cart', 'wide'),
    ];
    const suggestions = suggestSpikes(
      traces,
      [service('payments', 0.05), service('cart', 0.001)],
      new Set(),
      guardrails
    );
    expect(suggestions).toEqual([
      {
        service: 'cart',
        traces: 5,
        currentRate: 0.001,
        samplingRate: 0.3,
        durationSeconds: 1200,
        reason: '5 anomalous traces in cart at 0.1% sampling',
      },
      {
        service: 'payments',
        traces: 3,
        currentRate: 0.05,
        samplingRate: 0.3,
        durationSeconds: 1200,
        reason: '3 swallowed error traces in payments at 5% sampling',
      },
    ]);
  });

  it('proposes a trace goal only when the controller can count traces', () => {
    const [s] = suggestSpikes([trace('a', 'error')], [service('a', 0.01)], new Set(), {
      ...guardrails,
      traceGoals: true,
    });
    expect(s).toMatchObject({ stopAfterTraces: 100, reason: '1 error trace in a at 1% sampling' });
  });

  it('leaves out services sampled at 10% or more, rate-limited, already spiked, or where no anomalous trace starts', () => {
    const traces = [
      trace('hi', 'error'),
      trace('limited', 'error'),
      trace('spiked', 'error'),
      trace('downstream', 'error'),
    ];
    const services = [
      service('hi', 0.1),
      service('limited', undefined),
      service('spiked', 0.01),
      service('quiet', 0.01),
    ];
    expect(suggestSpikes(traces, services, new Set(['spiked']), guardrails)).toEqual([]);
  });
});
