/**
 * The analysis worker as built (run after `npm run build`): one plain script next to `module.js`, which the browser
 * runs with nothing from Grafana — no AMD loader, no shared modules, no further chunks to fetch from a public path
 * the worker cannot know. Run here in a bare VM context that offers only what a worker's global scope has.
 */
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';

import { DEFAULT_ANALYSIS_SETTINGS, DEFAULT_REDACTION_SETTINGS } from '../../src/analysis';
import { type OtlpTraceJson, connectionPoolWait, healthyTrace, toTempoJson } from '../../src/analysis/fixtures';

const dist = path.resolve(__dirname, '../../dist');
const WORKER = 'tracingops-analysis.js';

/** The built worker in a bare VM scope: what it posts, and a `send` that delivers a message as a worker gets one. */
function runWorker<Posted>() {
  const posted: Posted[] = [];
  const listeners: Array<(event: { data: unknown }) => void> = [];
  const scope = vm.createContext({
    addEventListener: (type: string, listener: (event: { data: unknown }) => void) =>
      type === 'message' && listeners.push(listener),
    postMessage: (message: Posted) => posted.push(structuredClone(message)),
    setTimeout,
    performance,
    TextDecoder,
  });
  vm.runInContext(fs.readFileSync(path.join(dist, WORKER), 'utf8'), scope, { filename: WORKER });
  // The candidate analysis and "Where to look first" each listen; the first message says which one runs.
  expect(listeners).toHaveLength(2);
  const send = (data: unknown) => listeners.forEach((listener) => listener({ data: structuredClone(data) }));
  return { posted, send };
}

const tempoAnswer = (traceId: string, trace: OtlpTraceJson) => ({
  format: 'tempo-answer',
  answer: {
    traceId,
    source: { dataSource: 'Tempo', name: 'Tempo', url: `/api/v2/traces/${traceId}` },
    bytes: new TextEncoder().encode(JSON.stringify(toTempoJson(trace))).buffer,
  },
});

describe('dist/ analysis worker', () => {
  it('is created by module.js from the chunk next to it', () => {
    const module = fs.readFileSync(path.join(dist, 'module.js'), 'utf8');
    expect(module).toMatch(/new Worker\(new URL\(/);
    expect(module).toContain('"tracingops-analysis"');
    expect(fs.existsSync(path.join(dist, WORKER))).toBe(true);
  });

  it('answers the page’s messages with rows when run on its own, as a worker runs it', async () => {
    const { posted, send } = runWorker<{ type: string; rows?: Array<{ worst: { rule: string } }> }>();
    const { batches } = toTempoJson(healthyTrace(), { envelope: 'v1' }) as { batches: unknown[] };
    // As the page sends Tempo's answers: the bytes undecoded.
    const answer = {
      traceId: 'ab',
      source: { dataSource: 'Tempo', name: 'Tempo', url: '/api/v2/traces/ab' },
      bytes: new TextEncoder().encode(JSON.stringify(toTempoJson(connectionPoolWait()))).buffer,
    };
    send({
      type: 'start',
      request: { settings: DEFAULT_ANALYSIS_SETTINGS, redaction: DEFAULT_REDACTION_SETTINGS, baselines: new Map() },
    });
    send({ type: 'candidates', candidates: [{ resourceSpans: batches }, { format: 'tempo-answer', answer }] });
    send({ type: 'end' });
    for (let i = 0; i < 100 && !posted.some((m) => m.type !== 'rows'); i++) {
      await new Promise((r) => setTimeout(r, 10));
    }

    expect(posted.at(-1)).toEqual({ type: 'done', analysed: 2, found: 2 });
    expect(posted.flatMap((m) => m.rows ?? []).map((row) => row.worst.rule)).toEqual(['bottleneck']);
  });

  it('ranks suspects when started for "Where to look first", with its own messages', async () => {
    const { posted, send } = runWorker<{ type: string; final?: boolean; ranking?: { baselineTraces: number; rangeTraces: number } }>();
    const trace = healthyTrace();
    send({ type: 'start-suspects', request: { redaction: DEFAULT_REDACTION_SETTINGS, rangeStartMs: 0 } });
    send({ type: 'samples', window: 'range', samples: [tempoAnswer('ab', trace)] });
    send({ type: 'window-end', window: 'range' });
    send({ type: 'window-end', window: 'baseline' });

    // The one trace starts after 0, so it is the range's; with no baseline, not enough evidence — and no rows.
    expect(posted).toEqual([
      {
        type: 'ranking',
        final: true,
        ranking: expect.objectContaining({ verdict: 'not-enough-evidence', rangeTraces: 1, baselineTraces: 0 }),
      },
    ]);
  });
});
