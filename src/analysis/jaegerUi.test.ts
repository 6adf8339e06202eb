import {
  type RecordedPattern,
  RECORDED_PATTERNS,
  RECORDED_PATTERN_TRACES,
  REFUND_ORIGIN,
  fixtureBaselines,
  jaegerRecording,
  jaegerRecordingInfo,
  toTempoJson,
} from './fixtures';
import { analyzeTrace } from './analyze';
import { jaegerUiTraceToOtlp } from './jaegerUi';
import { decodeAttributes, decodeUnixNanosToMs } from './otlp';
import { type Trace, TraceFormatError, buildTrace, ownAttributes, resourceAttributes } from './trace';

/** What was sent to Jaeger when recording: the same SDK-recorded patterns. */
const SENT = RECORDED_PATTERN_TRACES;

/** The OTLP resource spans Jaeger's `/api/v3/traces/{id}` answered, under `result`. */
function v3(pattern: RecordedPattern): { resourceSpans: unknown[] } {
  return (jaegerRecording(`v3-trace-${pattern}`).body as { result: { resourceSpans: unknown[] } }).result;
}

/** The one trace of the UI API's `/api/traces/{id}` answer, converted. */
function ui(pattern: RecordedPattern) {
  const [trace] = (jaegerRecording(`ui-trace-${pattern}`).body as { data: unknown[] }).data;
  return jaegerUiTraceToOtlp(trace);
}

/**
 * Everything the model says about a trace, spans by id, in a form `toEqual` compares; `time` wraps
 * each time so a comparison can allow for a coarser clock.
 */
function describeModel(trace: Trace, time: (ms: number) => unknown = (ms) => ms) {
  return {
    traceId: trace.traceId,
    startUnixMs: time(trace.startUnixMs),
    durationMs: time(trace.durationMs),
    root: trace.root?.id,
    services: [...trace.services].sort(),
    issues: trace.issues,
    criticalPath: trace.criticalPath.map((s) => [s.span.id, time(s.startMs), time(s.endMs)]),
    spans: [...trace.spans]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((s) => ({
        id: s.id,
        parentId: s.parentId,
        name: s.name,
        service: s.service,
        kind: s.kind,
        status: s.status,
        statusMessage: s.statusMessage,
        startMs: time(s.startMs),
        endMs: time(s.endMs),
        depth: s.depth,
        selfTimeMs: time(s.selfTimeMs),
        attributes: ownAttributes(s),
        resource: resourceAttributes(s),
      })),
  };
}

interface EventOrLink {
  span: string;
  name?: string;
  timeMs?: number;
  traceId?: string;
  spanId?: string;
  attributes: Record<string, unknown>;
}

/** Events and links of every span (the model leaves them out), decoded so both JSON spellings compare equal. */
function eventsAndLinks(otlp: { resourceSpans: readonly unknown[] }) {
  const events: EventOrLink[] = [];
  const links: EventOrLink[] = [];
  for (const rs of otlp.resourceSpans as Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }>) {
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const id = span.spanId as string;
        for (const e of (span.events as Array<Record<string, unknown>> | undefined) ?? []) {
          events.push({
            span: id,
            name: e.name as string,
            timeMs: decodeUnixNanosToMs(e.timeUnixNano),
            attributes: decodeAttributes(e.attributes),
          });
        }
        for (const l of (span.links as Array<Record<string, unknown>> | undefined) ?? []) {
          links.push({
            span: id,
            traceId: l.traceId as string,
            spanId: l.spanId as string,
            attributes: decodeAttributes(l.attributes),
          });
        }
      }
    }
  }
  const order = (a: EventOrLink, b: EventOrLink) => (a.span + (a.name ?? '') < b.span + (b.name ?? '') ? -1 : 1);
  return { events: events.sort(order), links: links.sort(order) };
}

/** Findings as a responder sees them. */
function findingsOf(trace: Trace) {
  return analyzeTrace(trace, { baselines: fixtureBaselines() }).findings.map((f) => ({
    rule: f.rule,
    severity: f.severity,
    spanIds: f.spanIds,
    measured: f.measured,
    explanation: f.explanation,
  }));
}

describe('traces recorded from a real Jaeger v2', () => {
  it('were recorded from the patterns this suite compares them with', () => {
    const { jaeger, traceIds } = jaegerRecordingInfo();
    expect(jaeger).toMatch(/v?1\.76\.0|2\.13\.0/);
    for (const pattern of RECORDED_PATTERNS) {
      expect(traceIds[pattern]).toBe(buildTrace(SENT[pattern]()).traceId);
    }
  });

  describe.each(RECORDED_PATTERNS)('%s', (pattern) => {
    const sent = buildTrace(SENT[pattern]());

    it('comes through /api/v3 into the same model as the OTLP the SDK sent', () => {
      expect(describeModel(buildTrace(v3(pattern)))).toEqual(describeModel(sent));
    });

    it('comes through the UI API and the converter into the same model, to the microsecond', () => {
      // The UI API counts in whole microseconds; the SDK's float clock leaves sub-microsecond digits.
      const toTheMicrosecond = (ms: number) => expect.closeTo(ms, 2);
      expect(describeModel(buildTrace(ui(pattern)))).toEqual(describeModel(sent, toTheMicrosecond));
    });

    it('gives every rule the same findings from Tempo’s JSON, /api/v3 and the UI API', () => {
      const expected = findingsOf(sent);
      expect(findingsOf(buildTrace(toTempoJson(SENT[pattern]())))).toEqual(expected);
      expect(findingsOf(buildTrace(v3(pattern)))).toEqual(expected);
      expect(findingsOf(buildTrace(ui(pattern)))).toEqual(expected);
    });
  });

  it('keeps events exactly, in both APIs', () => {
    const expected = eventsAndLinks(SENT['refund-queue']()).events;
    expect(expected.map((e) => e.name).sort()).toEqual(['exception', 'refund.accepted']);
    expect(eventsAndLinks(v3('refund-queue')).events).toEqual(expected);
    expect(eventsAndLinks(ui('refund-queue')).events).toEqual(expected);
  });

  it('keeps links with their attributes through /api/v3; the UI API keeps the linked ids only', () => {
    const expected = eventsAndLinks(SENT['refund-queue']()).links;
    expect(expected).toEqual([
      expect.objectContaining({ ...REFUND_ORIGIN, attributes: { 'link.reason': 'queued-by' } }),
    ]);
    expect(eventsAndLinks(v3('refund-queue')).links).toEqual(expected);
    // Jaeger's OTLP→Jaeger translation turns a link into a FOLLOWS_FROM reference and drops its attributes.
    expect(eventsAndLinks(ui('refund-queue')).links).toEqual(expected.map((link) => ({ ...link, attributes: {} })));
  });

  it('reads every span kind and the scope the spans were recorded with from the UI API', () => {
    const converted = ui('refund-queue');
    const kinds = converted.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => s.kind)));
    expect([...new Set(kinds)].sort()).toEqual([1, 2, 3, 4, 5]);
    const scopes = converted.resourceSpans.flatMap((rs) => rs.scopeSpans.map((ss) => ss.scope));
    expect(new Set(scopes.map((s) => `${s.name}@${s.version}`))).toEqual(new Set(['tracing-ops-fixtures@1.0.0']));
  });

  it('pads the UI API’s 16-digit trace ids (high bits zero) back to 32', () => {
    const [trace] = (jaegerRecording('ui-trace-plain-error').body as { data: Array<{ traceID: string }> }).data;
    expect(trace!.traceID).toHaveLength(16);
    expect(buildTrace(ui('plain-error')).traceId).toBe(jaegerRecordingInfo().traceIds['plain-error']);
  });
});

describe('jaegerUiTraceToOtlp', () => {
  it('refuses what is not a Jaeger trace', () => {
    expect(() => jaegerUiTraceToOtlp({ data: [] })).toThrow(TraceFormatError);
    expect(() => jaegerUiTraceToOtlp(null)).toThrow(TraceFormatError);
  });

  it('takes the first same-trace CHILD_OF as the parent and a true error tag as the status, like Jaeger', () => {
    const otlp = jaegerUiTraceToOtlp({
      traceID: 'abc',
      spans: [
        {
          spanID: '2',
          operationName: 'legacy',
          startTime: 1_000_000,
          duration: 1500,
          processID: 'p1',
          references: [
            { refType: 'FOLLOWS_FROM', traceID: 'abc', spanID: '9' },
            { refType: 'CHILD_OF', traceID: 'abc', spanID: '1' },
          ],
          tags: [
            { key: 'error', type: 'bool', value: true },
            { key: 'otel.status_code', type: 'string', value: 'OK' },
            { key: 'http.status_code', type: 'int64', value: 503 },
          ],
        },
      ],
      processes: { p1: { serviceName: 'billing', tags: [{ key: 'host.name', type: 'string', value: 'b-1' }] } },
    });
    const span = otlp.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span).toMatchObject({
      traceId: '00000000000000000000000000000abc',
      spanId: '0000000000000002',
      parentSpanId: '0000000000000001',
      kind: 0,
      status: { code: 2 },
      startTimeUnixNano: '1000000000',
      endTimeUnixNano: '1001500000',
      links: [{ traceId: '00000000000000000000000000000abc', spanId: '0000000000000009', attributes: [] }],
    });
    expect(decodeAttributes(span.attributes)).toEqual({ 'http.status_code': 503 });
    expect(decodeAttributes(otlp.resourceSpans[0]!.resource.attributes)).toEqual({
      'service.name': 'billing',
      'host.name': 'b-1',
    });
  });

  it('marks a span with broken timestamps invalid instead of inventing times', () => {
    const otlp = jaegerUiTraceToOtlp({
      traceID: 'abc',
      spans: [{ spanID: '1', operationName: 'x', startTime: -5, duration: 1, processID: 'p1' }],
      processes: {},
    });
    expect(buildTrace(otlp).issues).toEqual([{ kind: 'invalid-span', count: 1, exampleSpanIds: ['0000000000000001'] }]);
  });
});
