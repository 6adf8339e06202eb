import { jaegerRecording, jaegerRecordingInfo, recordedBodyText } from '../../analysis/fixtures';
import { type TransportResponse, createJaegerClient } from '../../clients';
import { ALL_SERVICES, scopeOf } from '../../queries';
import { JAEGER_SAMPLE_SLICES, findJaegerCandidates } from './jaegerCandidates';
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

describe('servicesInScope', () => {
  it('keeps exact names and expands globs against Jaeger’s services with the scope’s glob semantics', async () => {
    const { client } = jaeger(['payments', 'payments-api', 'payments.eu', 'fraud', 'gateway']);
    expect(await servicesInScope(client, scopeOf(['payments-*', 'pay?ents', 'auth']))).toEqual([
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

describe('findJaegerCandidates', () => {
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
    expect(searches).toHaveLength(2 + JAEGER_SAMPLE_SLICES);
    expect(searches.filter((u) => u.searchParams.get('query.duration_min') === '500000us')).toHaveLength(1);
    expect(searches.filter((u) => u.searchParams.get('tags') === '{"error":"true"}')).toHaveLength(1);
    const slices = searches
      .filter((u) => u.searchParams.get('query.num_traces') === '10')
      .map((u) => [u.searchParams.get('query.start_time_min'), u.searchParams.get('query.start_time_max')]);
    expect(slices).toEqual([
      ['2024-12-31T23:30:00.000Z', '2024-12-31T23:50:00.000Z'],
      ['2024-12-31T23:50:00.000Z', '2025-01-01T00:10:00.000Z'],
      ['2025-01-01T00:10:00.000Z', '2025-01-01T00:30:00.000Z'],
    ]);
  });

  it('searches at most the first services alphabetically and says how many it left out', async () => {
    const many = Array.from({ length: JAEGER_MAX_SERVICES + 5 }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
    const { client, sent } = jaeger(many);
    const found = await findJaegerCandidates({
      jaeger: client,
      scope: scopeOf(['svc-*']),
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
  });
});
