import { buildTrace, compareAttributes } from '../../analysis';
import { failingCheckouts, healthyCheckouts } from '../../analysis/fixtures';
import { serviceName } from '../../queries';
import { filterFor } from './comparison';
import { jaegerNarrowing, narrowSearch } from './jaegerSearches';
import { matchesFilters } from './traceFilterMatch';

const FAILING = failingCheckouts().map(buildTrace);
const HEALTHY = healthyCheckouts().map(buildTrace);

describe('matchesFilters', () => {
  it('holds on exactly the traces the comparison counted for each value it can rank, attribute and intrinsic', () => {
    // With the guards off, every value ranks: resource and span attributes, name, status, kind, duration buckets.
    const { ranked } = compareAttributes(FAILING, HEALTHY, {
      minDifference: -1,
      minZ: -Infinity,
      minSupport: 1,
      limit: 1000,
    });
    expect([...new Set(ranked.map((v) => v.attribute.key))]).toEqual(
      expect.arrayContaining(['cloud.region', 'feature.flag', 'name', 'status', 'kind', 'traceDuration'])
    );
    for (const value of ranked) {
      const filter = filterFor(value);
      expect([filter, FAILING.filter((t) => matchesFilters(t, [filter])).length]).toEqual([
        filter,
        value.selection.count,
      ]);
      expect([filter, HEALTHY.filter((t) => matchesFilters(t, [filter])).length]).toEqual([
        filter,
        value.baseline.count,
      ]);
    }
  });

  it('asks for every filter, each on some span of the trace', () => {
    const region = { scope: 'resource', key: 'cloud.region', value: 'eu-west' } as const;
    const flag = { scope: 'span', key: 'feature.flag', value: 'beta-checkout' } as const;
    expect(FAILING.filter((t) => matchesFilters(t, [region, flag]))).toHaveLength(2);
    // A resource attribute is not a span attribute.
    expect(FAILING.filter((t) => matchesFilters(t, [{ ...region, scope: 'span' }]))).toHaveLength(0);
  });
});

describe('Jaeger search narrowing', () => {
  it('asks Jaeger for what it can match as text, and leaves the rest to the check of the traces', () => {
    expect(
      jaegerNarrowing([
        { scope: 'span', key: 'ledger.region', value: 'eu-west' },
        { scope: 'resource', key: 'ledger.region', value: 'us-east' },
        { scope: 'span', key: 'http.response.status_code', value: 503 },
        { scope: 'span', key: 'retry', value: true },
        { scope: 'span', key: 'ratio', value: 0.5 },
        { scope: 'intrinsic', key: 'status', value: 'error' },
        { scope: 'intrinsic', key: 'kind', value: 'server' },
        { scope: 'intrinsic', key: 'name', value: 'POST /payments' },
        { scope: 'intrinsic', key: 'name', value: 'POST /score' },
        { scope: 'intrinsic', key: 'duration', minMs: 200, maxMs: 500 },
        { scope: 'intrinsic', key: 'traceDuration', minMs: 1000 },
      ])
    ).toEqual({
      tags: {
        'ledger.region': 'eu-west',
        'http.response.status_code': '503',
        retry: 'true',
        error: 'true',
        'span.kind': 'server',
      },
      operation: 'POST /payments',
      minDurationMs: 200,
      maxDurationMs: 500,
    });
    expect(jaegerNarrowing([{ scope: 'intrinsic', key: 'status', value: 'ok' }]).tags).toEqual({
      'otel.status_code': 'OK',
    });
    expect(jaegerNarrowing([{ scope: 'intrinsic', key: 'kind', value: 'unspecified' }]).tags).toEqual({});
  });

  it('keeps a search’s own tags and duration, adding the filters’ only beside them', () => {
    const narrowing = jaegerNarrowing([
      { scope: 'span', key: 'error', value: 'false' },
      { scope: 'span', key: 'ledger.region', value: 'eu-west' },
      { scope: 'intrinsic', key: 'duration', minMs: 1, maxMs: 2 },
    ]);
    const slow = { service: serviceName('payments'), start: 0, end: 60, minDurationMs: 500, limit: 20 };
    expect(narrowSearch(slow, narrowing)).toEqual({
      ...slow,
      operation: undefined,
      tags: { error: 'false', 'ledger.region': 'eu-west' },
    });
    const failing = { service: serviceName('payments'), start: 0, end: 60, tags: { error: 'true' }, limit: 20 };
    expect(narrowSearch(failing, narrowing)).toMatchObject({
      tags: { error: 'true', 'ledger.region': 'eu-west' },
      minDurationMs: 1,
      maxDurationMs: 2,
    });
  });
});
