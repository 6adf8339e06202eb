import { jaegerRecording, jaegerRecordingInfo, recordedBodyText } from '../../analysis/fixtures';
import { type JaegerSearch, type TransportResponse, createJaegerClient } from '../../clients';
import { ALL_SERVICES, ownershipScope, scopeOf, serviceName } from '../../queries';
import {
  type JaegerCandidatesQuery,
  JAEGER_MIN_SEARCH_LIMIT,
  JAEGER_SEARCH_LIMIT,
  anomalousPerSlice,
  fetchJaegerCandidates,
} from './jaegerCandidates';
import { JAEGER_SLICES, selectJaegerCandidates } from './jaegerCandidateSelection';
import { JAEGER_MAX_SERVICES, servicesInScope } from './jaegerSearches';

const START = Date.parse('2024-12-31T23:30:00Z') / 1000;
const END = Date.parse('2025-01-01T00:30:00Z') / 1000;

function response(status: number, body: string): TransportResponse {
  return {
    status,
    headers: { get: () => null },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body));
        controller.close();
      },
    }),
  };
}

/** A Jaeger v2 knowing `services`, whose searches all answer with the recorded fraud search. */
function jaeger(services: string[]) {
  const sent: URL[] = [];
  const client = createJaegerClient({
    baseUrl: 'http://jaeger',
    transport: async (url) => {
      const u = new URL(url);
      sent.push(u);
      if (u.pathname === '/api/v3/services') {
        return response(200, JSON.stringify({ services }));
      }
      const recording = jaegerRecording(u.pathname === '/api/traces' ? 'ui-search-fraud' : 'v3-search-fraud');
      return response(recording.status, recordedBodyText(recording));
    },
  });
  return { client, sent };
}

/** A failed one-span trace of `checkout` in Jaeger's UI JSON, starting `minute` minutes into the range. */
function failedTrace(id: number, minute: number) {
  const traceID = id.toString(16).padStart(32, '0');
  return {
    traceID,
    spans: [
      {
        traceID,
        spanID: traceID,
        operationName: 'POST /pay',
        references: [],
        startTime: (START + minute * 60) * 1e6,
        duration: 20_000,
        tags: [
          { key: 'error', type: 'bool', value: true },
          { key: 'otel.status_code', type: 'string', value: 'ERROR' },
        ],
        logs: [],
        processID: 'p1',
      },
    ],
    processes: { p1: { serviceName: 'checkout', tags: [] } },
  };
}

/**
 * A Jaeger v2 holding `failed` traces of `checkout` and nothing else, answering an `error=true` search
 * the way its storage does: the traces starting in the window, newest first, at most `limit`.
 */
function jaegerHolding(failed: Array<ReturnType<typeof failedTrace>>) {
  return createJaegerClient({
    baseUrl: 'http://jaeger',
    transport: async (url) => {
      const u = new URL(url);
      if (u.pathname === '/api/v3/services') {
        return response(200, JSON.stringify({ services: ['checkout'] }));
      }
      if (u.pathname !== '/api/traces' || !u.searchParams.get('tags')?.includes('"error":"true"')) {
        return response(404, JSON.stringify({ error: { httpCode: 404, message: 'No traces found' } }));
      }
      const param = (key: string) => Number(u.searchParams.get(key));
      const data = failed
        .filter((trace) => trace.spans[0]!.startTime >= param('start') && trace.spans[0]!.startTime <= param('end'))
        .sort((a, b) => b.spans[0]!.startTime - a.spans[0]!.startTime)
        .slice(0, param('limit'));
      return response(200, JSON.stringify({ data }));
    },
  });
}

describe('servicesInScope', () => {
  it('keeps exact names and expands ownership globs against Jaeger’s services with the contract’s semantics', async () => {
    const { client } = jaeger(['payments', 'payments-api', 'payments.eu', 'fraud', 'gateway']);
    expect(await servicesInScope(client, ownershipScope(['payments-*', 'pay?ents', 'auth']))).toEqual([
      'auth',
      'payments',
      'payments-api',
    ]);
    expect(await servicesInScope(client, ALL_SERVICES)).toEqual([
      'fraud',
      'gateway',
      'payments',
      'payments-api',
      'payments.eu',
    ]);
  });

  it('does not ask Jaeger for its services when the scope names them all', async () => {
    const { client, sent } = jaeger([]);
    expect(await servicesInScope(client, scopeOf(['fraud']))).toEqual(['fraud']);
    expect(sent).toEqual([]);
  });
});

describe('anomalousPerSlice', () => {
  it('shares the cap among the services and slices, within Jaeger’s depth and no less than a few', () => {
    expect(anomalousPerSlice(1, 150)).toBe(JAEGER_SEARCH_LIMIT);
    expect(anomalousPerSlice(3, 150)).toBe(17);
    expect(anomalousPerSlice(25, 150)).toBe(JAEGER_MIN_SEARCH_LIMIT);
  });
});

/** The page's searches, then the selection the analysis makes of them, with the services searched. */
async function findJaegerCandidates(q: JaegerCandidatesQuery) {
  const searches = await fetchJaegerCandidates(q);
  return { ...selectJaegerCandidates(searches), services: searches.services };
}

describe('Jaeger candidates', () => {
  it('searches each service for slow and failing traces and a sample per slice of the range, de-duplicated', async () => {
    const { client, sent } = jaeger(['fraud']);
    const found = await findJaegerCandidates({
      jaeger: client,
      scope: scopeOf(['fraud']),
      start: START,
      end: END,
      slowSpanMs: 500,
    });

    const { traceIds } = jaegerRecordingInfo();
    // The failing trace first, whichever search found it.
    expect(found.traces.map((t) => t.traceId)).toEqual([traceIds['swallowed-errors'], traceIds.healthy]);
    expect(found.truncated).toBeUndefined();
    const searches = sent.filter((u) => u.pathname.endsWith('/traces'));
    expect(searches).toHaveLength(3 * JAEGER_SLICES);
    const slices = [
      ['2024-12-31T23:30:00.000Z', '2024-12-31T23:50:00.000Z'],
      ['2024-12-31T23:50:00.000Z', '2025-01-01T00:10:00.000Z'],
      ['2025-01-01T00:10:00.000Z', '2025-01-01T00:30:00.000Z'],
    ];
    const v3Window = (u: URL) => [
      u.searchParams.get('query.start_time_min'),
      u.searchParams.get('query.start_time_max'),
    ];
    const slow = searches.filter((u) => u.searchParams.get('query.duration_min') === '500000us');
    expect(slow.map(v3Window)).toEqual(slices);
    const sampled = searches.filter(
      (u) => u.pathname === '/api/v3/traces' && !u.searchParams.has('query.duration_min')
    );
    expect(sampled.map(v3Window)).toEqual(slices);
    // Tags go to the UI API, whose window is in microseconds.
    const failing = searches.filter((u) => u.searchParams.get('tags') === '{"error":"true"}');
    expect(failing.map((u) => [u.searchParams.get('start'), u.searchParams.get('end')].map(Number))).toEqual(
      slices.map((slice) => slice.map((time) => Date.parse(time) * 1000))
    );
    // One service has the cap to itself: Jaeger's full depth for the slow and failing traces.
    const limitOf = (u: URL) => Number(u.searchParams.get('query.num_traces') ?? u.searchParams.get('limit'));
    expect([...slow, ...failing].map(limitOf)).toEqual(Array(2 * JAEGER_SLICES).fill(JAEGER_SEARCH_LIMIT));
    expect(sampled.map(limitOf)).toEqual([10, 10, 10]);
  });

  it('finds a failure at the start of the range when its end holds more failures than one search returns', async () => {
    // More than the 20 one search over the whole range used to return.
    const busyEnd = Array.from({ length: 30 }, (_, i) => failedTrace(100 + i, 50 + i / 4));
    const first = failedTrace(1, 2);
    const found = await findJaegerCandidates({
      jaeger: jaegerHolding([first, ...busyEnd]),
      scope: scopeOf(['checkout']),
      start: START,
      end: END,
      slowSpanMs: 500,
      // Fewer than the failures found: the cap keeps the first one too, not only the newest.
      maxTraces: 5,
    });

    const ids = found.traces.map((t) => t.traceId);
    expect(ids).toContain(first.traceID);
    expect(ids).toHaveLength(5);
    // The busy end yields its newest few, the start its one failure.
    const failures = anomalousPerSlice(1, 5) + 1;
    // The busy end's failing search returned its limit, so it may hold older failures, and the note says so. Each
    // slice has a search for failing and one for slow traces (and a sample, which the note leaves out).
    expect(found.truncated).toBe(
      `Left out ${failures - 5} of ${failures} traces and the older traces of 1 of ${2 * JAEGER_SLICES} searches for failing or slow traces (at their limit)`
    );
  });

  it('searches at most the first services alphabetically and says how many it left out', async () => {
    const many = Array.from({ length: JAEGER_MAX_SERVICES + 5 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    const { client, sent } = jaeger(many);
    const found = await findJaegerCandidates({
      jaeger: client,
      scope: ownershipScope(['svc-*']),
      start: START,
      end: END,
      slowSpanMs: 500,
    });

    expect(found.services).toEqual(many.slice(0, JAEGER_MAX_SERVICES));
    expect(found.truncated).toBe(`Left out 5 of ${many.length} services`);
    const searched = new Set(
      sent.map((u) => u.searchParams.get('query.service_name') ?? u.searchParams.get('service'))
    );
    expect(searched.has('svc-29')).toBe(false);
    // Each service's share of the cap, no less than a few per slice.
    const failing = sent.filter((u) => u.searchParams.get('tags') === '{"error":"true"}');
    expect(failing).toHaveLength(JAEGER_MAX_SERVICES * JAEGER_SLICES);
    expect(new Set(failing.map((u) => u.searchParams.get('limit')))).toEqual(
      new Set([String(JAEGER_MIN_SEARCH_LIMIT)])
    );
  });
});

describe('the note of what the caps left out', () => {
  /** One search of `checkout` over the range, answered with one failed trace: its limit of one reached. */
  const answeredAtLimit = (search: Partial<JaegerSearch>) =>
    selectJaegerCandidates({
      format: 'jaeger-searches',
      answers: [
        {
          search: { service: serviceName('checkout'), start: START, end: END, limit: 1, ...search },
          answer: {
            format: 'jaeger-ui',
            source: { dataSource: 'Jaeger', name: 'Jaeger', url: '/api/traces' },
            bytes: new TextEncoder().encode(JSON.stringify({ data: [failedTrace(1, 2)] })).buffer,
          },
        },
      ],
      services: ['checkout'],
      servicesInScope: 1,
      filters: [],
      slowSpanMs: 500,
      start: START,
      end: END,
      maxTraces: 10,
    }).truncated;

  it('says when a search for failing or slow traces returned its limit: older ones may have been missed', () => {
    const note = 'Left out the older traces of 1 of 1 searches for failing or slow traces (at their limit)';
    expect(answeredAtLimit({ tags: { error: 'true' } })).toBe(note);
    expect(answeredAtLimit({ minDurationMs: 500 })).toBe(note);
  });

  it('does not count a sample search at its limit, the rule on a busy service', () => {
    expect(answeredAtLimit({})).toBeUndefined();
  });
});
