import { MessageChannel, type MessagePort } from 'node:worker_threads';

import { DEFAULT_REDACTION_SETTINGS, REDACTED } from '../../analysis';
import { type OtlpTraceJson, toTempoJson } from '../../analysis/fixtures';
import { serviceName } from '../../queries';
import type { MessageEndpoint } from './candidateAnalysisProtocol';
import {
  type SampleJson,
  type SuspectAnalysisEvent,
  type SuspectAnalysisRequest,
  startSuspectAnalysis,
} from './suspectAnalysis';
import {
  type SuspectAnalysisMessage,
  type SuspectWorker,
  serveSuspectAnalysis,
  workerSuspectAnalysis,
} from './suspectAnalysisProtocol';

const RANGE_START_MS = 1_800_000_000_000;
const request: SuspectAnalysisRequest = { redaction: DEFAULT_REDACTION_SETTINGS, rangeStartMs: RANGE_START_MS };

let traces = 0;
/**
 * `frontend GET /checkout` calls `stock GET /items` (`stockMs` of its own work, or failing), starting `atMs` after
 * the range starts (negative: in the baseline).
 */
function checkout(
  atMs: number,
  { stockMs = 5, stockFails = false, stockOperation = 'GET /items', rootOperation = 'GET /checkout' } = {}
): OtlpTraceJson {
  traces++;
  const traceId = traces.toString(16).padStart(32, '0');
  const nanos = (ms: number) => `${BigInt(Math.round((RANGE_START_MS + atMs + ms) * 1000)) * 1000n}`;
  const span = (spanId: string, name: string, kind: number, start: number, end: number, parentSpanId?: string) => ({
    traceId,
    spanId: `${traces.toString(16).padStart(12, '0')}${spanId}`,
    ...(parentSpanId ? { parentSpanId: `${traces.toString(16).padStart(12, '0')}${parentSpanId}` } : {}),
    name,
    kind,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(end),
    attributes: [],
    status: {},
  });
  const stockEnd = 3 + stockMs;
  const service = (name: string, spans: Array<ReturnType<typeof span>>) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: name } }] },
    scopeSpans: [{ spans }],
  });
  return {
    resourceSpans: [
      service('frontend', [
        span('000a', rootOperation, 2, 0, stockEnd + 3),
        span('000b', 'GET', 3, 1, stockEnd + 2, '000a'),
      ]),
      service('stock', [
        { ...span('000c', stockOperation, 2, 2, stockEnd, '000b'), status: stockFails ? { code: 2 } : {} },
      ]),
    ],
  };
}

const tempo = (trace: OtlpTraceJson): SampleJson => {
  const traceId = trace.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId;
  return {
    format: 'tempo-answer',
    answer: {
      traceId,
      source: { dataSource: 'Tempo', name: 'Tempo (prod)', url: `/api/v2/traces/${traceId}` },
      bytes: new Uint8Array(new TextEncoder().encode(JSON.stringify(toTempoJson(trace)))).buffer,
    },
  };
};

/** Thirty normal checkouts over the half hour before the range. */
const baseline = () => Array.from({ length: 30 }, (_, i) => tempo(checkout(-1_800_000 + i * 60_000)));
/** Ten checkouts in the range whose stock request takes 400 ms instead of 5. */
const slowStock = (options = {}) =>
  Array.from({ length: 10 }, (_, i) => tempo(checkout(i * 1000, { stockMs: 400, ...options })));

function recorder() {
  const events: SuspectAnalysisEvent[] = [];
  let resolveFinal: (event: SuspectAnalysisEvent) => void = () => {};
  const settled = new Promise<SuspectAnalysisEvent>((resolve) => (resolveFinal = resolve));
  const emit = (event: SuspectAnalysisEvent) => {
    events.push(event);
    if (event.type === 'failed' || event.final) {
      resolveFinal(event);
    }
  };
  return { events, emit, settled };
}

const open: MessagePort[] = [];
afterEach(() => {
  open.splice(0).forEach((port) => port.close());
});

/** The worker's end on one port of a real MessageChannel: messages are structured-cloned as between threads. */
function channel() {
  const { port1, port2 } = new MessageChannel();
  open.push(port1, port2);
  serveSuspectAnalysis(port2 as unknown as MessageEndpoint<SuspectAnalysisMessage, SuspectAnalysisEvent>);
  let terminated = false;
  const worker = {
    postMessage: (message: SuspectAnalysisMessage, transfer?: ArrayBuffer[]) => port1.postMessage(message, transfer),
    addEventListener: (type: string, listener: (event: never) => void) =>
      type === 'message' && port1.addEventListener('message', listener as never),
    terminate: () => {
      terminated = true;
      port2.close();
    },
  } as unknown as SuspectWorker;
  return { worker, isTerminated: () => terminated };
}

describe('"Where to look first" in the analysis worker', () => {
  it('ranks the service whose own time changed first, with an example trace opened at its span, then closes', async () => {
    const { worker, isTerminated } = channel();
    const seen = recorder();
    const analysis = workerSuspectAnalysis(worker, request, seen.emit);
    const range = slowStock();
    const rangeIds = range.map((s) => (s.format === 'tempo-answer' ? s.answer.traceId : ''));
    // The range's traces may come first: they wait for the baseline's profile.
    analysis.add('range', range);
    analysis.end('range');
    analysis.add('baseline', baseline());
    analysis.end('baseline');

    const final = await seen.settled;
    expect(final.type).toBe('ranking');
    const { ranking } = final as Extract<SuspectAnalysisEvent, { type: 'ranking' }>;
    expect(ranking.verdict).toBe('ranked');
    expect([ranking.rangeTraces, ranking.baselineTraces]).toEqual([10, 30]);
    expect(ranking.baselineFromMs).toBe(RANGE_START_MS - 1_800_000);
    const [first] = ranking.suspects;
    expect(first).toMatchObject({ service: 'stock', traces: 10 });
    expect(first!.reason).toMatch(/own time over 2× its baseline p99 in 10 traces/);
    expect(rangeIds).toContain(first!.example!.traceId);
    expect(first!.example!.spanId).toMatch(/000c$/);
    expect(isTerminated()).toBe(true);
  });

  it('names where errors start when a service starts failing, and opens the example at the failing span', async () => {
    const { worker } = channel();
    const seen = recorder();
    const analysis = workerSuspectAnalysis(worker, request, seen.emit);
    analysis.add('baseline', baseline());
    analysis.end('baseline');
    analysis.add('range', slowStock({ stockMs: 5, stockFails: true }));
    analysis.end('range');

    const final = (await seen.settled) as Extract<SuspectAnalysisEvent, { type: 'ranking' }>;
    const [first] = final.ranking.suspects;
    expect(first).toMatchObject({ service: 'stock', kinds: ['errors'] });
    expect(first!.reason).toMatch(/^errors start here in 10 traces/);
    expect(first!.example!.spanId).toMatch(/000c$/);
  });

  it('says there is not enough evidence, and why, when the baseline holds no traces', async () => {
    const { worker } = channel();
    const seen = recorder();
    const analysis = workerSuspectAnalysis(worker, request, seen.emit);
    analysis.end('baseline');
    analysis.add('range', slowStock());
    analysis.end('range');

    const final = (await seen.settled) as Extract<SuspectAnalysisEvent, { type: 'ranking' }>;
    expect(final.ranking).toMatchObject({ verdict: 'not-enough-evidence', suspects: [], baselineTraces: 0 });
    expect(final.ranking.notes).toEqual(['the baseline holds 0 traces; at least 10 are needed to say what changed']);
  });

  it('ranks only traces that start in the range, each once, whichever search found them', async () => {
    const seen = recorder();
    const analysis = startSuspectAnalysis(request, seen.emit);
    analysis.add('baseline', baseline());
    analysis.end('baseline');
    // Started before the range, found by the range's search (its spans reach into it): not a range trace.
    const straddling = tempo(checkout(-10, { stockMs: 400 }));
    const range = slowStock();
    analysis.add('range', [straddling, ...range, range[0]!]);
    analysis.end('range');

    const final = (await seen.settled) as Extract<SuspectAnalysisEvent, { type: 'ranking' }>;
    expect([final.ranking.rangeTraces, final.ranking.baselineTraces]).toEqual([10, 30]);
  });

  it('redacts what it shows with the settings it was given: an operation carrying an e-mail address', async () => {
    const seen = recorder();
    const analysis = startSuspectAnalysis(request, seen.emit);
    analysis.add(
      'baseline',
      Array.from({ length: 30 }, (_, i) =>
        tempo(checkout(-1_800_000 + i * 60_000, { stockOperation: 'GET /users/ann@example.com' }))
      )
    );
    analysis.end('baseline');
    analysis.add('range', slowStock({ stockOperation: 'GET /users/ann@example.com' }));
    analysis.end('range');

    const final = (await seen.settled) as Extract<SuspectAnalysisEvent, { type: 'ranking' }>;
    expect(JSON.stringify(final.ranking)).not.toContain('ann@example.com');
    expect(final.ranking.suspects[0]!.operation).toContain(REDACTED);
  });

  it('reads Jaeger’s search answers, keeping only traces that carry the filter values', async () => {
    const seen = recorder();
    const analysis = startSuspectAnalysis(request, seen.emit);
    const jaeger = (list: OtlpTraceJson[]): SampleJson => ({
      format: 'jaeger-answers',
      answers: [
        {
          search: { service: serviceName('frontend'), start: 0, end: 2_000_000_000, limit: 100 },
          answer: {
            format: 'otlp',
            source: { dataSource: 'Jaeger', name: 'Jaeger', url: '/api/v3/traces' },
            bytes: new Uint8Array(
              new TextEncoder().encode(
                JSON.stringify({ result: { resourceSpans: list.flatMap((t) => t.resourceSpans) } })
              )
            ).buffer,
          },
        },
      ],
      filters: [{ scope: 'intrinsic', key: 'name', value: 'GET /checkout' }],
    });
    analysis.add('baseline', [jaeger(Array.from({ length: 30 }, (_, i) => checkout(-1_800_000 + i * 60_000)))]);
    analysis.end('baseline');
    const others = Array.from({ length: 5 }, (_, i) =>
      checkout(i * 1000, { stockMs: 400, rootOperation: 'GET /other' })
    );
    analysis.add('range', [
      jaeger([...Array.from({ length: 10 }, (_, i) => checkout(i * 1000, { stockMs: 400 })), ...others]),
    ]);
    analysis.end('range');

    const final = (await seen.settled) as Extract<SuspectAnalysisEvent, { type: 'ranking' }>;
    expect(final.ranking.suspects[0]?.service).toBe('stock');
    expect([final.ranking.rangeTraces, final.ranking.baselineTraces]).toEqual([10, 30]);
  });
});
