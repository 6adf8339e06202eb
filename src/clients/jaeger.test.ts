import { buildTrace } from '../analysis';
import { type JaegerRecording, jaegerRecording, jaegerRecordingInfo, recordedBodyText } from '../analysis/fixtures';
import { serviceName } from '../queries';
import { createJaegerClient, readJaegerSearchAnswer } from './index';
import { type Route, type TestServer, failure, startServer, text } from './testServer.testing';

/** Answers exactly as Jaeger did when recorded: status, content type and body. */
function replay(recording: JaegerRecording): Route {
  return (_req, res) => {
    res
      .writeHead(recording.status, { 'content-type': recording.contentType ?? 'application/json' })
      .end(recordedBodyText(recording));
  };
}

const { traceIds } = jaegerRecordingInfo();
const WINDOW = { start: Date.parse('2024-12-31T23:30:00Z') / 1000, end: Date.parse('2025-01-01T00:30:00Z') / 1000 };

let server: TestServer;
afterEach(() => server?.close());

/** A Jaeger v2 that has `/api/v3`: the recorded v3 and UI answers by path. */
function jaegerV2(extra: Record<string, Route> = {}): Promise<TestServer> {
  return startServer({
    '/api/v3/services': replay(jaegerRecording('v3-services')),
    [`/api/v3/traces/${traceIds['plain-error']}`]: replay(jaegerRecording('v3-trace-plain-error')),
    '/api/v3/traces/ffffffffffffffffffffffffffffffff': replay(jaegerRecording('v3-trace-missing')),
    '/api/v3/traces': (req, res, url) =>
      replay(
        jaegerRecording(url.searchParams.get('query.service_name') === 'fraud' ? 'v3-search-fraud' : 'v3-search-none')
      )(req, res, url),
    '/api/traces': replay(jaegerRecording('ui-search-gateway-slow')),
    ...extra,
  });
}

/** A Jaeger without the v3 gateway: only the UI API. */
function jaegerUiOnly(): Promise<TestServer> {
  return startServer({
    '/api/services': replay(jaegerRecording('ui-services')),
    [`/api/traces/${traceIds['plain-error']}`]: replay(jaegerRecording('ui-trace-plain-error')),
    '/api/traces/ffffffffffffffffffffffffffffffff': replay(jaegerRecording('ui-trace-missing')),
    '/api/traces': replay(jaegerRecording('ui-search-fraud')),
  });
}

describe('Jaeger client on /api/v3', () => {
  it('loads a trace by id as OTLP that buildTrace reads as is', async () => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin, name: 'Jaeger' });

    const trace = await jaeger.getTrace(traceIds['plain-error'].toUpperCase());

    expect(trace?.format).toBe('otlp');
    const model = buildTrace(trace?.format === 'otlp' ? { resourceSpans: trace.resourceSpans } : null);
    expect(model.traceId).toBe(traceIds['plain-error']);
    expect(model.root?.name).toBe('GET /checkout');
    expect(model.spans.some((span) => span.status === 'error')).toBe(true);
    expect(server.requests.map((r) => r.pathname)).toEqual([
      '/api/v3/services',
      `/api/v3/traces/${traceIds['plain-error']}`,
    ]);
  });

  it('answers null for a trace Jaeger does not have', async () => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin });
    expect(await jaeger.getTrace('ffffffffffffffffffffffffffffffff')).toBeNull();
  });

  it('splits the merged resource spans of a search into one trace per trace id', async () => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin });

    const traces = await jaeger.search({ service: serviceName('fraud'), ...WINDOW, minDurationMs: 0.5, limit: 20 });

    // fraud takes part in the healthy checkout and in the one whose fraud scoring times out.
    expect(traces.map((t) => t.traceId).sort()).toEqual([traceIds.healthy, traceIds['swallowed-errors']].sort());
    for (const t of traces) {
      const model = buildTrace(t.format === 'otlp' ? { resourceSpans: t.resourceSpans } : null);
      expect(model.traceId).toBe(t.traceId);
      expect(model.issues).toEqual([]);
      expect(model.services).toContain('fraud');
    }
    const sent = server.requests.find((r) => r.pathname === '/api/v3/traces')!.searchParams;
    expect(Object.fromEntries(sent)).toEqual({
      'query.service_name': 'fraud',
      'query.start_time_min': '2024-12-31T23:30:00.000Z',
      'query.start_time_max': '2025-01-01T00:30:00.000Z',
      'query.duration_min': '500us',
      'query.num_traces': '20',
    });
  });

  it('reads v3’s 404 “No traces found” as an empty result', async () => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin });
    expect(await jaeger.search({ service: serviceName('nobody'), ...WINDOW, limit: 20 })).toEqual([]);
  });

  it('sends a search with tags to the UI API, because v3 over HTTP ignores them', async () => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin });

    const traces = await jaeger.search({
      service: serviceName('gateway'),
      ...WINDOW,
      tags: { error: 'true' },
      limit: 20,
    });

    expect(traces.every((t) => t.format === 'jaeger-ui')).toBe(true);
    const sent = server.requests.find((r) => r.pathname === '/api/traces')!.searchParams;
    expect(sent.get('tags')).toBe('{"error":"true"}');
    expect(sent.get('start')).toBe(String(WINDOW.start * 1e6));
    expect(server.requests.some((r) => r.pathname === '/api/v3/traces')).toBe(false);
  });

  it('sends tag values holding quotes, ampersands, newlines and non-ASCII as one JSON parameter Jaeger reads back exactly', async () => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin });
    const tags = {
      'ledger.region': 'eu-west"}&service=auth',
      'http.route': '/pay?x=1#y',
      'user.name': 'Zoë 🚀',
      'db.query.text': 'SELECT *\n  FROM ledger',
    };

    await jaeger.search({ service: serviceName('payments'), ...WINDOW, tags, limit: 25 });

    const sent = server.requests.find((r) => r.pathname === '/api/traces')!.searchParams;
    expect(JSON.parse(sent.get('tags')!)).toEqual(tags);
    expect(sent.getAll('service')).toEqual(['payments']);
  });

  it.each([
    ['an empty tag name', { '': 'x' }],
    ['a control character in a name', { 'a\nb': 'x' }],
    ['an over-long value', { region: 'x'.repeat(1025) }],
    ['a value that is not text', { region: 42 as unknown as string }],
    ['too many tags', Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']))],
  ])('refuses %s in a search and sends nothing', async (_, tags) => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin, name: 'Jaeger' });

    await expect(jaeger.search({ service: serviceName('payments'), ...WINDOW, tags, limit: 20 })).rejects.toMatchObject(
      {
        kind: 'invalid-request',
        message: expect.stringContaining('Nothing was sent'),
      }
    );
    expect(server.requests).toEqual([]);
  });

  it('lists services and asks once which API Jaeger has', async () => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin });
    expect(await jaeger.services()).toEqual(expect.arrayContaining(['gateway', 'payments', 'fraud', 'ledger']));
    await jaeger.getTrace(traceIds['plain-error']);
    expect(server.requests.filter((r) => r.pathname === '/api/v3/services')).toHaveLength(2); // probe + list
    expect(await jaeger.api()).toBe('v3');
  });
});

describe('Jaeger client falling back to the UI API', () => {
  it('uses /api/traces when /api/v3 is missing, and keeps Jaeger’s own JSON for the converter', async () => {
    server = await jaegerUiOnly();
    const jaeger = createJaegerClient({ baseUrl: server.origin });

    const trace = await jaeger.getTrace(traceIds['plain-error']);
    const found = await jaeger.search({ service: serviceName('fraud'), ...WINDOW, limit: 20 });

    expect(await jaeger.api()).toBe('ui');
    expect(trace).toMatchObject({ format: 'jaeger-ui', traceId: traceIds['plain-error'] });
    expect(found.map((t) => t.traceId).sort()).toEqual([traceIds.healthy, traceIds['swallowed-errors']].sort());
    expect(await jaeger.services()).toEqual(expect.arrayContaining(['gateway', 'fraud']));
    expect(await jaeger.getTrace('ffffffffffffffffffffffffffffffff')).toBeNull();
    const search = server.requests.find((r) => r.pathname === '/api/traces')!.searchParams;
    expect(search.get('service')).toBe('fraud');
    expect(search.get('limit')).toBe('20');
  });
});

describe('Jaeger search answers, undecoded', () => {
  it.each([
    ['/api/v3', jaegerV2],
    ['the UI API', jaegerUiOnly],
  ])('on %s: the bytes read elsewhere give what `search` gives, and name where they came from', async (_, start) => {
    server = await start();
    const jaeger = createJaegerClient({ baseUrl: server.origin });
    const search = { service: serviceName('fraud'), ...WINDOW, limit: 20 };

    const answer = await jaeger.searchAnswer(search);

    expect(answer.bytes.byteLength).toBeGreaterThan(1000);
    expect(answer.source).toMatchObject({ dataSource: 'Jaeger', url: expect.stringContaining(server.origin) });
    expect(readJaegerSearchAnswer(answer)).toEqual(await jaeger.search(search));
  });

  it('reads v3’s 404 as an answer of no traces, and says so when the bytes are not Jaeger’s JSON', async () => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin });
    expect(
      readJaegerSearchAnswer(await jaeger.searchAnswer({ service: serviceName('nobody'), ...WINDOW, limit: 20 }))
    ).toEqual([]);
    const answer = await jaeger.searchAnswer({ service: serviceName('fraud'), ...WINDOW, limit: 20 });
    const html = { ...answer, bytes: new TextEncoder().encode('<html>login</html>').buffer };
    expect(() => readJaegerSearchAnswer(html)).toThrow(/Jaeger .*unexpected answer: the body is not JSON/);
  });
});

describe('Jaeger client errors', () => {
  it('names Jaeger, the address and the status when Jaeger fails', async () => {
    server = await jaegerV2({ '/api/v3/traces': text('storage unavailable', 500) });
    const jaeger = createJaegerClient({ baseUrl: server.origin, name: 'Jaeger EU' });

    const error = await failure(jaeger.search({ service: serviceName('fraud'), ...WINDOW, limit: 20 }));

    expect(error).toMatchObject({ dataSource: 'Jaeger', dataSourceName: 'Jaeger EU', kind: 'http', status: 500 });
    expect(error.message).toMatch(/^Jaeger \(Jaeger EU\) answered HTTP 500: storage unavailable\./);
  });

  it('retries the API probe after it failed instead of remembering the failure', async () => {
    let calls = 0;
    server = await startServer({
      '/api/v3/services': (req, res, url) =>
        calls++ === 0 ? text('warming up', 503)(req, res, url) : replay(jaegerRecording('v3-services'))(req, res, url),
    });
    const jaeger = createJaegerClient({ baseUrl: server.origin });
    expect((await failure(jaeger.api())).status).toBe(503);
    expect(await jaeger.api()).toBe('v3');
  });

  it('refuses a malformed trace id or an empty service without sending anything', async () => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin });
    expect((await failure(jaeger.getTrace('not-a-trace/../../api'))).kind).toBe('invalid-request');
    expect((await failure(jaeger.search({ service: serviceName(''), ...WINDOW, limit: 1 }))).kind).toBe(
      'invalid-request'
    );
    expect(server.requests).toEqual([]);
  });

  it.each([
    ['an unpaired surrogate in the service', { service: serviceName('pay\uD800ments') }, /service .* unpaired UTF-16/],
    ['an unpaired surrogate in the operation', { operation: 'GET \uDC00' }, /operation .* unpaired UTF-16/],
    ['an unpaired surrogate in a tag value', { tags: { region: 'eu\uD83D' } }, /tag value .* unpaired UTF-16/],
    ['an unpaired surrogate in a tag name', { tags: { 'reg\uDFFFion': 'eu' } }, /tag name .* unpaired UTF-16/],
    ['a NaN minimum duration', { minDurationMs: NaN }, /minimum duration NaN ms/],
    ['an infinite maximum duration', { maxDurationMs: Infinity }, /maximum duration Infinity ms/],
    ['a duration past what Go parses', { minDurationMs: 1e21 }, /minimum duration 1e\+21 ms/],
    ['a negative duration', { minDurationMs: -1 }, /minimum duration -1 ms/],
    ['an infinite window', { end: Infinity }, /window must be finite/],
    ['a fractional limit', { limit: 2.5 }, /limit 2\.5/],
  ])('refuses %s and sends nothing', async (_, change, message) => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin });
    const search = { service: serviceName('payments'), ...WINDOW, limit: 20, ...change };

    const error = await failure(jaeger.search(search));

    expect(error.kind).toBe('invalid-request');
    expect(error.message).toMatch(message);
    expect(server.requests).toEqual([]);
  });

  it('sends a paired surrogate (an emoji) and sub-millisecond durations as they are', async () => {
    server = await jaegerV2();
    const jaeger = createJaegerClient({ baseUrl: server.origin, api: 'ui' });

    await jaeger.search({
      service: serviceName('pay-🚀'),
      ...WINDOW,
      minDurationMs: 0.0015,
      maxDurationMs: 2e6,
      limit: 5,
    });

    const sent = server.requests.find((r) => r.pathname === '/api/traces')!.searchParams;
    expect(sent.get('service')).toBe('pay-🚀');
    expect([sent.get('minDuration'), sent.get('maxDuration')]).toEqual(['2us', '2000000000us']);
  });

  it('says so when a 2xx answer is not Jaeger’s JSON', async () => {
    server = await jaegerV2({ '/api/v3/traces': text('<html>login</html>', 200) });
    const jaeger = createJaegerClient({ baseUrl: server.origin });
    expect((await failure(jaeger.search({ service: serviceName('fraud'), ...WINDOW, limit: 1 }))).kind).toBe(
      'invalid-response'
    );
  });
});
