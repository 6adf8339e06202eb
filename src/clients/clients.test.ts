import { analyzeTrace } from '../analysis';
import { nPlusOneAfterRelease, toTempoJson } from '../analysis/fixtures';
import {
  createLokiClient,
  createPrometheusClient,
  createTempoClient,
  logLines,
  readTempoTraceAnswer,
  type Transport,
} from './index';
import { type Route, type TestServer, failure, json, startServer, text } from './testServer.testing';

const PROXY = '/api/datasources/proxy/uid/tempo-uid';

let server: TestServer;
afterEach(() => server?.close());

/** Recorded shape of Tempo 2.x `/api/search` (trace id without its leading zeros). */
const TEMPO_SEARCH = {
  traces: [
    {
      traceID: '2f3e0cee77ae5dc9c17ade3689eb2e5',
      rootServiceName: 'gateway',
      rootTraceName: 'GET /checkout',
      startTimeUnixNano: '1735689600000000000',
      durationMs: 2520,
      spanSets: [
        {
          spans: [
            {
              spanID: '563d623c76514f8e',
              name: 'pool.acquire',
              startTimeUnixNano: '1735689600028000000',
              durationNanos: '2300000000',
            },
          ],
          matched: 1,
        },
      ],
    },
    {
      traceID: '0af7651916cd43dd8448eb211c80319c',
      rootServiceName: 'gateway',
      rootTraceName: 'GET /checkout',
      startTimeUnixNano: '1735689601000000000',
    },
  ],
  metrics: { inspectedTraces: 120, inspectedBytes: '51234', completedJobs: 1, totalJobs: 1 },
};

describe('Tempo client', () => {
  it('searches with TraceQL, time range, limit and spss, and restores 32-digit trace ids', async () => {
    server = await startServer({ [`${PROXY}/api/search`]: json(TEMPO_SEARCH) });
    const tempo = createTempoClient({ baseUrl: `${server.origin}${PROXY}/` });
    const result = await tempo.search({
      query: '{ status = error }',
      start: 1735689000,
      end: 1735690000,
      limit: 20,
      spss: 3,
    });

    expect(server.requests[0]?.pathname).toBe(`${PROXY}/api/search`);
    expect(Object.fromEntries(server.requests[0]!.searchParams)).toEqual({
      q: '{ status = error }',
      start: '1735689000',
      end: '1735690000',
      limit: '20',
      spss: '3',
    });
    expect(result.traces.map((t) => t.traceId)).toEqual([
      '02f3e0cee77ae5dc9c17ade3689eb2e5',
      '0af7651916cd43dd8448eb211c80319c',
    ]);
    expect(result.traces[0]).toMatchObject({
      rootServiceName: 'gateway',
      startUnixMs: 1735689600000,
      durationMs: 2520,
    });
    expect(result.traces[0]?.matchedSpans).toEqual([
      { spanId: '563d623c76514f8e', name: 'pool.acquire', startUnixMs: 1735689600028, durationMs: 2300 },
    ]);
    expect(result.traces[1]?.durationMs).toBe(0);
    expect(result.metrics.inspectedTraces).toBe(120);
  });

  it.each([
    ['v2', '/api/v2/traces/', toTempoJson(nPlusOneAfterRelease(), { envelope: 'v2' })],
    ['v2', '/api/v2/traces/', toTempoJson(nPlusOneAfterRelease(), { envelope: 'v2-batches' })],
    ['v1', '/api/traces/', toTempoJson(nPlusOneAfterRelease(), { envelope: 'v1' })],
  ] as const)('fetches a trace from the %s API (%s) in a shape the analysis reads', async (api, prefix, body) => {
    const id = '00000000000000000000000000000003';
    server = await startServer({ [`${prefix}${id}`]: json(body) });
    const trace = await createTempoClient({ baseUrl: server.origin, api }).getTrace(id.toUpperCase(), {
      start: 1,
      end: 2,
    });

    expect(server.requests[0]?.search).toBe('?start=1&end=2');
    expect(trace?.resourceSpans.length).toBeGreaterThan(0);
    expect(analyzeTrace(trace).findings.map((f) => f.rule)).toEqual(['wide']);
  });

  it('returns null for a trace Tempo does not have', async () => {
    server = await startServer({ '/api/v2/traces/abc': text('trace not found', 404) });
    await expect(createTempoClient({ baseUrl: server.origin }).getTrace('abc')).resolves.toBeNull();
  });

  it('hands over a trace undecoded for the analysis worker, which reads it as getTrace does', async () => {
    const id = '00000000000000000000000000000003';
    const body = toTempoJson(nPlusOneAfterRelease(), { envelope: 'v2' });
    server = await startServer({ [`/api/v2/traces/${id}`]: json(body), '/api/v2/traces/abc': text('not found', 404) });
    const tempo = createTempoClient({ baseUrl: server.origin, name: 'Tempo (prod)' });

    const answer = await tempo.getTraceAnswer(id, { start: 1, end: 2 });
    expect(server.requests[0]?.search).toBe('?start=1&end=2');
    expect(answer).toMatchObject({
      traceId: id,
      source: { dataSource: 'Tempo', name: 'Tempo (prod)', url: `${server.origin}/api/v2/traces/${id}?start=1&end=2` },
    });
    expect(JSON.parse(new TextDecoder().decode(answer!.bytes))).toEqual(body);
    expect(readTempoTraceAnswer(answer!)).toEqual(await tempo.getTrace(id));
    await expect(tempo.getTraceAnswer('abc')).resolves.toBeNull();
  });

  it.each([
    ['not JSON', text('<html>502 Bad Gateway</html>', 200), 'the answer for trace abc is not JSON'],
    ['not a trace', json({ trace: { batches: {} } }), 'trace abc: `resourceSpans` / `batches` is not an array'],
  ])('words an answer that is %s the same whether the client or the worker reads it', async (_, route, detail) => {
    server = await startServer({ '/api/v2/traces/abc': route });
    const tempo = createTempoClient({ baseUrl: server.origin, name: 'Tempo (prod)' });
    const fromClient = await failure(tempo.getTrace('abc'));
    const answer = (await tempo.getTraceAnswer('abc'))!;
    const fromWorker = await failure(Promise.resolve().then(() => readTempoTraceAnswer(answer)));

    expect(fromClient.message).toBe(
      `Tempo (Tempo (prod)) returned an unexpected answer: ${detail}. Check that the data source points at a Tempo API.`
    );
    expect(fromWorker).toMatchObject({ kind: 'invalid-response', message: fromClient.message, url: fromClient.url });
  });

  it('takes a whole body from a transport that holds it, in the form asked for, and still refuses one past the byte limit', async () => {
    const asked: string[] = [];
    const holding =
      (body: string, as: 'text' | 'arraybuffer'): Transport =>
      async (url, { responseType }) => {
        asked.push(`${new URL(url).pathname.split('/')[3]} as ${responseType}`);
        return {
          status: 200,
          headers: { get: () => null },
          body: null,
          ...(as === 'text'
            ? { text: async () => body }
            : { arrayBuffer: async () => new TextEncoder().encode(body).buffer as ArrayBuffer }),
        };
      };
    const answer = JSON.stringify({ batches: [] });
    for (const as of ['text', 'arraybuffer'] as const) {
      const small = createTempoClient({
        baseUrl: 'http://tempo',
        transport: holding(answer, as),
        maxResponseBytes: 64,
      });
      await expect(small.getTrace('ab')).resolves.toEqual({ resourceSpans: [] });
      await expect(small.tagValues('service.name')).resolves.toEqual([]);
      // 30 characters of three UTF-8 bytes each: 90 bytes, past a 64-byte limit though only 30 characters long.
      const wide = createTempoClient({
        baseUrl: 'http://tempo',
        transport: holding('€'.repeat(30), as),
        maxResponseBytes: 64,
      });
      expect((await failure(wide.getTrace('ab'))).kind).toBe('too-large');
      expect((await failure(wide.tagValues('service.name'))).kind).toBe('too-large');
    }
    // The trace is asked for as bytes, the JSON APIs as text.
    expect(new Set(asked)).toEqual(new Set(['traces as arraybuffer', 'search as text']));
  });

  it('refuses a malformed trace id without sending anything', async () => {
    server = await startServer({});
    const error = await failure(createTempoClient({ baseUrl: server.origin }).getTrace('../../api/admin'));
    expect(error.kind).toBe('invalid-request');
    expect(server.requests).toHaveLength(0);
  });

  it('lists tag values, escaping the tag in the path and passing the scope query', async () => {
    const route = '/api/v2/search/tag/resource.service.name/values';
    server = await startServer({
      [route]: json({
        tagValues: [
          { type: 'string', value: 'payments' },
          { type: 'string', value: 'fraud' },
        ],
        metrics: {},
      }),
    });
    const values = await createTempoClient({ baseUrl: server.origin }).tagValues('resource.service.name', {
      query: '{ resource.service.name =~ "p.*" }',
    });
    expect(values).toEqual(['payments', 'fraud']);
    expect(server.requests[0]?.searchParams.get('q')).toBe('{ resource.service.name =~ "p.*" }');
  });

  it('names Tempo, the status and the server message on a bad query', async () => {
    server = await startServer({
      '/api/search': text('invalid TraceQL query: parse error at line 1, col 3: syntax error', 400),
    });
    const error = await failure(
      createTempoClient({ baseUrl: server.origin, name: 'Tempo (prod)' }).search({ query: '{ ' })
    );
    expect(error).toMatchObject({ kind: 'http', status: 400, dataSource: 'Tempo', dataSourceName: 'Tempo (prod)' });
    expect(error.url).toBe(`${server.origin}/api/search?q=%7B+`);
    expect(error.message).toBe(
      'Tempo (Tempo (prod)) answered HTTP 400: invalid TraceQL query: parse error at line 1, col 3: syntax error. The data source rejected the query; check the query and the time range.'
    );
  });

  it('rejects a 2xx answer that is not Tempo search JSON', async () => {
    server = await startServer({ '/api/search': json({ traces: [{ traceID: 'not hex' }] }) });
    expect((await failure(createTempoClient({ baseUrl: server.origin }).search({ query: '{}' }))).kind).toBe(
      'invalid-response'
    );
  });
});

describe('Prometheus client', () => {
  const vector = {
    status: 'success',
    data: {
      resultType: 'vector',
      result: [{ metric: { service: 'payments', span_name: 'POST /charge' }, value: [1735689600, '0.25'] }],
    },
  };
  const matrix = {
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        {
          metric: { service: 'payments' },
          values: [
            [1735689600, '1.5'],
            [1735689660, '2'],
          ],
        },
      ],
    },
  };

  it('runs instant and range queries', async () => {
    server = await startServer({ '/api/v1/query': json(vector), '/api/v1/query_range': json(matrix) });
    const prom = createPrometheusClient({ baseUrl: server.origin });
    await expect(prom.query('up', { time: 1735689600 })).resolves.toEqual(vector.data);
    await expect(prom.queryRange('up', { start: 1735689600, end: 1735689660, step: 60 })).resolves.toEqual(matrix.data);
    expect(Object.fromEntries(server.requests[1]!.searchParams)).toEqual({
      query: 'up',
      start: '1735689600',
      end: '1735689660',
      step: '60',
    });
  });

  it("reports Prometheus's own error message for a bad query", async () => {
    server = await startServer({
      '/api/v1/query': json({ status: 'error', errorType: 'bad_data', error: '1:5: parse error: unexpected "}"' }, 400),
    });
    const error = await failure(createPrometheusClient({ baseUrl: server.origin }).query('up{}}'));
    expect(error).toMatchObject({ dataSource: 'Prometheus', status: 400, detail: '1:5: parse error: unexpected "}"' });
  });

  it('tells the user to ask for access on 403', async () => {
    server = await startServer({ '/api/v1/query': json({ message: 'Access denied to data source' }, 403) });
    const error = await failure(createPrometheusClient({ baseUrl: server.origin }).query('up'));
    expect(error.hint).toMatch(/ask an administrator for query permission/);
    expect(error.detail).toBe('Access denied to data source');
  });

  it('rejects a range answer that is not a matrix', async () => {
    server = await startServer({ '/api/v1/query_range': json(vector) });
    const error = await failure(
      createPrometheusClient({ baseUrl: server.origin }).queryRange('up', { start: 0, end: 1, step: 1 })
    );
    expect(error.kind).toBe('invalid-response');
  });
});

describe('Loki client', () => {
  const streams = {
    status: 'success',
    data: {
      resultType: 'streams',
      result: [
        {
          stream: { service_name: 'payments' },
          values: [
            ['1735689600200000000', 'charge failed trace_id=0af76519'],
            ['1735689600100000000', 'charging'],
          ],
        },
        {
          stream: { service_name: 'fraud' },
          values: [['1735689600150000000', 'score timeout', { trace_id: '0af76519' }]],
        },
      ],
    },
  };

  it('queries a range in nanoseconds and lists lines oldest first', async () => {
    server = await startServer({ '/loki/api/v1/query_range': json(streams) });
    const result = await createLokiClient({ baseUrl: server.origin }).queryRange({
      query: '{service_name="payments"}',
      start: 1735689600,
      end: 1735689660.5,
      limit: 100,
    });
    expect(Object.fromEntries(server.requests[0]!.searchParams)).toEqual({
      query: '{service_name="payments"}',
      start: '1735689600000000000',
      end: '1735689660500000000',
      limit: '100',
    });
    expect(logLines(result).map((l) => [l.labels.service_name, l.line])).toEqual([
      ['payments', 'charging'],
      ['fraud', 'score timeout'],
      ['payments', 'charge failed trace_id=0af76519'],
    ]);
  });

  it('reports a 5xx with a plain-text body and says to retry', async () => {
    server = await startServer({ '/loki/api/v1/query_range': text('too many outstanding requests', 503) });
    const error = await failure(
      createLokiClient({ baseUrl: server.origin }).queryRange({ query: '{a="b"}', start: 0, end: 1 })
    );
    expect(error).toMatchObject({ dataSource: 'Loki', status: 503, detail: 'too many outstanding requests' });
    expect(error.hint).toMatch(/retry/);
  });
});

describe('transport failures', () => {
  const hang: Route = () => undefined; // accepts the request, never answers

  it('times out a data source that does not answer', async () => {
    server = await startServer({ '/api/v1/query': hang });
    const error = await failure(createPrometheusClient({ baseUrl: server.origin, timeoutMs: 50 }).query('up'));
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/narrow the time range/);
  });

  it('times out a body that stops arriving halfway', async () => {
    server = await startServer({
      '/api/v1/query': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":"succ');
      },
    });
    expect((await failure(createPrometheusClient({ baseUrl: server.origin, timeoutMs: 50 }).query('up'))).kind).toBe(
      'timeout'
    );
  });

  it("stops when the caller's AbortSignal fires", async () => {
    const controller = new AbortController();
    server = await startServer({ '/api/search': () => controller.abort() });
    const error = await failure(
      createTempoClient({ baseUrl: server.origin }).search({ query: '{}' }, { signal: controller.signal })
    );
    expect(error.kind).toBe('aborted');
  });

  it('does not send anything with an already aborted signal', async () => {
    server = await startServer({ '/api/search': json(TEMPO_SEARCH) });
    const error = await failure(
      createTempoClient({ baseUrl: server.origin }).search({ query: '{}' }, { signal: AbortSignal.abort() })
    );
    expect(error.kind).toBe('aborted');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a body whose declared length is over the limit', async () => {
    server = await startServer({ '/api/search': json({ traces: [], padding: 'x'.repeat(2048) }) });
    const error = await failure(
      createTempoClient({ baseUrl: server.origin, maxResponseBytes: 1024 }).search({ query: '{}' })
    );
    expect(error.kind).toBe('too-large');
    expect(error.message).toMatch(/more than 1 KiB/);
  });

  it('stops reading a streamed body once it passes the limit and closes the connection', async () => {
    let closedEarly: (value: boolean) => void = () => undefined;
    const closed = new Promise<boolean>((resolve) => (closedEarly = resolve));
    server = await startServer({
      '/api/search': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }); // chunked, no content-length
        let sent = 0;
        const pump = (): void => {
          if (res.destroyed || res.writableEnded) {
            return;
          }
          if (sent > 64 * 1024 * 1024) {
            closedEarly(false); // the client read everything: the limit did not hold
            res.end();
            return;
          }
          sent += 16 * 1024;
          res.write('x'.repeat(16 * 1024), () => setImmediate(pump));
        };
        res.on('close', () => closedEarly(true));
        pump();
      },
    });
    const error = await failure(
      createTempoClient({ baseUrl: server.origin, maxResponseBytes: 256 * 1024 }).search({ query: '{}' })
    );
    expect(error.kind).toBe('too-large');
    await expect(closed).resolves.toBe(true);
  });

  it('reports an unreachable data source as a network error', async () => {
    const s = await startServer({});
    const origin = s.origin;
    await s.close();
    const error = await failure(
      createLokiClient({ baseUrl: origin }).queryRange({ query: '{a="b"}', start: 0, end: 1 })
    );
    expect(error.kind).toBe('network');
    expect(error.message).toMatch(/^Loki \(http:\/\/127\.0\.0\.1:\d+\) could not be reached/);
  });

  it('reports a 2xx body that is not JSON', async () => {
    server = await startServer({ '/api/v1/query': text('<html>login</html>', 200) });
    const error = await failure(createPrometheusClient({ baseUrl: server.origin }).query('up'));
    expect(error.kind).toBe('invalid-response');
  });
});

describe('an injected transport', () => {
  it('receives every request, so the app can route it through Grafana', async () => {
    const seen: Array<{ url: string; headers: Record<string, string> }> = [];
    const transport: Transport = async (url, request) => {
      seen.push({ url, headers: request.headers });
      return new Response(JSON.stringify({ tagValues: [{ type: 'string', value: 'gateway' }] }), { status: 200 });
    };
    const tempo = createTempoClient({ baseUrl: PROXY, transport, headers: { 'X-Grafana-Org-Id': '1' } });
    await expect(tempo.tagValues('resource.service.name')).resolves.toEqual(['gateway']);
    expect(seen).toEqual([
      {
        url: `${PROXY}/api/v2/search/tag/resource.service.name/values`,
        headers: { Accept: 'application/json', 'X-Grafana-Org-Id': '1' },
      },
    ]);
  });
});
