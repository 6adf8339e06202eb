import {
  AnalysisSettingsError,
  DEFAULT_ANALYSIS_SETTINGS,
  DEFAULT_REDACTION_SETTINGS,
  RULES,
  analyzeTrace,
  baselineKey,
  baselinesFromPrometheus,
  buildTrace,
  compileRedaction,
  rankTraces,
  redactTrace,
  resolveAnalysisSettings,
  type Finding,
  type RuleId,
  type Trace,
  type TraceAnalysis,
} from './index';
import {
  DEEP_CHAIN_SERVICES,
  N_PLUS_ONE_QUERIES,
  call,
  connectionPoolWait,
  deepCallChain,
  fixtureBaselines,
  healthyTrace,
  nPlusOneAfterRelease,
  plainError,
  recordTrace,
  swallowedErrorsWithRetries,
  toTempoJson,
} from './fixtures';

const baselines = fixtureBaselines();

function analyze(otlp: unknown, settings = DEFAULT_ANALYSIS_SETTINGS): TraceAnalysis {
  return analyzeTrace(otlp, { baselines, settings });
}

function only(analysis: TraceAnalysis, rule: RuleId): Finding {
  const found = analysis.findings.filter((f) => f.rule === rule);
  expect(found).toHaveLength(1);
  return found[0]!;
}

function spanNamed(trace: Trace, service: string, name: string, kind?: string) {
  return trace.spans.find((s) => s.service === service && s.name === name && (kind === undefined || s.kind === kind));
}

describe('the healthy trace', () => {
  const healthy = analyze(healthyTrace());

  it('has no findings, even with p99 baselines', () => {
    expect(healthy.findings).toEqual([]);
    expect(healthy.score).toBe(0);
    expect(healthy.worstSeverity).toBeUndefined();
  });

  it.each(RULES.map((r) => r.id))('is not flagged by the %s rule', (id) => {
    expect(healthy.findings.filter((f) => f.rule === id)).toEqual([]);
  });
});

describe('error rule', () => {
  it('points at the deepest error span whose children did not fail', () => {
    const a = analyze(plainError());
    const f = only(a, 'error');
    const origin = spanNamed(a.trace, 'payments', 'db.query');
    expect(f.spanIds[0]).toBe(origin?.id);
    expect(f.severity).toBe('critical');
    expect(f.measured).toBe(4);
    expect(f.explanation).toBe('`payments db.query` failed: deadlock detected (deepest origin of 4 error spans)');
  });

  it('does not call an error swallowed when it reaches the root', () => {
    expect(analyze(plainError()).findings.map((f) => f.rule)).not.toContain('swallowed-error');
  });
});

describe('swallowed-error rule', () => {
  it('flags the span that absorbed failing calls under an OK root', () => {
    const a = analyze(swallowedErrorsWithRetries());
    const f = only(a, 'swallowed-error');
    const charge = spanNamed(a.trace, 'payments', 'POST /charge', 'server');
    expect(f.spanIds[0]).toBe(charge?.id);
    expect(f.spanIds).toHaveLength(5);
    expect(f.explanation).toBe(
      '`payments POST /charge` swallowed 4 errors from `POST /score`; the root `gateway GET /checkout` reports no error'
    );
  });
});

describe('retry-storm rule', () => {
  it('flags the same failing call repeated under one parent', () => {
    const f = only(analyze(swallowedErrorsWithRetries()), 'retry-storm');
    expect(f).toMatchObject({ severity: 'critical', measured: 4, threshold: 3, unit: 'calls' });
    expect(f.explanation).toBe('`payments POST /charge` called `POST /score` 4 times and 4 failed');
  });

  it('leaves repeated calls alone while fewer than the minimum fail', () => {
    const settings = resolveAnalysisSettings({ retryMinErrors: 3, retryMinAttempts: 5 });
    expect(analyze(swallowedErrorsWithRetries(), settings).findings.map((f) => f.rule)).not.toContain('retry-storm');
  });
});

describe('bottleneck rule', () => {
  it('flags a span that holds 90% of the critical path as a bottleneck', () => {
    const a = analyze(connectionPoolWait());
    const f = only(a, 'bottleneck');
    expect(f.spanIds).toEqual([spanNamed(a.trace, 'payments', 'pool.acquire')?.id]);
    expect(f.measured).toBeCloseTo(2300 / 2520, 6);
    expect(f.threshold).toBe(0.8);
    expect(f.explanation).toBe(
      '`payments pool.acquire` spends 2300 ms of its own time on the critical path, 91% of the trace'
    );
  });

  // The fresh stack's fast `fraud POST /score` trace: a model call holds 99% of 15 ms, which is its normal shape.
  const fastScoring = () =>
    recordTrace(
      {
        service: 'fraud',
        name: 'POST /score',
        kind: 'server',
        at: 0,
        duration: 15.1,
        children: [{ service: 'fraud', name: 'model.predict', at: 0.05, duration: 15 }],
      },
      { seed: 0x51 }
    );

  it('does not flag a span that holds nearly all of a fast trace: its own time is under the floor', () => {
    expect(analyze(fastScoring()).findings).toEqual([]);
    const noFloor = resolveAnalysisSettings({ bottleneckMinSelfMs: 0 });
    expect(analyzeTrace(fastScoring(), { settings: noFloor }).findings.map((f) => f.rule)).toEqual(['bottleneck']);
  });

  it('does not flag a single-span trace, which trivially holds its own time', () => {
    const single = healthyTrace().resourceSpans.find((rs) => rs.scopeSpans[0]?.spans.some((s) => !s.parentSpanId));
    const root = single?.scopeSpans[0]?.spans.find((s) => !s.parentSpanId);
    const a = analyze({ resourceSpans: [{ resource: single?.resource, scopeSpans: [{ spans: [root] }] }] });
    expect(a.trace.spans).toHaveLength(1);
    expect(a.findings).toEqual([]);
  });
});

describe('slow rule', () => {
  it('flags spans above the p99 of their service and operation by the configured factor', () => {
    const a = analyze(connectionPoolWait());
    const slow = a.findings.filter((f) => f.rule === 'slow');
    const charge = slow.find((f) => f.spanIds[0] === spanNamed(a.trace, 'payments', 'POST /charge', 'server')?.id);
    expect(charge).toMatchObject({ measured: 2488, threshold: 400, unit: 'ms', severity: 'warning' });
    expect(charge?.explanation).toBe('`payments POST /charge` took 2488 ms, 12.4× its p99 of 200 ms');
  });

  it('counts repeated slow spans of one operation in a single finding', () => {
    const slow = analyze(swallowedErrorsWithRetries()).findings.filter((f) => f.rule === 'slow');
    expect(slow.find((f) => f.explanation.startsWith('`fraud POST /score`'))?.explanation).toMatch(/\(4 such spans\)$/);
  });

  describe('on a call recorded as a client span around the server span of the callee', () => {
    /** `gateway` calls `payments POST /charge` for 250 ms; the server span is 1 ms inside on each side, 248 ms. */
    const checkoutCalling = (network = 1) =>
      recordTrace(
        {
          service: 'gateway',
          name: 'GET /checkout',
          kind: 'server',
          at: 0,
          duration: 260,
          children: [call('gateway', 'payments', 'POST /charge', 5, 250, {}, network)],
        },
        { seed: 7 }
      );
    const p99 = (client: number, server: number) =>
      new Map([
        [baselineKey('gateway', 'POST /charge'), client],
        [baselineKey('payments', 'POST /charge'), server],
      ]);
    const slowFindings = (otlp: unknown, b: Map<string, number>) =>
      analyzeTrace(otlp, { baselines: b }).findings.filter((f) => f.rule === 'slow');

    it('reports the slow call once, on the server span of the callee', () => {
      const otlp = checkoutCalling();
      const slow = slowFindings(otlp, p99(100, 100));
      expect(slow).toHaveLength(1);
      expect(slow[0]?.spanIds).toEqual([spanNamed(buildTrace(otlp), 'payments', 'POST /charge', 'server')?.id]);
      expect(slow[0]?.explanation).toBe('`payments POST /charge` took 248 ms, 2.5× its p99 of 100 ms');
    });

    it('reports the client span when the server span is within its own baseline', () => {
      const otlp = checkoutCalling();
      const slow = slowFindings(otlp, p99(100, 200));
      expect(slow.map((f) => f.spanIds[0])).toEqual([
        spanNamed(buildTrace(otlp), 'gateway', 'POST /charge', 'client')?.id,
      ]);
    });

    it('reports both when the time outside the server span is slow by itself', () => {
      // 60 ms of network on each side: 120 ms the callee never saw, over the client's 2 × 50 ms.
      const slow = slowFindings(checkoutCalling(60), p99(50, 50));
      expect(slow.map((f) => f.explanation.split(' took')[0]).sort()).toEqual([
        '`gateway POST /charge`',
        '`payments POST /charge`',
      ]);
    });
  });

  it('stays silent without baselines', () => {
    expect(analyzeTrace(connectionPoolWait()).findings.map((f) => f.rule)).not.toContain('slow');
  });
});

describe('wide rule', () => {
  it('flags an N+1: one parent calling the same query over and over', () => {
    const a = analyze(nPlusOneAfterRelease());
    const f = only(a, 'wide');
    // The repeated call first (where the list's link lands), the parent last.
    const queries = a.trace.spans.filter((s) => s.name === 'db.query').sort((x, y) => x.startMs - y.startMs);
    expect(f.spanIds[0]).toBe(queries[0]?.id);
    expect(f.spanIds.at(-1)).toBe(spanNamed(a.trace, 'payments', 'POST /charge', 'server')?.id);
    expect(f).toMatchObject({ measured: N_PLUS_ONE_QUERIES, threshold: 10, severity: 'warning' });
    expect(f.explanation).toBe('`payments POST /charge` called `db.query` 112 times under one parent');
    expect(a.findings.map((x) => x.rule)).toEqual(['wide']);
  });

  it('follows the configured threshold', () => {
    const settings = resolveAnalysisSettings({ wideMinSiblings: 113 });
    expect(analyze(nPlusOneAfterRelease(), settings).findings).toEqual([]);
  });
});

describe('deep rule', () => {
  it('flags a call path with more service hops than allowed and names the services', () => {
    const f = only(analyze(deepCallChain()), 'deep');
    expect(f).toMatchObject({ measured: DEEP_CHAIN_SERVICES.length - 1, threshold: 8, severity: 'info' });
    expect(f.explanation).toBe(
      'one call path crosses 10 service hops: gateway → edge-auth → catalog → … → ledger → audit'
    );
  });
});

describe('long rule', () => {
  it('flags a trace above the absolute bound', () => {
    const settings = resolveAnalysisSettings({ longTraceMs: 2000 });
    const f = only(analyze(connectionPoolWait(), settings), 'long');
    expect(f).toMatchObject({ measured: 2520, threshold: 2000 });
    expect(f.explanation).toBe('the trace took 2520 ms, above the 2000 ms limit');
  });

  it('does not flag the 2.5 s pool wait under the 5 s default', () => {
    expect(analyze(connectionPoolWait()).findings.map((f) => f.rule)).not.toContain('long');
  });
});

describe('findings', () => {
  it('are the same for Tempo JSON as for OTLP JSON', () => {
    const otlp = swallowedErrorsWithRetries();
    expect(analyze(toTempoJson(otlp)).findings).toEqual(analyze(otlp).findings);
  });

  it('are capped per rule, keeping the furthest past the threshold', () => {
    const settings = resolveAnalysisSettings({ maxFindingsPerRule: 1 });
    const slow = analyze(connectionPoolWait(), settings).findings.filter((f) => f.rule === 'slow');
    expect(slow).toHaveLength(1);
    expect(slow[0]?.explanation).toMatch(/^`payments pool.acquire`/);
  });

  it('list critical findings before warnings', () => {
    const severities = analyze(swallowedErrorsWithRetries()).findings.map((f) => f.severity);
    expect(severities).toEqual(
      [...severities].sort(
        (a, b) => ['critical', 'warning', 'info'].indexOf(a) - ['critical', 'warning', 'info'].indexOf(b)
      )
    );
    expect(severities[0]).toBe('critical');
  });

  it('are empty for an empty trace', () => {
    expect(analyze({ resourceSpans: [] }).findings).toEqual([]);
  });

  it('accept a trace that was already built', () => {
    const trace = buildTrace(plainError());
    expect(analyzeTrace(trace).trace).toBe(trace);
  });

  it('refuse a trace that buildTrace did not make: the rules read its span table', () => {
    const displayCopy = redactTrace(buildTrace(plainError()), compileRedaction(DEFAULT_REDACTION_SETTINGS));
    expect(() => analyzeTrace(displayCopy)).toThrow(TypeError);
  });
});

describe('rankTraces', () => {
  it('puts failing traces first, then warnings by how far past the threshold, healthy last', () => {
    const ranked = rankTraces([
      analyze(healthyTrace(11)),
      analyze(deepCallChain()),
      analyze(nPlusOneAfterRelease()),
      analyze(plainError()),
      analyze(connectionPoolWait()),
      analyze(swallowedErrorsWithRetries()),
    ]);
    expect(ranked.map((a) => a.trace.traceId.replace(/^0+/, ''))).toEqual(['4', '6', '2', '3', '5', 'b']);
  });

  it('orders traces with equal findings by duration, then trace id', () => {
    const a = analyze(healthyTrace(0xa));
    const b = analyze(healthyTrace(0xb));
    expect(rankTraces([b, a]).map((x) => x.trace.traceId)).toEqual([a.trace.traceId, b.trace.traceId]);
  });
});

describe('resolveAnalysisSettings', () => {
  it('returns the documented defaults', () => {
    expect(resolveAnalysisSettings()).toEqual({
      longTraceMs: 5000,
      slowFactor: 2,
      slowMinDurationMs: 10,
      wideMinSiblings: 10,
      deepMaxServiceHops: 8,
      bottleneckShare: 0.8,
      bottleneckMinSelfMs: 100,
      retryMinAttempts: 3,
      retryMinErrors: 2,
      maxFindingsPerRule: 5,
    });
  });

  it.each([
    [{ bottleneckShare: 1.5 }, /bottleneckShare/],
    [{ wideMinSiblings: 2.5 }, /wideMinSiblings/],
    [{ longTraceMs: Number.NaN }, /longTraceMs/],
    [{ slowFactor: '2' as unknown as number }, /slowFactor/],
    [{ retryMinErrors: 4, retryMinAttempts: 3 }, /retryMinErrors cannot exceed/],
  ])('rejects %j naming the field', (overrides, message) => {
    expect(() => resolveAnalysisSettings(overrides)).toThrow(AnalysisSettingsError);
    expect(() => resolveAnalysisSettings(overrides)).toThrow(message);
  });
});

describe('baselinesFromPrometheus', () => {
  it('reads p99 seconds by service and span name as milliseconds, skipping NaN and unlabelled series', () => {
    const b = baselinesFromPrometheus([
      { metric: { service: 'payments', span_name: 'POST /charge' }, value: [1700000000, '0.25'] },
      { metric: { service: 'payments', span_name: 'idle' }, value: [1700000000, 'NaN'] },
      { metric: { service: 'payments' }, value: [1700000000, '1'] },
      { metric: { service: 'fraud', span_name: 'POST /score' }, value: [1700000000, '+Inf'] },
    ]);
    expect([...b]).toEqual([[baselineKey('payments', 'POST /charge'), 250]]);
  });
});
