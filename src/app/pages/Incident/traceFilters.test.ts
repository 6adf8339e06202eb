import { buildTrace, compareAttributes } from '../../../analysis';
import { failingCheckouts, healthyCheckouts } from '../../../analysis/fixtures';
import { traceqlAttributeFilter } from '../../../queries';
import { filterFor } from '../../data/comparison';
import { parseTraceFilters } from './traceFilters';

describe('trace filters in the URL', () => {
  it('keeps every kind of value the comparison can rank, attribute and intrinsic, through the URL', () => {
    // With the guards off and nothing ignored, every value ranks: attributes, status, kind, duration buckets.
    const ranked = compareAttributes(failingCheckouts().map(buildTrace), healthyCheckouts().map(buildTrace), {
      minDifference: 0,
      minZ: 0,
      minSupport: 1,
    }).ranked;
    const filters = ranked.map(filterFor);
    expect(filters.map((f) => f.key)).toEqual(
      expect.arrayContaining(['cloud.region', 'status', 'kind', 'traceDuration'])
    );
    expect(filters.map((f) => parseTraceFilters(JSON.stringify([f]))[0])).toEqual(filters);
    const queries = filters.map(traceqlAttributeFilter);
    expect(queries).toContain('{ resource.cloud.region = "eu-west" }');
    expect(queries).toContain('{ status = error }');
    expect(queries).toContain('{ traceDuration >= 100ms && traceDuration < 200ms }');
  });

  it('drops entries that are not filters, and everything when the parameter is not a JSON list', () => {
    const good = { scope: 'span', key: 'http.route', value: '/pay' };
    expect(
      parseTraceFilters(
        JSON.stringify([
          good,
          { scope: 'intrinsic', key: 'kind', value: 'server || true' },
          { scope: 'span', key: '', value: 'x' },
          { scope: 'span', key: 'k', value: { nested: true } },
          { scope: 'intrinsic', key: 'duration', minMs: -5 },
          { scope: 'resource', key: 'k', value: 'v', extra: 1 },
          { scope: 'span', key: 'a\nb', value: 'x' },
        ])
      )
    ).toEqual([good]);
    expect(parseTraceFilters('{"scope":"span"}')).toEqual([]);
    expect(parseTraceFilters('not json')).toEqual([]);
    expect(parseTraceFilters(null)).toEqual([]);
  });

  it('keeps at most ten filters', () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ scope: 'span', key: 'n', value: i }));
    expect(parseTraceFilters(JSON.stringify(many))).toHaveLength(10);
  });
});
