import { describe, expect, it } from '@jest/globals';
import { baselineKey } from '../baselines';
import { buildTrace } from '../trace';
import type { LogLine } from './evidence';
import { profileBaseline } from './profile';
import { type RangeTrace, rankSuspects } from './rankSuspects';

interface Spec {
  id: string;
  parent?: string;
  service: string;
  name: string;
  kind: 'server' | 'client' | 'internal';
  start: number;
  end: number;
}

const KIND = { internal: 1, server: 2, client: 3 } as const;
let traceCounter = 0;

/** One trace from spans in milliseconds since its start. */
function trace(spans: readonly Spec[]): RangeTrace {
  traceCounter++;
  const traceId = traceCounter.toString(16).padStart(32, '0');
  const base = 1_700_000_000_000 + traceCounter * 10_000;
  const nanos = (ms: number) => `${BigInt(Math.round((base + ms) * 1000)) * 1000n}`;
  const services = [...new Set(spans.map((s) => s.service))];
  return {
    trace: buildTrace({
      resourceSpans: services.map((service) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: spans
              .filter((s) => s.service === service)
              .map((s) => ({
                traceId,
                spanId: s.id.padStart(16, '0'),
                ...(s.parent ? { parentSpanId: s.parent.padStart(16, '0') } : {}),
                name: s.name,
                kind: KIND[s.kind],
                startTimeUnixNano: nanos(s.start),
                endTimeUnixNano: nanos(s.end),
              })),
          },
        ],
      })),
    }),
  };
}

/**
 * `frontend GET /` calls `stock GET /items`, which runs a controller, a repository and a query; `stockOwnMs` is the
 * time stock spends in its query, `wireMs` the time between frontend's call and stock's server span.
 */
function checkout({ stockOwnMs = 4, wireMs = 1 } = {}): RangeTrace {
  const serverStart = 2 + wireMs / 2;
  const serverEnd = serverStart + 2 + stockOwnMs;
  return trace([
    { id: 'a1', service: 'frontend', name: 'GET /', kind: 'server', start: 0, end: serverEnd + wireMs / 2 + 2 },
    {
      id: 'a2',
      parent: 'a1',
      service: 'frontend',
      name: 'GET',
      kind: 'client',
      start: 1,
      end: serverEnd + wireMs / 2 + 1,
    },
    {
      id: 'b1',
      parent: 'a2',
      service: 'stock',
      name: 'GET /items',
      kind: 'server',
      start: serverStart,
      end: serverEnd,
    },
    {
      id: 'b2',
      parent: 'b1',
      service: 'stock',
      name: 'ItemController.list',
      kind: 'internal',
      start: serverStart + 0.5,
      end: serverEnd - 0.5,
    },
    {
      id: 'b3',
      parent: 'b2',
      service: 'stock',
      name: 'ItemRepository.find',
      kind: 'internal',
      start: serverStart + 1,
      end: serverEnd - 1,
    },
    {
      id: 'b4',
      parent: 'b3',
      service: 'stock',
      name: 'SELECT items',
      kind: 'internal',
      start: serverStart + 1,
      end: serverEnd - 1,
    },
  ]);
}

/** Normal traces with a little jitter, so the baseline has a spread. */
function normal(count: number): RangeTrace[] {
  return Array.from({ length: count }, (_, i) =>
    checkout({ stockOwnMs: 3 + (i % 5) * 0.25, wireMs: 1 + (i % 3) * 0.2 })
  );
}

/** The trace with log lines on some of its spans (by the short ids of `Spec`); every trace gets its lines' text. */
function withLines(r: RangeTrace, lines: Readonly<Record<string, readonly LogLine[]>> = {}): RangeTrace {
  return {
    trace: r.trace,
    logs: {
      errorLinesBySpan: new Map(),
      linesBySpan: new Map(Object.entries(lines).map(([id, list]) => [id.padStart(16, '0'), list])),
    },
  };
}

function rank(range: readonly RangeTrace[], baseline: readonly RangeTrace[]) {
  return rankSuspects(range, profileBaseline(baseline));
}

describe('rankSuspects', () => {
  it('puts the service whose own time grew first, its chain of slow spans counted once per trace', () => {
    const baseline = normal(30);
    const range = [...normal(10), ...Array.from({ length: 6 }, () => checkout({ stockOwnMs: 80 }))];
    const ranking = rank(range, baseline);
    expect(ranking.verdict).toBe('ranked');
    expect(ranking.suspects[0]).toMatchObject({ service: 'stock', operation: 'GET /items', traces: 6 });
    expect(ranking.suspects[0]!.reason).toMatch(/^own time over 2× its baseline p99 in 6 traces/);
    expect(ranking.suspects.map((s) => s.service)).not.toContain('frontend');
    expect(ranking.notes[0]).toMatch(
      /^compared with 30 baseline traces that start \d+ s to \d+ s before the range; no logs, so errors are read from span status alone and log patterns are not judged$/
    );
  });

  it('charges time between a call and the server span it reached to the callee, not to the caller', () => {
    const baseline = normal(30);
    const range = Array.from({ length: 8 }, () => checkout({ wireMs: 200 }));
    const [first] = rank(range, baseline).suspects;
    expect(first?.service).toBe('stock');
    expect(first?.reason).toMatch(/extra on the wire per trace in 8 traces \(calls from frontend\)/);
  });

  it('ranks where logged errors start, beside how often they started there before', () => {
    const withError = (r: RangeTrace): RangeTrace => ({
      trace: r.trace,
      logs: {
        errorLinesBySpan: new Map([
          ['00000000000000b4', 1],
          ['00000000000000a1', 1],
        ]),
      },
    });
    const baseline = normal(30);
    const range = [...normal(5), ...normal(6).map(withError)];
    const [first] = rank(range, baseline).suspects;
    expect(first).toMatchObject({ service: 'stock', operation: 'SELECT items' });
    expect(first?.reason).toMatch(/^errors start here in 6 traces \(0 expected from the baseline\)/);
  });

  it('reads a logged error on every span of an id that two spans share', () => {
    // The trace's id index holds the first `c1` only; the deeper one, in stock, is where the errors start.
    const sharedId = () => ({
      trace: trace([
        { id: 'a1', service: 'frontend', name: 'GET /', kind: 'server', start: 0, end: 10 },
        { id: 'c1', parent: 'a1', service: 'frontend', name: 'render', kind: 'internal', start: 1, end: 2 },
        { id: 'a2', parent: 'a1', service: 'frontend', name: 'GET', kind: 'client', start: 2, end: 9 },
        { id: 'b1', parent: 'a2', service: 'stock', name: 'GET /items', kind: 'server', start: 3, end: 8 },
        { id: 'c1', parent: 'b1', service: 'stock', name: 'SELECT items', kind: 'internal', start: 4, end: 7 },
      ]).trace,
      logs: { errorLinesBySpan: new Map([['00000000000000c1', 1]]) },
    });
    const [first] = rank(Array.from({ length: 6 }, sharedId), normal(30)).suspects;
    expect(first?.service).toBe('stock');
    expect(first?.reason).toMatch(/errors start here in 6 traces/);
  });

  it("counts a pattern's operation once per trace, however many of its spans run it", () => {
    const repeated = () =>
      trace([
        { id: 'a1', service: 'stock', name: 'GET /items', kind: 'server', start: 0, end: 10 },
        ...[1, 2, 3].map((n) => ({
          id: `b${n}`,
          parent: 'a1',
          service: 'stock',
          name: 'SELECT items',
          kind: 'internal' as const,
          start: n,
          end: n + 1,
        })),
      ]);
    const { logPatterns } = profileBaseline([withLines(repeated()), withLines(repeated())]);
    expect(logPatterns.operations.get(baselineKey('stock', 'SELECT items'))).toBe(2);
    expect(logPatterns.operations.get(baselineKey('stock', 'GET /items'))).toBe(2);
  });

  it('says a baseline without traces cannot tell what changed', () => {
    const ranking = rank(normal(5), []);
    expect(ranking).toMatchObject({ verdict: 'not-enough-evidence', suspects: [] });
    expect(ranking.notes[0]).toMatch(/the baseline holds 0 traces/);
  });

  it('does not rank one anomalous trace', () => {
    const ranking = rank([...normal(10), checkout({ stockOwnMs: 500 })], normal(30));
    expect(ranking.verdict).toBe('not-enough-evidence');
    expect(ranking.notes.join(' ')).toMatch(/shows in 1 trace; at least 3 are needed/);
  });

  it('leaves out the calls of traces with missing parents and says so', () => {
    const orphaned = () =>
      trace([
        { id: 'a1', service: 'frontend', name: 'GET /', kind: 'server', start: 0, end: 10 },
        { id: 'b1', parent: 'ff', service: 'stock', name: 'GET /items', kind: 'server', start: 2, end: 8 },
      ]);
    const ranking = rank(Array.from({ length: 5 }, orphaned), normal(30));
    expect(ranking.verdict).toBe('not-enough-evidence');
    expect(ranking.notes).toContain(
      '5 traces have spans with missing parents; their own time and calls were not judged'
    );
  });

  it('judges a child that outlives its parent (clock skew) only for the time inside it', () => {
    const skewed = () =>
      trace([
        { id: 'a1', service: 'frontend', name: 'GET /', kind: 'server', start: 0, end: 10 },
        { id: 'a2', parent: 'a1', service: 'frontend', name: 'GET', kind: 'client', start: 1, end: 9 },
        { id: 'b1', parent: 'a2', service: 'stock', name: 'GET /items', kind: 'server', start: 1.5, end: 400 },
      ]);
    const ranking = rank(Array.from({ length: 5 }, skewed), normal(30));
    expect(ranking.suspects.map((s) => s.service)).not.toContain('frontend');
  });

  it('ranks a log pattern its operation logs more often than before, values masked', () => {
    const info = { b2: [{ severity: 'info', body: 'listing 12 items' }] } as const;
    const baseline = normal(30).map((r) => withLines(r, info));
    const warned = (item: number) =>
      withLines(checkout(), {
        ...info,
        b3: [{ severity: 'warn', body: `stock level of item ${item} unknown, cached value from 2026-12-0${item % 9}` }],
      });
    const range = [...normal(10).map((r) => withLines(r, info)), ...[4711, 42, 993, 7, 18, 250].map(warned)];
    const [first] = rank(range, baseline).suspects;
    expect(first).toMatchObject({ service: 'stock', operation: 'ItemRepository.find', traces: 6 });
    expect(first?.reason).toMatch(/^logs `stock level of item <\*> unknown, cached value from <\*>` in 6 traces/);
  });

  it('does not count a log pattern that comes with a kind of request that is merely more frequent', () => {
    const search = () =>
      withLines(trace([{ id: 'c1', service: 'search', name: 'GET /search', kind: 'server', start: 0, end: 5 }]), {
        c1: [{ severity: 'warn', body: 'no results' }],
      });
    const baseline = [...normal(30).map((r) => withLines(r)), ...Array.from({ length: 5 }, search)];
    const range = [...normal(5).map((r) => withLines(r)), ...Array.from({ length: 15 }, search)];
    expect(rank(range, baseline).suspects.map((s) => s.service)).not.toContain('search');
  });

  it("does not charge a caller's log line about a slow call below it to the caller", () => {
    const baseline = normal(30).map((r) => withLines(r));
    const range = Array.from({ length: 8 }, () =>
      withLines(checkout({ wireMs: 200 }), { a1: [{ severity: 'error', body: 'GET /items timed out after 200 ms' }] })
    );
    const ranking = rank(range, baseline);
    expect(ranking.suspects[0]?.service).toBe('stock');
    expect(ranking.suspects.map((s) => s.service)).not.toContain('frontend');
  });

  it('lets a usual call left out weigh at most as much as the rest of the evidence', () => {
    const frontendAlone = (ms: number) =>
      trace([{ id: 'a1', service: 'frontend', name: 'GET /', kind: 'server', start: 0, end: ms }]);
    const range = [
      ...Array.from({ length: 20 }, () => frontendAlone(3)),
      ...Array.from({ length: 3 }, () => frontendAlone(100)),
      ...Array.from({ length: 10 }, () => checkout({ stockOwnMs: 80 })),
    ];
    const ranking = rank(range, normal(30));
    expect(ranking.suspects.map((s) => s.service)).toEqual(['stock', 'frontend']);
    expect(ranking.suspects[1]!.reason).toMatch(/no longer calls `GET \/items` in 23 traces/);
  });
});
