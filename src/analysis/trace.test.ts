import { TraceFormatError, buildTrace, spanAttributes, type Trace } from './index';
import { NO_SPAN, positionOf } from './trace';
import {
  deepCallChain,
  healthyTrace,
  hexToBase64,
  nPlusOneAfterRelease,
  swallowedErrorsWithRetries,
  syntheticTrace,
  toTempoJson,
  type OtlpTraceJson,
} from './fixtures';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const MS = 1_000_000;
const T0 = 1_735_689_600_000; // 2025-01-01, in ms

/** A hand-written span in spec OTLP/JSON; times in ms after T0. */
function span(id: string, parent: string | undefined, start: number, end: number, extra: Record<string, unknown> = {}) {
  return {
    traceId: TRACE_ID,
    spanId: id.padStart(16, '0'),
    ...(parent ? { parentSpanId: parent.padStart(16, '0') } : {}),
    name: `op-${id}`,
    kind: 2,
    startTimeUnixNano: String(BigInt(T0) * BigInt(MS) + BigInt(Math.round(start * MS))),
    endTimeUnixNano: String(BigInt(T0) * BigInt(MS) + BigInt(Math.round(end * MS))),
    status: {},
    ...extra,
  };
}

function otlp(service: string, spans: unknown[]): { resourceSpans: unknown[] } {
  return {
    resourceSpans: [
      { resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans }] },
    ],
  };
}

const get = (trace: Trace, id: string) => trace.spanById(id.padStart(16, '0'));

/** The parts of a model that must not depend on the JSON flavour. */
function essence(trace: Trace) {
  return trace.spans
    .map((s) => [
      s.id,
      s.parent?.id,
      s.service,
      s.name,
      s.kind,
      s.status,
      s.statusMessage,
      s.startMs,
      s.durationMs,
      s.depth,
    ])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

describe('buildTrace', () => {
  const recorded = swallowedErrorsWithRetries();
  const reference = buildTrace(recorded);

  it.each([
    ['/api/v2/traces resourceSpans', toTempoJson(recorded, { envelope: 'v2' })],
    ['/api/v2/traces batches', toTempoJson(recorded, { envelope: 'v2-batches' })],
    ['/api/traces batches', toTempoJson(recorded, { envelope: 'v1' })],
    ['instrumentationLibrarySpans', toTempoJson(recorded, { envelope: 'v1', legacyScopeKey: true })],
  ])('reads Tempo JSON (%s: base64 ids, string enums) into the same model as spec OTLP JSON', (_shape, tempo) => {
    expect(essence(buildTrace(tempo))).toEqual(essence(reference));
    expect(buildTrace(tempo).traceId).toBe(reference.traceId);
  });

  it('decodes kinds and statuses, and keeps the status message', () => {
    const failed = reference.spans.filter((s) => s.status === 'error');
    expect(failed.length).toBe(8);
    expect(failed.map((s) => s.kind).sort()).toEqual([...Array(4).fill('client'), ...Array(4).fill('server')]);
    expect(failed.find((s) => s.kind === 'server')?.statusMessage).toBe('model timeout after 195ms');
    expect(reference.root?.kind).toBe('server');
    expect(reference.root?.status).toBe('unset');
  });

  it('links children in start order, with depth and service hops', () => {
    const trace = buildTrace(deepCallChain());
    expect(trace.root?.name).toBe('GET /checkout');
    const leaf = trace.spans.find((s) => s.name === 'audit.write');
    expect(leaf?.depth).toBe(21);
    expect(leaf?.serviceHops).toBe(10);
    const charge = buildTrace(nPlusOneAfterRelease()).spans.find(
      (s) => s.service === 'payments' && s.kind === 'server'
    );
    const starts = charge?.children.map((c) => c.startMs) ?? [];
    expect(starts).toHaveLength(112);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('measures times from the earliest span, to the microsecond', () => {
    const trace = buildTrace(nPlusOneAfterRelease());
    expect(trace.startUnixMs).toBe(T0);
    expect(trace.durationMs).toBe(290);
    const queries = trace.spans.filter((s) => s.name === 'db.query');
    expect(queries[1]?.startMs).toBeCloseTo(36.1, 3);
    expect(queries[1]?.durationMs).toBeCloseTo(2, 3);
  });

  it('computes self time as the time no child covers', () => {
    const trace = buildTrace(
      otlp('svc', [span('1', undefined, 0, 100), span('2', '1', 10, 30), span('3', '1', 20, 90)])
    );
    expect(get(trace, '1')?.selfTimeMs).toBe(20);
    expect(get(trace, '3')?.selfTimeMs).toBe(70);
  });

  it('follows the last-finishing child for the critical path and skips children running in parallel', () => {
    const trace = buildTrace(
      otlp('svc', [span('1', undefined, 0, 100), span('2', '1', 10, 30), span('3', '1', 20, 90)])
    );
    expect(trace.criticalPath.map((s) => [s.span.id.slice(-1), s.startMs, s.endMs])).toEqual([
      ['1', 0, 20],
      ['3', 20, 90],
      ['1', 90, 100],
    ]);
    expect(get(trace, '1')?.criticalSelfMs).toBe(30);
    expect(get(trace, '2')?.criticalSelfMs).toBe(0);
  });

  it('keeps a child on the critical path when the next call starts less than 1 ms before it ended', () => {
    // The JS SDK truncates start times to the millisecond: a pool wait ending at 80.6 ms, followed by the query it
    // waited for starting at "80 ms", is sequential, not parallel.
    const trace = buildTrace(
      otlp('svc', [span('1', undefined, 0, 100), span('2', '1', 5, 80.6), span('3', '1', 80, 95)])
    );
    expect(trace.criticalPath.map((s) => [s.span.id.slice(-1), s.startMs, s.endMs])).toEqual([
      ['1', 0, 5],
      ['2', 5, 80],
      ['3', 80, 95],
      ['1', 95, 100],
    ]);
    expect(get(trace, '2')?.criticalSelfMs).toBe(75);
  });

  it('still treats a sibling overlapping the next call by more than 1 ms as parallel', () => {
    const trace = buildTrace(
      otlp('svc', [span('1', undefined, 0, 100), span('2', '1', 5, 82), span('3', '1', 80, 95)])
    );
    expect(get(trace, '2')?.criticalSelfMs).toBe(0);
    expect(get(trace, '1')?.criticalSelfMs).toBe(85);
  });

  it('accepts base64 and hex ids in the same trace', () => {
    const mixed = otlp('svc', [
      span('a1', undefined, 0, 10),
      { ...span('b2', undefined, 1, 5), parentSpanId: hexToBase64('00000000000000a1') },
    ]);
    const trace = buildTrace(mixed);
    expect(get(trace, 'b2')?.parent?.id).toBe('00000000000000a1');
  });

  it('finds every span of a base64-spelled trace by its hex id, in any case', () => {
    const tempo = buildTrace(toTempoJson(recorded));
    for (const s of reference.spans) {
      expect(tempo.spanById(s.id.toUpperCase())?.name).toBe(s.name);
    }
    expect(tempo.spanById(hexToBase64(reference.spans[0]!.id))).toBeUndefined();
  });

  it('links ids of any accepted spelling to each other: upper-case hex, unpadded and URL-safe base64', () => {
    const trace = buildTrace(
      otlp('svc', [
        span('fb', undefined, 0, 10),
        { ...span('fc', undefined, 1, 9), parentSpanId: '00000000000000FB' },
        { ...span('fd', undefined, 2, 8), parentSpanId: hexToBase64('00000000000000fc').replace(/=+$/, '') },
        { ...span('fff', undefined, 3, 7), spanId: hexToBase64('0000000000000fff').replace('/', '_') },
        { ...span('ff', 'fff', 4, 6) },
      ])
    );
    expect(trace.spans.map((s) => s.depth)).toEqual([0, 1, 2, 0, 1]);
    expect(trace.spans.map((s) => s.id)).toEqual(['fb', 'fc', 'fd', 'fff', 'ff'].map((id) => id.padStart(16, '0')));
  });

  it('treats an all-zero parent id as no parent', () => {
    const trace = buildTrace(otlp('svc', [{ ...span('1', undefined, 0, 10), parentSpanId: 'AAAAAAAAAAA=' }]));
    expect(trace.root?.parentId).toBeUndefined();
    expect(trace.issues).toEqual([]);
  });

  it('makes spans with a missing parent extra roots and records the gap', () => {
    const trace = buildTrace(
      otlp('svc', [span('2', 'ff', 0, 50), span('1', undefined, 5, 100), span('3', '1', 10, 20)])
    );
    expect(trace.root?.id).toBe('0000000000000001');
    expect(trace.roots.map((r) => r.id.slice(-1))).toEqual(['1', '2']);
    expect(trace.issues).toEqual([{ kind: 'missing-parent', count: 1, exampleSpanIds: ['0000000000000002'] }]);
    expect(trace.durationMs).toBe(100);
  });

  it('keeps both spans of a duplicated id and indexes the first', () => {
    const trace = buildTrace(
      otlp('svc', [span('1', undefined, 0, 100), span('2', '1', 10, 20), span('2', '1', 30, 40)])
    );
    expect(trace.spans).toHaveLength(3);
    expect(get(trace, '2')?.startMs).toBe(10);
    expect(get(trace, '1')?.children).toHaveLength(2);
    expect(trace.issues.map((i) => i.kind)).toEqual(['duplicate-span-id']);
  });

  it("finds a span's position by its id exactly as `Span.id` spells it, the first of duplicates", () => {
    const trace = buildTrace(
      otlp('svc', [
        span('1', undefined, 0, 100),
        span('2', '1', 10, 20),
        span('2', '1', 30, 40),
        { ...span('a', '1', 50, 60), spanId: hexToBase64('000000000000000a') },
      ])
    );
    expect(positionOf(trace, '0000000000000002')).toBe(1);
    expect(positionOf(trace, '000000000000000a')).toBe(3);
    expect(get(trace, '000000000000000A')?.id).toBe('000000000000000a');
    expect(positionOf(trace, '000000000000000A')).toBe(NO_SPAN);
    expect(positionOf(trace, hexToBase64('000000000000000a'))).toBe(NO_SPAN);
    expect(positionOf(trace, '0000000000000009')).toBe(NO_SPAN);
  });

  it('breaks parent cycles instead of looping', () => {
    const trace = buildTrace(otlp('svc', [span('1', '2', 0, 10), span('2', '1', 0, 10), span('3', undefined, 20, 30)]));
    expect(trace.spans).toHaveLength(3);
    expect(trace.issues.find((i) => i.kind === 'cycle')?.count).toBe(1);
    expect(trace.root?.id).toBe('0000000000000003');
    expect(trace.roots).toHaveLength(2);
  });

  it('clips children that overrun their parent (clock skew) and records it', () => {
    const trace = buildTrace(otlp('svc', [span('1', undefined, 10, 50), span('2', '1', 0, 60)]));
    expect(get(trace, '1')?.selfTimeMs).toBe(0);
    expect(get(trace, '1')?.criticalSelfMs).toBe(0);
    expect(get(trace, '2')?.criticalSelfMs).toBe(40);
    expect(trace.issues).toEqual([{ kind: 'clock-skew', count: 1, exampleSpanIds: ['0000000000000002'] }]);
  });

  it('records spans without an id or start time as invalid and leaves them out', () => {
    const trace = buildTrace(
      otlp('svc', [
        span('1', undefined, 0, 10),
        { name: 'no id' },
        { ...span('2', '1', 0, 5), startTimeUnixNano: 'soon' },
      ])
    );
    expect(trace.spans).toHaveLength(1);
    expect(trace.issues).toEqual([{ kind: 'invalid-span', count: 2, exampleSpanIds: ['', '0000000000000002'] }]);
  });

  it.each([[{}], [{ resourceSpans: [] }], [{ trace: {} }], [{ batches: [{}] }]])(
    'builds an empty trace from %j',
    (input) => {
      const trace = buildTrace(input);
      expect(trace.spans).toEqual([]);
      expect(trace.root).toBeUndefined();
      expect(trace.durationMs).toBe(0);
    }
  );

  it.each([[null], ['trace'], [[]], [{ resourceSpans: 'x' }]])('rejects %j, which is not trace JSON', (input) => {
    expect(() => buildTrace(input)).toThrow(TraceFormatError);
  });

  it('names spans whose resource has no service.name unknown_service', () => {
    const trace = buildTrace({ resourceSpans: [{ scopeSpans: [{ spans: [span('1', undefined, 0, 1)] }] }] });
    expect(trace.services).toEqual(['unknown_service']);
  });

  it('decodes attributes on demand, span attributes over resource attributes', () => {
    const trace = buildTrace(healthyTrace());
    const charge = trace.spans.find((s) => s.service === 'payments' && s.kind === 'server');
    expect(charge && spanAttributes(charge)).toMatchObject({ 'service.name': 'payments', 'http.route': '/charge' });
  });

  it('handles a 100,000-span call chain without recursion limits', () => {
    const n = 100_000;
    const spans = Array.from({ length: n }, (_, i) =>
      span((i + 1).toString(16), i === 0 ? undefined : i.toString(16), i / 1000, 200 - i / 1000)
    );
    const trace = buildTrace(otlp('svc', spans));
    expect(trace.spans).toHaveLength(n);
    expect(get(trace, n.toString(16))?.depth).toBe(n - 1);
    expect(trace.criticalPath.length).toBeGreaterThanOrEqual(n);
    expect(trace.issues).toEqual([]);
  });

  it('handles 100,000 children of one parent', () => {
    const n = 100_000;
    const spans = [
      span('1', undefined, 0, 1000),
      ...Array.from({ length: n }, (_, i) => span((i + 2).toString(16), '1', i / 100, i / 100 + 5)),
    ];
    const trace = buildTrace(otlp('svc', spans));
    expect(get(trace, '1')?.children).toHaveLength(n);
    expect(get(trace, '1')?.selfTimeMs).toBeCloseTo(0, 6);
  });

  it('builds a large synthetic trace with every span linked', () => {
    const trace = buildTrace(syntheticTrace({ spans: 20_000, seed: 7 }) as OtlpTraceJson);
    expect(trace.spans).toHaveLength(20_000);
    expect(trace.roots).toHaveLength(1);
    expect(trace.issues).toEqual([]);
  });
});
