/**
 * Each demo fault must reproduce the incident its anomaly rule is written for: the services run on
 * loopback with an in-memory exporter, a request goes through them over real HTTP, and the exported
 * spans — serialised to OTLP/JSON as an exporter sends them — go through the analysis the app uses.
 */
import {
  type Baselines,
  type Finding,
  type TraceAnalysis,
  compareAttributes,
  compileRedaction,
  resolveAnalysisSettings,
} from '../src/analysis';
import type { FaultName } from './faults';
import { SLOW_SHARD, ledgerRegion } from './ledger/regions';
import type { Tuning } from './services/kit';
import { type InMemoryDemo, TEST_TUNING, baselinesOf, startInMemoryDemo } from './testing/inMemoryDemo';

let stack: InMemoryDemo | undefined;

afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function runWith(faults: FaultName[] = [], tuning: Partial<Tuning> = {}): Promise<InMemoryDemo> {
  stack = await startInMemoryDemo(faults, tuning);
  return stack;
}

/** Baselines from a few healthy checkouts; their traces are then forgotten. */
async function healthyBaselines(demo: InMemoryDemo): Promise<Baselines> {
  for (let i = 0; i < 5; i++) {
    expect((await demo.checkout()).status).toBe(200);
  }
  const baselines = baselinesOf(demo.analysedTraces());
  demo.forgetTraces();
  return baselines;
}

function finding(analysis: TraceAnalysis | undefined, rule: Finding['rule']): Finding {
  const found = analysis?.findings.find((f) => f.rule === rule);
  if (!found) {
    throw new Error(`no ${rule} finding; found ${JSON.stringify(analysis?.findings.map((f) => f.rule))}`);
  }
  return found;
}

function evidence(analysis: TraceAnalysis, found: Finding): string[] {
  return found.spanIds.map((id) => {
    const span = analysis.trace.spanById(id);
    return `${span?.service} ${span?.name}`;
  });
}

describe('the healthy demo', () => {
  it('carries one checkout through gateway → auth → payments → fraud as one trace, with nothing to flag', async () => {
    const demo = await runWith();
    expect((await demo.checkout()).status).toBe(200);

    const [trace, ...others] = demo.analysedTraces();
    expect(others).toHaveLength(0);
    expect(trace?.trace.root?.name).toBe('POST /checkout');
    expect([...(trace?.trace.services ?? [])].sort()).toEqual(['auth', 'fraud', 'gateway', 'payments']);
    expect(trace?.findings).toEqual([]);
  });

  it('starts a trace in payments for a refund sent straight to it, so a payments sampling spike has traces to sample', async () => {
    const demo = await runWith();
    expect((await demo.refund()).status).toBe(200);

    const [trace] = demo.analysedTraces();
    expect(trace?.trace.root).toMatchObject({ service: 'payments', name: 'POST /refunds', kind: 'server' });
  });

  it('logs JSON lines that carry the trace and span ids of the request', async () => {
    const demo = await runWith();
    await demo.checkout();

    const [trace] = demo.analysedTraces();
    const paymentsLine = demo.logLines
      .map((line) => JSON.parse(line))
      .find((record) => record.service === 'payments' && record.msg === 'POST /payments 200');
    const paymentsServer = trace?.trace.spans.find((s) => s.service === 'payments' && s.kind === 'server');
    expect(paymentsLine).toMatchObject({ trace_id: trace?.trace.traceId, span_id: paymentsServer?.id, level: 'info' });
  });
});

describe('the demo faults', () => {
  it('poolExhaustion: requests wait in db.pool.acquire far beyond its baseline, which the slow rule flags', async () => {
    const demo = await runWith();
    const baselines = await healthyBaselines(demo);
    demo.demo.faults.payments!.apply({ poolExhaustion: true });
    expect((await demo.checkout()).status).toBe(200);

    // One connection that comes back only after leakMs: the payment's second transaction waits for it.
    const [trace] = demo.analysedTraces({ baselines });
    const worstSlow = trace!.findings.filter((f) => f.rule === 'slow')[0];
    expect(evidence(trace!, worstSlow!)).toEqual(['payments db.pool.acquire']);
    expect(worstSlow!.measured).toBeGreaterThanOrEqual(TEST_TUNING.leakMs * 0.9);
  });

  it('poolExhaustion: a request that gets no connection in time fails at db.pool.acquire, where the error rule points', async () => {
    const demo = await runWith(['poolExhaustion'], { acquireTimeoutMs: 100 });
    expect((await demo.checkout()).status).toBe(502);

    const [trace] = demo.analysedTraces();
    const error = finding(trace, 'error');
    expect(evidence(trace!, error)).toEqual(['payments db.pool.acquire']);
    expect(error.explanation).toContain('no ledger connection free within 100 ms');
  });

  it('nPlusOne: the history is read one query per row under one parent, which the wide rule flags', async () => {
    const demo = await runWith(['nPlusOne']);
    expect((await demo.checkout()).status).toBe(200);

    const [trace] = demo.analysedTraces();
    const wide = finding(trace, 'wide');
    expect(wide.measured).toBe(TEST_TUNING.historyRows + 1);
    // The row's link lands on the first repeated call; the parent that made them comes last.
    const spans = evidence(trace!, wide);
    expect(spans[0]).toBe('payments SELECT ledger_entries');
    expect(spans.at(-1)).toBe('payments POST /payments');
    expect(wide.explanation).toContain('`SELECT ledger_entries`');
  });

  it('swallowedErrors: payments retries the failing fraud call and answers OK, which the retry-storm and swallowed-error rules flag', async () => {
    const demo = await runWith(['swallowedErrors']);
    const response = await demo.checkout();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ payment: { status: 'approved' } });

    const [trace] = demo.analysedTraces();
    expect(trace!.trace.root?.status).not.toBe('error');
    const retries = finding(trace, 'retry-storm');
    expect(retries).toMatchObject({ measured: 3, severity: 'critical' });
    expect(evidence(trace!, retries)).toEqual([
      'payments POST /payments',
      'payments POST /score',
      'payments POST /score',
      'payments POST /score',
    ]);
    expect(evidence(trace!, finding(trace, 'swallowed-error'))[0]).toBe('payments POST /payments');
  });

  it('slowDownstream: fraud scoring takes seconds, which the long rule and the slow rule (at the model) flag', async () => {
    const demo = await runWith();
    const baselines = await healthyBaselines(demo);
    demo.demo.faults.fraud!.apply({ slowDownstream: true });
    expect((await demo.checkout()).status).toBe(200);

    const settings = resolveAnalysisSettings({ longTraceMs: TEST_TUNING.slowScoreMs * 0.8 });
    const [trace] = demo.analysedTraces({ settings, baselines });
    expect(evidence(trace!, finding(trace, 'long'))).toEqual(['gateway POST /checkout']);
    const worstSlow = trace!.findings.filter((f) => f.rule === 'slow')[0];
    expect(evidence(trace!, worstSlow!)).toEqual(['fraud predict risk']);
  });

  it('slowLedgerShard: only eu-west accounts are slow, and comparing the flagged traces with the rest finds ledger.region = eu-west', async () => {
    const demo = await runWith();
    const accounts = Array.from({ length: 18 }, (_, i) => `acct-${i}`);
    const slow = accounts.filter((a) => ledgerRegion(a) === SLOW_SHARD);
    expect(slow.length).toBeGreaterThanOrEqual(4);
    const checkoutAll = async () => {
      for (const account of accounts) {
        expect((await demo.checkout(account)).status).toBe(200);
      }
    };
    // Baselines over every account, and a floor far below the slow shard but above a busy machine's jitter.
    await checkoutAll();
    const baselines = baselinesOf(demo.analysedTraces());
    demo.forgetTraces();
    const settings = resolveAnalysisSettings({ slowMinDurationMs: TEST_TUNING.slowShardStatementMs * 0.4 });
    demo.demo.faults.payments!.apply({ slowLedgerShard: true });
    await checkoutAll();

    const analyses = demo.analysedTraces({ baselines, settings });
    const flagged = analyses.filter((a) => a.findings.length > 0).map((a) => a.trace);
    const normal = analyses.filter((a) => a.findings.length === 0).map((a) => a.trace);
    // Status and durations define what is flagged; the question is what else the flagged traces share.
    const ignore = (['status', 'duration', 'traceDuration'] as const).map(
      (key) => ({ scope: 'intrinsic', key }) as const
    );
    const comparison = compareAttributes(flagged, normal, { redactor: compileRedaction(), ignore });
    expect(comparison.ranked[0]).toMatchObject({
      attribute: { scope: 'span', key: 'ledger.region' },
      value: SLOW_SHARD,
      selection: { count: slow.length },
      baseline: { count: 0 },
    });
    // The per-request id is noted as near-unique, never ranked.
    expect(comparison.highCardinality.map((note) => note.attribute.key)).toContain('request.id');
    expect(comparison.ranked.some((value) => value.attribute.key === 'request.id')).toBe(false);
  }, 30_000);

  it('switches at run time through POST /faults on the service that injects it', async () => {
    const demo = await runWith();
    const post = (body: object) =>
      fetch(`${demo.demo.urls.fraud}/faults`, { method: 'POST', body: JSON.stringify(body) });

    expect(await (await post({ slowDownstream: true })).json()).toEqual({
      service: 'fraud',
      faults: { swallowedErrors: false, slowDownstream: true },
    });
    const misdirected = await post({ poolExhaustion: true });
    expect(misdirected.status).toBe(400);
    expect(await misdirected.json()).toEqual({ error: 'fraud does not inject poolExhaustion; send it to payments' });
    expect(demo.demo.faults.fraud?.isOn('slowDownstream')).toBe(true);
  });
});
