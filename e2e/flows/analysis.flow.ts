/**
 * The incident page analyses 1,000 candidate traces off the page's thread: in the plugin's Web Worker, with rows
 * appearing as traces arrive; and, under a Grafana sub-path, the worker still loads from next to `module.js` and
 * does the work. The real stack cannot produce 1,000 anomalous traces of this size quickly, so this flow serves
 * generated traces from a Tempo-shaped server of its own (the Tempo API the app reads: `/api/search`,
 * `/api/v2/traces/<id>`), added to the host as a data source.
 *
 * Where the work ran is asserted from the messages between the page and the worker, which the flow observes in the
 * page: every candidate was handed to the worker and the worker reported every one analysed, so the page's own
 * analysis path (used only when no worker starts) never ran. How long it took and how long the page's main-thread
 * tasks were (a `PerformanceObserver` for long tasks, over the analysis window only) are printed as figures
 * (`docs/benchmarks.md`), not asserted: on a busy machine they measure the machine.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from '@jest/globals';
import type { Page } from 'playwright-core';

import { analyzeTrace } from '../../src/analysis';
import { hexToBase64, syntheticTrace, toTempoJson } from '../../src/analysis/fixtures';
import { eventually } from '../stack/backends';
import type { Environment } from './environment';
import { ANALYSIS_WORKER_URL } from './support';

const INCIDENT = '/a/seed-tracingops-app/incident';
const PLUGIN_SETTINGS = '/api/plugins/seed-tracingops-app/settings';
const TRACES = 1000;
/**
 * 1,000 spans is ~600 KB of Tempo JSON per trace, 600 MB for the load: the page only moves each answer's bytes to
 * the worker. `E2E_ANALYSIS_SPANS=200` (~120 KB each) halves the flow's time (docs/benchmarks.md).
 */
const SPANS_PER_TRACE = Number(process.env.E2E_ANALYSIS_SPANS ?? 1000);
/** Distinct trace shapes; every trace is one of them under its own id, so serving costs no generation. */
const SHAPES = 10;
/** The search answers late, so the overview and sampling sections have rendered before the analysis starts. */
const SEARCH_DELAY_MS = 3000;
const LONG_TASK_MS = 50;
/** Where the sub-path flow's Grafana lives (`root_url = http://…/grafana/`, `serve_from_sub_path = true`). */
const SUB_PATH = '/grafana';
const WORKER_SETTLED = 'analysis worker settled: ';
/**
 * `E2E_ANALYSIS_TRACE=<file>` records a Chromium performance trace of the page (main thread, worker, GC, sampled
 * stacks) from the page's load to the list being complete; `npx tsx e2e/flows/longTasks.ts <file>` says where
 * each long task's time went.
 */
const TRACE_FILE = process.env.E2E_ANALYSIS_TRACE;
const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.gc',
  'disabled-by-default-v8.cpu_profiler',
  'blink_gc',
  'loading',
];

/** Starts a CDP trace of `page`; the returned function ends it and writes the events to `file`. */
async function startTrace(page: Page, file: string): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  const events: unknown[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
  await cdp.send('Tracing.start', { traceConfig: { includedCategories: TRACE_CATEGORIES } });
  return async () => {
    const complete = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
    await cdp.send('Tracing.end');
    await complete;
    writeFileSync(file, JSON.stringify({ traceEvents: events }));
    await cdp.detach();
  };
}

const idOf = (n: number) => (0x10000000 + n).toString(16).repeat(4);

/** A Tempo serving `count` generated traces of `spans` spans; counts what it served. */
async function startGeneratedTempo(count = TRACES, spans = SPANS_PER_TRACE) {
  const shapes = Array.from({ length: SHAPES }, (_, i) => {
    const trace = syntheticTrace({ spans, seed: i + 1 });
    const traceId = trace.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId;
    return {
      json: JSON.stringify(toTempoJson(trace)),
      id: hexToBase64(traceId),
      anomalous: analyzeTrace(trace).findings.length > 0,
    };
  });
  let served = 0;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://tempo');
    const send = (body: string) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    };
    if (url.pathname === '/api/search') {
      const traces = Array.from({ length: Math.min(count, Number(url.searchParams.get('limit') ?? 20)) }, (_, n) => ({
        traceID: idOf(n),
        rootServiceName: 'gateway',
        rootTraceName: 'GET /checkout',
        startTimeUnixNano: String(Date.now() * 1e6),
        durationMs: 1000,
      }));
      setTimeout(() => send(JSON.stringify({ traces, metrics: {} })), SEARCH_DELAY_MS);
      return;
    }
    const match = /^\/api\/v2\/traces\/([0-9a-f]{32})$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const n = parseInt(match[1]!.slice(0, 8), 16) - 0x10000000;
    const shape = shapes[n % SHAPES]!;
    served += 1;
    send(shape.json.split(shape.id).join(hexToBase64(match[1]!)));
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: () => served,
    /** How many of the traces the engine flags, counted on the shapes. */
    anomalous: Array.from({ length: count }, (_, n) => shapes[n % SHAPES]!.anomalous).filter(Boolean).length,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

async function saveSettings(env: Environment, jsonData: Record<string, unknown>) {
  const response = await fetch(`${env.host.url}${PLUGIN_SETTINGS}`, {
    method: 'POST',
    headers: { cookie: 'host_user=admin', 'content-type': 'application/json' },
    body: JSON.stringify({ jsonData }),
  });
  expect(response.status).toBe(200);
}

/** The page's side of its analysis workers' message traffic, by message type. */
interface WorkerTraffic {
  /** Script URLs of the workers the page started. */
  started: string[];
  /** Messages the page posted to a worker, and how many candidates they carried. */
  posted: Record<string, number>;
  candidatesPosted: number;
  /** Messages the page received from a worker; the last `done` or `failed` as received. */
  received: Record<string, number>;
  settled?: { type: string; analysed?: number; found?: number };
}

interface Timeline {
  worker: WorkerTraffic;
  longTasks: Array<{ start: number; duration: number }>;
  /** Long animation frames, with where their time went: for a failure to say what held the thread. */
  frames: Array<{ start: number; duration: number; styleAndLayout: number; scripts: Array<[string, number]> }>;
  firstTraceRequest?: number;
  firstRow?: number;
  complete?: number;
}

/**
 * Runs in the page before any of its scripts: the messages between the page and the workers it starts (`Worker`
 * wrapped, so the page's own code is unchanged), long tasks, the first request of a trace by id, the first row and
 * the moment the list is complete (table shown, progress line gone), all on the page's performance clock.
 */
function observeTimeline() {
  const worker: WorkerTraffic = { started: [], posted: {}, candidatesPosted: 0, received: {} };
  const timeline: Timeline = { worker, longTasks: [], frames: [] };
  (window as unknown as { __timeline: Timeline }).__timeline = timeline;
  type Message = { type?: string; candidates?: unknown[]; analysed?: number; found?: number };
  const count = (counts: Record<string, number>, message: Message) => {
    counts[String(message?.type)] = (counts[String(message?.type)] ?? 0) + 1;
  };
  const PageWorker = window.Worker;
  // The page also ranks suspects in a worker of the same script; only the traffic of the one it hands the
  // candidates to (its first message is `start`) is counted.
  window.Worker = class extends PageWorker {
    analysesCandidates = false;
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      worker.started.push(String(url));
      this.addEventListener('message', ({ data }: MessageEvent<Message>) => {
        if (!this.analysesCandidates) {
          return;
        }
        count(worker.received, data);
        if (data?.type === 'done' || data?.type === 'failed') {
          worker.settled = { type: data.type, analysed: data.analysed, found: data.found };
        }
      });
    }
    override postMessage(message: Message, transfer?: Transferable[] | StructuredSerializeOptions) {
      this.analysesCandidates ||= message?.type === 'start';
      if (this.analysesCandidates) {
        count(worker.posted, message);
        worker.candidatesPosted += message?.type === 'candidates' ? (message.candidates?.length ?? 0) : 0;
      }
      super.postMessage(message, transfer as Transferable[]);
    }
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      timeline.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: 'longtask', buffered: true });
  type Frame = PerformanceEntry & {
    styleAndLayoutStart: number;
    scripts: Array<{ invoker: string; sourceURL: string; sourceFunctionName: string; duration: number }>;
  };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as Frame[]) {
      timeline.frames.push({
        start: entry.startTime,
        duration: entry.duration,
        styleAndLayout: entry.styleAndLayoutStart ? entry.startTime + entry.duration - entry.styleAndLayoutStart : 0,
        scripts: entry.scripts.map((s) => [
          `${s.invoker} ${s.sourceURL.replace(/^.*\//, '')}:${s.sourceFunctionName}`,
          Math.round(s.duration),
        ]),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (timeline.firstTraceRequest === undefined && entry.name.includes('/api/v2/traces/')) {
        timeline.firstTraceRequest = entry.startTime;
      }
    }
  }).observe({ type: 'resource', buffered: true });
  const check = () => {
    const rows = document.querySelectorAll('tr[aria-label^="Open the trace of"]').length;
    if (rows > 0 && timeline.firstRow === undefined) {
      timeline.firstRow = performance.now();
    }
    const progressing = document.body.textContent?.includes('Analysing candidate traces as they arrive');
    if (rows > 0 && !progressing && timeline.complete === undefined) {
      timeline.complete = performance.now();
    }
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
}

export function analysisFlows(env: () => Environment) {
  describe('analysis off the main thread', () => {
    it('analyses 1,000 candidate traces in the worker, not on the page, rows arriving as traces do', async () => {
      const tempo = await startGeneratedTempo();
      const { host, browser } = env();
      host.addDataSource({ uid: 'generated-tempo', type: 'tempo', name: 'Tempo (generated traces)', url: tempo.url });
      const original = { ...host.settings().jsonData };
      await saveSettings(env(), { ...original, tracesDatasourceUid: 'generated-tempo', maxCandidates: TRACES });
      // Observers in every page of the context from now on; they only watch.
      await browser.context.addInitScript(observeTimeline);
      try {
        const page = await browser.open('editor', `${INCIDENT}?from=now-1h&to=now&list=traces`);
        const endTrace = TRACE_FILE ? await startTrace(page, TRACE_FILE) : undefined;
        await page.waitForFunction(
          () => (window as unknown as { __timeline: Timeline }).__timeline.complete !== undefined,
          undefined,
          // Generous: 10–25 s here on a quiet machine; a starved one is slower, not wrong.
          { timeout: 600_000, polling: 1000 }
        );
        await endTrace?.();
        const timeline = await page.evaluate(() => (window as unknown as { __timeline: Timeline }).__timeline);
        const start = timeline.firstTraceRequest!;
        const during = timeline.longTasks.filter((t) => t.start + t.duration > start && t.start < timeline.complete!);
        const longest = Math.max(0, ...during.map((t) => t.duration));
        const outside = Math.max(0, ...timeline.longTasks.map((t) => t.duration));
        // Where the long frames of the window spent their time, by script entry point (Long Animation Frames API).
        const frames = timeline.frames.filter((f) => f.start + f.duration > start && f.start < timeline.complete!);
        const bySource = new Map<string, number>();
        for (const [source, ms] of frames.flatMap((f) => f.scripts)) {
          bySource.set(source, (bySource.get(source) ?? 0) + ms);
        }
        const heaviest = [...bySource].sort((a, b) => b[1] - a[1]).slice(0, 5);
        const worst = [...frames]
          .sort((a, b) => b.duration - a.duration)
          .slice(0, 3)
          .map(
            (f) =>
              `${Math.round(f.duration)} ms at +${Math.round(f.start - start)} (layout ${Math.round(f.styleAndLayout)}: ${f.scripts.map(([s, ms]) => `${s} ${ms}`).join(', ')})`
          );
        const layout = Math.round(frames.reduce((sum, f) => sum + f.styleAndLayout, 0));
        env().report(
          `analysis of ${TRACES} candidate traces × ${SPANS_PER_TRACE} spans (generated, served by the flow's Tempo): ` +
            `first row ${Math.round(timeline.firstRow! - start)} ms and full list ${Math.round(timeline.complete! - start)} ms after the first trace request; ` +
            `longest main-thread task during the analysis ${Math.round(longest)} ms (${during.length} over ${LONG_TASK_MS} ms); ` +
            `longest on the whole page incl. start-up ${Math.round(outside)} ms; ` +
            `long frames in the window: ${frames.length}, style and layout ${layout} ms, scripts ${heaviest.map(([s, ms]) => `${s} ${ms} ms`).join(', ')}; ` +
            `worst frames: ${worst.join('; ')}`
        );
        await page.screenshot({
          path: env().screenshot('incident-1000-traces'),
          clip: { x: 0, y: 0, width: 1280, height: 620 },
        });

        // The analysis ran in the plugin's worker, loaded from next to module.js: every worker the page started is
        // that script, the page handed one of them every candidate (the answers' bytes transferred, so the page kept
        // none to analyse) and it reported every one analysed. The page's own path (no worker) would post and
        // receive nothing.
        const traffic = timeline.worker;
        expect(traffic.started.length).toBeGreaterThan(0);
        expect(traffic.started.filter((url) => !ANALYSIS_WORKER_URL.test(url))).toEqual([]);
        expect(traffic.posted).toEqual({ start: 1, candidates: expect.any(Number), end: 1 });
        expect(traffic.candidatesPosted).toBe(TRACES);
        expect(traffic.settled).toMatchObject({ type: 'done', analysed: TRACES });
        // Streaming: the worker reported rows in more than one message, and a row was on screen before the list
        // was complete.
        expect(traffic.received.rows).toBeGreaterThan(1);
        // Every candidate was fetched and analysed, and the list holds every trace the engine flags.
        // (The suspects' samples of the range and the hour before it fetch traces of their own on top.)
        expect(tempo.served()).toBeGreaterThanOrEqual(TRACES);
        const more = page.getByRole('button', { name: /^Show \d+ more of \d+$/ });
        const hidden = (await more.count()) > 0 ? Number(/of (\d+)$/.exec((await more.textContent()) ?? '')?.[1]) : 0;
        const rows = await page.locator('tr[aria-label^="Open the trace of"]').count();
        expect(rows + hidden).toBe(tempo.anomalous);
        expect(timeline.firstRow!).toBeLessThan(timeline.complete!);
      } finally {
        await saveSettings(env(), original);
        await tempo.close();
      }
    }, 720_000);

    it('under a Grafana sub-path, loads the worker from the sub-path and analyses the traces in it', async () => {
      const count = 40;
      const tempo = await startGeneratedTempo(count, 200);
      const { host, browser } = env();
      host.addDataSource({ uid: 'generated-tempo', type: 'tempo', name: 'Tempo (generated traces)', url: tempo.url });
      const original = { ...host.settings().jsonData };
      await saveSettings(env(), { ...original, tracesDatasourceUid: 'generated-tempo', maxCandidates: count });
      const grafana = await host.serveUnderSubPath(SUB_PATH);
      const origin = new URL(grafana.url).origin;
      const requested: string[] = [];
      const settledInWorker: unknown[] = [];
      try {
        const page = await browser.open('editor', `${grafana.url}${INCIDENT}?from=now-1h&to=now&list=traces`);
        page.on('request', (request) => request.url().startsWith(origin) && requested.push(request.url()));
        // Each worker (the candidates' and the suspects') logs the last message it posts (`done`, `ranking`): the
        // analysis ran in one of them, not on the page. Logged, as the page terminates a worker once it is done.
        const workerUrls: string[] = [];
        page.on('worker', (worker) => {
          workerUrls.push(worker.url());
          worker.on('console', (message) => {
            if (message.text().startsWith(WORKER_SETTLED)) {
              settledInWorker.push(JSON.parse(message.text().slice(WORKER_SETTLED.length)));
            }
          });
          void worker
            .evaluate((prefix) => {
              const scope = self as unknown as { postMessage(m: unknown, t?: Transferable[]): void };
              const post = scope.postMessage.bind(scope);
              scope.postMessage = (message, transfer) => {
                if ((message as { type: string }).type !== 'rows') {
                  console.log(prefix + JSON.stringify(message));
                }
                post(message, transfer);
              };
            }, WORKER_SETTLED)
            .catch(() => undefined); // a worker already terminated has nothing left to log
        });
        await page.waitForEvent('worker', { timeout: 60_000 });
        await page.waitForFunction(
          () =>
            document.querySelectorAll('tr[aria-label^="Open the trace of"]').length > 0 &&
            !document.body.textContent?.includes('Analysing candidate traces as they arrive'),
          undefined,
          { timeout: 60_000 }
        );

        const done = (m: unknown) => (m as { type?: string }).type === 'done';
        expect(await eventually('the candidate worker’s last message', async () => settledInWorker.find(done))).toEqual(
          {
            type: 'done',
            analysed: count,
            found: count,
          }
        );
        // From next to module.js, under the sub-path.
        expect(workerUrls.length).toBeGreaterThan(0);
        expect(
          workerUrls.filter(
            (url) =>
              !new RegExp(`^${origin}${SUB_PATH}/public/plugins/seed-tracingops-app/tracingops-analysis\\.js`).test(url)
          )
        ).toEqual([]);
        expect(tempo.served()).toBeGreaterThanOrEqual(count);
        const rows = await page.locator('tr[aria-label^="Open the trace of"]').count();
        // 40 candidates: the flagged ones fit on the list's first page.
        expect(rows).toBe(tempo.anomalous);
        // Every request the page made stayed under the sub-path, as behind Grafana's `root_url`.
        expect(requested.filter((url) => !url.startsWith(`${origin}${SUB_PATH}/`))).toEqual([]);
      } finally {
        await saveSettings(env(), original);
        await tempo.close();
      }
    }, 300_000);
  });
}
