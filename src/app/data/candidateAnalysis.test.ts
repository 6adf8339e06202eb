import { MessageChannel, type MessagePort } from 'node:worker_threads';

import {
  DEFAULT_ANALYSIS_SETTINGS,
  DEFAULT_REDACTION_SETTINGS,
  REDACTED,
  analyzeTrace,
  compileRedaction,
  rankTraces,
} from '../../analysis';
import {
  type OtlpTraceJson,
  connectionPoolWait,
  deepCallChain,
  healthyTrace,
  nPlusOneAfterRelease,
  plainError,
  swallowedErrorsWithRetries,
  syntheticTrace,
  toTempoJson,
} from '../../analysis/fixtures';
import { serviceName } from '../../queries';
import {
  type AnomalousTrace,
  type CandidateAnalysisEvent,
  type CandidateAnalysisRequest,
  type TempoCandidate,
  listRow,
  startCandidateAnalysis,
} from './candidateAnalysis';
import { type JaegerSearchesCandidate, selectJaegerCandidates } from './jaegerCandidateSelection';
import {
  type AnalysisWorker,
  type CandidateAnalysisMessage,
  type MessageEndpoint,
  serveCandidateAnalysis,
  workerAnalysis,
} from './candidateAnalysisProtocol';
import { rankRows } from './anomalousTraces';

const request: CandidateAnalysisRequest = {
  settings: DEFAULT_ANALYSIS_SETTINGS,
  redaction: DEFAULT_REDACTION_SETTINGS,
  baselines: new Map(),
};

const traceIdOf = (trace: OtlpTraceJson) => trace.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId;
/** Tempo's trace-by-id answer as the client hands it on: the bytes undecoded, and where they came from. */
const tempoAnswer = (traceId: string, body: string): TempoCandidate => ({
  format: 'tempo-answer',
  answer: {
    traceId,
    source: { dataSource: 'Tempo', name: 'Tempo (prod)', url: `/api/v2/traces/${traceId}` },
    // A buffer of this realm, as the page's fetch gives one.
    bytes: new Uint8Array(new TextEncoder().encode(body)).buffer,
  },
});
/** A trace as the page hands it on: Tempo's trace-by-id answer (base64 ids, string enums), undecoded. */
const tempo = (trace: OtlpTraceJson): TempoCandidate =>
  tempoAnswer(traceIdOf(trace), JSON.stringify(toTempoJson(trace)));

/** Jaeger's v3 search answer holding `traces`, as the client hands it on: the bytes undecoded. */
const jaegerAnswer = (traces: OtlpTraceJson[]) => ({
  search: { service: serviceName('checkout'), start: 0, end: 2_000_000_000, limit: 20 },
  answer: {
    format: 'otlp' as const,
    source: { dataSource: 'Jaeger' as const, name: 'Jaeger (prod)', url: '/api/v3/traces' },
    bytes: new Uint8Array(
      new TextEncoder().encode(JSON.stringify({ result: { resourceSpans: traces.flatMap((t) => t.resourceSpans) } }))
    ).buffer,
  },
});
/** A load's Jaeger searches: two answers sharing a trace, five distinct traces, a cap of four, a service left out. */
const jaegerSearches = (): JaegerSearchesCandidate => ({
  format: 'jaeger-searches',
  answers: [
    jaegerAnswer([plainError(), connectionPoolWait(), healthyTrace()]),
    jaegerAnswer([plainError(), nPlusOneAfterRelease(), deepCallChain()]),
  ],
  services: ['checkout'],
  servicesInScope: 2,
  filters: [],
  slowSpanMs: 500,
  start: 0,
  end: 2_000_000_000,
  maxTraces: 4,
});
/** The rows the page made of Jaeger's candidates before they went to the worker: selected, capped, analysed there. */
const jaegerRowsOnThePage = () =>
  selectJaegerCandidates(jaegerSearches()).traces.flatMap((trace) => {
    const analysis = analyzeTrace(trace);
    return analysis.findings.length > 0 ? [listRow(analysis, new Map(), compileRedaction(request.redaction))] : [];
  });

/** How a load of `jaegerSearches()` ends, in the worker or on the page: 2 services and 5 traces, capped to 1 and 4. */
const JAEGER_LOAD_DONE = {
  type: 'done',
  analysed: 4,
  found: 4,
  truncated: 'Left out 1 of 2 services and 1 of 5 traces',
} as const;

/** What the list should show for `traces`, from the engine directly: ranked ids and each one's worst rule. */
function expectedRows(traces: OtlpTraceJson[]) {
  return rankTraces(traces.map((t) => analyzeTrace(t)).filter((a) => a.findings.length > 0)).map((a) => ({
    traceId: a.trace.traceId,
    rule: a.findings[0]!.rule,
    explanation: a.findings[0]!.explanation,
  }));
}
const shown = (rows: AnomalousTrace[]) =>
  rankRows(rows).map((r) => ({ traceId: r.traceId, rule: r.worst.rule, explanation: r.worst.explanation }));

/** Collects events; `next(type)` resolves with the first event of that type it has not handed out yet. */
function recorder() {
  const events: CandidateAnalysisEvent[] = [];
  const handedOut = new Set<CandidateAnalysisEvent>();
  const waiting: Array<() => boolean> = [];
  const matches = (type: string, event: CandidateAnalysisEvent) =>
    event.type === type || (type === 'settled' && event.type !== 'rows');
  const emit = (event: CandidateAnalysisEvent) => {
    events.push(event);
    waiting.splice(0).forEach((w) => !w() && waiting.push(w));
  };
  const next = (type: CandidateAnalysisEvent['type'] | 'settled') =>
    new Promise<CandidateAnalysisEvent>((resolve) => {
      const take = () => {
        const event = events.find((e) => !handedOut.has(e) && matches(type, e));
        if (event) {
          handedOut.add(event);
          resolve(event);
        }
        return event !== undefined;
      };
      if (!take()) {
        waiting.push(take);
      }
    });
  const rows = () => events.flatMap((e) => (e.type === 'rows' ? e.rows : []));
  return { events, emit, next, rows };
}

/** The worker's end on one port of a real MessageChannel: messages are structured-cloned as between threads. */
function channel() {
  const { port1, port2 } = new MessageChannel();
  const ports: MessagePort[] = [port1, port2];
  serveCandidateAnalysis(port2 as unknown as MessageEndpoint<CandidateAnalysisMessage, CandidateAnalysisEvent>);
  let terminated = false;
  const worker = {
    postMessage: (message: CandidateAnalysisMessage, transfer?: ArrayBuffer[]) => port1.postMessage(message, transfer),
    addEventListener: (type: string, listener: (event: never) => void) =>
      type === 'message' && port1.addEventListener('message', listener as never),
    terminate: () => {
      terminated = true;
      port2.close();
    },
  } as unknown as AnalysisWorker;
  return { worker, ports, isTerminated: () => terminated };
}

const open: MessagePort[] = [];
afterEach(() => {
  open.splice(0).forEach((port) => port.close());
});

describe('the analysis worker protocol', () => {
  it('sends back the rows the engine finds, ranked as the engine ranks traces, and none for healthy traces', async () => {
    const traces = [healthyTrace(), connectionPoolWait(), plainError(), nPlusOneAfterRelease()];
    const { worker, ports, isTerminated } = channel();
    open.push(...ports);
    const seen = recorder();
    const analysis = workerAnalysis(worker, request, seen.emit);
    analysis.add(traces.map(tempo));
    analysis.end();

    const done = await seen.next('settled');
    expect(done).toEqual({ type: 'done', analysed: 4, found: 4 });
    // Done, the page frees the worker.
    expect(isTerminated()).toBe(true);
    expect(shown(seen.rows())).toEqual(expectedRows(traces));
    expect(seen.rows().map((r) => r.traceId)).not.toContain(traceIdOf(healthyTrace()));
  });

  it('streams: the rows of the first trace arrive before the next one is even sent', async () => {
    const { worker, ports } = channel();
    open.push(...ports);
    const seen = recorder();
    const analysis = workerAnalysis(worker, request, seen.emit);
    analysis.add([tempo(plainError())]);

    const first = await seen.next('rows');
    expect(first).toMatchObject({
      analysed: 1,
      rows: [{ traceId: traceIdOf(plainError()), worst: { rule: 'error' } }],
    });
    analysis.add([tempo(deepCallChain())]);
    analysis.end();
    expect(await seen.next('settled')).toEqual({ type: 'done', analysed: 2, found: 2 });
  });

  it('moves Tempo’s answers to the worker: the page keeps none of their bytes, the worker reads them whole', async () => {
    const { worker, ports } = channel();
    open.push(...ports);
    const seen = recorder();
    const analysis = workerAnalysis(worker, request, seen.emit);
    const candidates = [tempo(plainError()), tempo(connectionPoolWait())];
    const sizes = candidates.map((c) => c.answer.bytes.byteLength);
    analysis.add(candidates);
    analysis.end();

    // Transferred, not copied: the page's buffers are detached the moment they are posted.
    expect(candidates.map((c) => c.answer.bytes.byteLength)).toEqual([0, 0]);
    expect(sizes.every((size) => size > 1000)).toBe(true);
    expect(await seen.next('settled')).toEqual({ type: 'done', analysed: 2, found: 2 });
    expect(shown(seen.rows())).toEqual(expectedRows([plainError(), connectionPoolWait()]));
  });

  it('moves Jaeger’s search answers to the worker, which selects, caps and analyses them as the page did', async () => {
    const { worker, ports } = channel();
    open.push(...ports);
    const seen = recorder();
    const analysis = workerAnalysis(worker, request, seen.emit);
    const searches = jaegerSearches();
    const sizes = searches.answers.map(({ answer }) => answer.bytes.byteLength);
    analysis.add([searches]);
    analysis.end();

    // Transferred, not copied: the page keeps none of the answers' bytes.
    expect(searches.answers.map(({ answer }) => answer.bytes.byteLength)).toEqual([0, 0]);
    expect(sizes.every((size) => size > 1000)).toBe(true);
    expect(await seen.next('settled')).toEqual(JAEGER_LOAD_DONE);
    expect(rankRows(seen.rows())).toEqual(rankRows(jaegerRowsOnThePage()));
    expect(seen.rows().length).toBeGreaterThan(1);
  });

  it('fails the load in Jaeger’s own words when a search answer the worker reads is not JSON', async () => {
    const { worker, ports } = channel();
    open.push(...ports);
    const seen = recorder();
    const analysis = workerAnalysis(worker, request, seen.emit);
    const broken = jaegerAnswer([]);
    analysis.add([
      {
        ...jaegerSearches(),
        answers: [{ ...broken, answer: { ...broken.answer, bytes: new TextEncoder().encode('<html>').buffer } }],
      },
    ]);
    analysis.end();
    expect(await seen.next('settled')).toEqual({
      type: 'failed',
      message: expect.stringContaining('Jaeger (Jaeger (prod)) returned an unexpected answer: the body is not JSON'),
    });
  });

  it('fails the load in Tempo’s own words when an answer the worker reads is not a trace', async () => {
    const { worker, ports } = channel();
    open.push(...ports);
    const seen = recorder();
    const analysis = workerAnalysis(worker, request, seen.emit);
    analysis.add([tempoAnswer('abc123', '<html>502 Bad Gateway</html>')]);
    analysis.end();
    expect(await seen.next('settled')).toEqual({
      type: 'failed',
      message:
        'Tempo (Tempo (prod)) returned an unexpected answer: the answer for trace abc123 is not JSON. Check that the data source points at a Tempo API.',
    });
  });

  it('redacts in the worker with the settings it was given: rows carry no value the settings hide', async () => {
    const { worker, ports } = channel();
    open.push(...ports);
    const seen = recorder();
    // Span names of the pool-exhaustion trace carry `db.pool.acquire`; hide "pool" wherever it appears.
    const analysis = workerAnalysis(
      worker,
      { ...request, redaction: { ...DEFAULT_REDACTION_SETTINGS, valuePatterns: ['pool'] } },
      seen.emit
    );
    analysis.add([tempo(connectionPoolWait())]);
    analysis.end();
    await seen.next('settled');
    const [row] = seen.rows();
    expect(row!.worst.explanation).toContain(REDACTED);
    expect(JSON.stringify(row)).not.toMatch(/pool/i);
  });

  it('stops delivering when cancelled: the worker is terminated and no late event reaches the page', async () => {
    const { worker, ports, isTerminated } = channel();
    open.push(...ports);
    const seen = recorder();
    const analysis = workerAnalysis(worker, request, seen.emit);
    analysis.add(Array.from({ length: 30 }, (_, i) => tempo(syntheticTrace({ spans: 300, seed: i + 1 }))));
    await seen.next('rows');
    analysis.cancel();
    const delivered = seen.events.length;
    analysis.add([tempo(plainError())]);
    analysis.end();
    await new Promise((r) => setTimeout(r, 200));
    expect(isTerminated()).toBe(true);
    expect(seen.events.length).toBe(delivered);
    expect(seen.events.some((e) => e.type === 'done')).toBe(false);
  });

  it('reports a worker that could not start as a failure the page can show', () => {
    const listeners: Record<string, (event: unknown) => void> = {};
    const worker = {
      postMessage: () => {},
      addEventListener: (type: string, listener: (event: unknown) => void) => (listeners[type] = listener),
      terminate: jest.fn(),
    } as unknown as AnalysisWorker;
    const seen = recorder();
    workerAnalysis(worker, request, seen.emit);
    listeners.error!({ message: '' });
    expect(seen.events).toEqual([{ type: 'failed', message: expect.stringContaining('could not be loaded') }]);
    expect(worker.terminate).toHaveBeenCalled();
  });
});

describe('the batch loop shared by the worker and the page', () => {
  it('yields between batches: a long queue is reported in several steps, each within the time budget', async () => {
    let clock = 0;
    // Every look at the clock moves it 3 ms: a batch of the 8 ms budget holds three traces.
    const now = () => (clock += 3);
    const seen = recorder();
    const analysis = startCandidateAnalysis(request, seen.emit, now);
    const traces = [plainError(), connectionPoolWait(), swallowedErrorsWithRetries(), deepCallChain(), plainError()];
    analysis.add(traces.map(tempo));
    analysis.end();
    await seen.next('settled');
    const steps = seen.events.flatMap((e) => (e.type === 'rows' ? [e.analysed] : []));
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.at(-1)).toBe(5);
  });

  it('analyses nothing more once cancelled, and never says done', async () => {
    const seen = recorder();
    const analysis = startCandidateAnalysis(request, seen.emit);
    analysis.add(Array.from({ length: 40 }, (_, i) => tempo(syntheticTrace({ spans: 400, seed: i + 1 }))));
    analysis.end();
    const first = (await seen.next('rows')) as Extract<CandidateAnalysisEvent, { type: 'rows' }>;
    analysis.cancel();
    await new Promise((r) => setTimeout(r, 100));
    const last = seen.events.at(-1) as Extract<CandidateAnalysisEvent, { type: 'rows' }>;
    expect(last.analysed).toBe(first.analysed);
    expect(first.analysed).toBeLessThan(40);
    expect(seen.events.some((e) => e.type !== 'rows')).toBe(false);
  });

  it('reads both of Tempo’s answer envelopes: v2’s `trace` and v1’s `batches`', async () => {
    const seen = recorder();
    const analysis = startCandidateAnalysis(request, seen.emit);
    const v1 = JSON.stringify(toTempoJson(connectionPoolWait(), { envelope: 'v1' }));
    analysis.add([tempo(plainError()), tempoAnswer(traceIdOf(connectionPoolWait()), v1)]);
    analysis.end();
    await seen.next('settled');
    expect(shown(seen.rows())).toEqual(expectedRows([plainError(), connectionPoolWait()]));
  });

  it('names the trace whose answer from Tempo is not JSON', async () => {
    const seen = recorder();
    const analysis = startCandidateAnalysis(request, seen.emit);
    analysis.add([tempoAnswer('abc123', '<html>502 Bad Gateway</html>')]);
    analysis.end();
    expect(await seen.next('settled')).toEqual({
      type: 'failed',
      message: expect.stringContaining('the answer for trace abc123 is not JSON'),
    });
  });

  it('fails the load in Tempo’s words when an answer is JSON but not a trace', async () => {
    const seen = recorder();
    const analysis = startCandidateAnalysis(request, seen.emit);
    analysis.add([tempoAnswer('abc123', '{"batches": 5}')]);
    analysis.end();
    expect(await seen.next('settled')).toEqual({
      type: 'failed',
      message: expect.stringContaining('trace abc123: `resourceSpans` / `batches` is not an array'),
    });
  });

  it('expands a load’s Jaeger searches into the traces they select, and says what the caps left out', async () => {
    const seen = recorder();
    const analysis = startCandidateAnalysis(request, seen.emit);
    analysis.add([jaegerSearches()]);
    analysis.end();
    expect(await seen.next('settled')).toEqual(JAEGER_LOAD_DONE);
    expect(rankRows(seen.rows())).toEqual(rankRows(jaegerRowsOnThePage()));
  });
});
