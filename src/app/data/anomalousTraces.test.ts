import { DEFAULT_ANALYSIS_SETTINGS, DEFAULT_REDACTION_SETTINGS } from '../../analysis';
import {
  type OtlpTraceJson,
  connectionPoolWait,
  healthyTrace,
  nPlusOneAfterRelease,
  plainError,
  toTempoJson,
} from '../../analysis/fixtures';
import { type TransportResponse, createTempoClient } from '../../clients';
import { scopeOf } from '../../queries';
import { type AnomalousTraces, findAnomalousTraces } from './anomalousTraces';

const traceIdOf = (trace: OtlpTraceJson) => trace.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId;

function response(body: unknown): TransportResponse {
  return {
    status: 200,
    headers: { get: () => null },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(JSON.stringify(body)));
        controller.close();
      },
    }),
  };
}

/**
 * A Tempo on a transport the test controls: the search lists `traces`, every trace by id answers at once except
 * `held`, which waits until the test calls `release()`.
 */
function tempoWith(traces: OtlpTraceJson[], held: OtlpTraceJson) {
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  const fetched: string[] = [];
  const client = createTempoClient({
    baseUrl: 'http://tempo',
    transport: async (url) => {
      const u = new URL(url);
      if (u.pathname === '/api/search') {
        return response({ traces: traces.map((t) => ({ traceID: traceIdOf(t), rootServiceName: 'gateway' })) });
      }
      const trace = traces.find((t) => u.pathname.endsWith(traceIdOf(t)))!;
      if (trace === held) {
        await released;
      }
      fetched.push(traceIdOf(trace));
      return response(toTempoJson(trace));
    },
  });
  return { client, fetched, release };
}

const query = {
  scope: scopeOf(['gateway']),
  start: 1_735_689_600,
  end: 1_735_693_200,
  settings: DEFAULT_ANALYSIS_SETTINGS,
  redaction: DEFAULT_REDACTION_SETTINGS,
};

describe('findAnomalousTraces', () => {
  it('reports the first rows while a candidate is still being fetched, then the whole ranked list', async () => {
    const held = healthyTrace();
    const traces = [plainError(), connectionPoolWait(), held, nPlusOneAfterRelease()];
    const tempo = tempoWith(traces, held);
    const progress: AnomalousTraces[] = [];
    let firstReport: () => void = () => {};
    const reported = new Promise<void>((resolve) => (firstReport = resolve));
    const load = findAnomalousTraces({ ...query, tempo: tempo.client }, (partial) => {
      progress.push(partial);
      firstReport();
    });

    await reported;
    expect(tempo.fetched).not.toContain(traceIdOf(held));
    expect(progress[0]!.traces.length).toBeGreaterThan(0);

    tempo.release();
    const all = await load;
    expect(all.candidates).toBe(4);
    expect(all.traces.map((t) => t.traceId).sort()).toEqual(
      [plainError(), connectionPoolWait(), nPlusOneAfterRelease()].map(traceIdOf).sort()
    );
    // Worst first: the error (critical) outranks the warnings.
    expect(all.traces[0]!.worst.rule).toBe('error');
  });

  it('stops when the page cancels: the promise rejects as aborted and no progress is reported afterwards', async () => {
    const held = healthyTrace();
    const tempo = tempoWith([plainError(), held, connectionPoolWait()], held);
    const controller = new AbortController();
    let reports = 0;
    let firstReport: () => void = () => {};
    const reported = new Promise<void>((resolve) => (firstReport = resolve));
    const load = findAnomalousTraces({ ...query, tempo: tempo.client, signal: controller.signal }, () => {
      reports += 1;
      firstReport();
    });

    await reported;
    controller.abort();
    const seen = reports;
    tempo.release();
    await expect(load).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 500));
    expect(reports).toBe(seen);
  });
});
