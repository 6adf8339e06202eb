import { exploreTraceUrl } from './explore';

const panesOf = (url: string) => {
  const parsed = new URL(url, 'http://grafana');
  expect(parsed.pathname).toBe('/explore');
  return JSON.parse(parsed.searchParams.get('panes')!);
};

describe('exploreTraceUrl', () => {
  it('opens a Jaeger trace with the Jaeger data source’s trace-id query', () => {
    const panes = panesOf(
      exploreTraceUrl({ uid: 'jaeger', backend: 'jaeger', traceId: 'abc123', fromMs: 1000.4, toMs: 2000.2 })
    );
    expect(panes).toEqual({
      trace: {
        datasource: 'jaeger',
        queries: [{ refId: 'A', datasource: { type: 'jaeger', uid: 'jaeger' }, query: 'abc123' }],
        range: { from: '1000', to: '2001' },
      },
    });
  });

  it('opens a Tempo trace as a TraceQL-mode trace-id query, over the last hour without a range', () => {
    const panes = panesOf(exploreTraceUrl({ uid: 't"1&x', backend: 'tempo', traceId: 'abc123' }));
    expect(panes.trace.queries).toEqual([
      { refId: 'A', datasource: { type: 'tempo', uid: 't"1&x' }, queryType: 'traceql', query: 'abc123' },
    ]);
    expect(panes.trace.range).toEqual({ from: 'now-1h', to: 'now' });
  });
});
