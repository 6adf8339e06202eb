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
    evidenceServices: [],
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

  it('suggests for a service sampled at exactly 10%, the demo’s and a common head-sampling rate', () => {
    const [s] = suggestSpikes([trace('gateway', 'swallowed-error')], [service('gateway', 0.1)], new Set(), guardrails);
    expect(s).toMatchObject({ service: 'gateway', currentRate: 0.1 });
  });

  it('leaves out a service whose anomalous traces are already many', () => {
    const many = Array.from({ length: 21 }, (_, i) => ({ ...trace('busy', 'error'), traceId: `busy-${i}` }));
    expect(suggestSpikes(many, [service('busy', 0.05)], new Set(), guardrails)).toEqual([]);
    expect(suggestSpikes(many.slice(1), [service('busy', 0.05)], new Set(), guardrails)).toHaveLength(1);
  });

  it('leaves out services sampled above 10%, rate-limited, already spiked, or where no anomalous trace starts', () => {
    const traces = [
      trace('hi', 'error'),
      trace('limited', 'error'),
      trace('spiked', 'error'),
      trace('downstream', 'error'),
    ];
    const services = [
      service('hi', 0.11),
      service('limited', undefined),
      service('spiked', 0.01),
      service('quiet', 0.01),
    ];
    expect(suggestSpikes(traces, services, new Set(['spiked']), guardrails)).toEqual([]);
  });
});
