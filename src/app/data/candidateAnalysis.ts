/**
 * The analysis of one load's candidate traces, as they arrive: each trace's JSON becomes the model, the rules run
 * on the real trace, and what the list shows leaves as a compact row with its explanations redacted — never the
 * trace. It works through its queue in batches of a few milliseconds and yields between them, so new traces and a
 * cancel get in. The analysis worker runs it (`candidateAnalysis.worker.ts`); where no worker can start (Jest's
 * jsdom, a plugin served from another origin) the page runs the very same code on its own thread.
 */
import {
  type AnalysisSettings,
  type Baselines,
  type Finding,
  type LatencyBaselines,
  type RedactionSettings,
  type RuleId,
  type Severity,
  type Trace,
  type TraceAnalysis,
  analyzeTrace,
  baselineAnchor,
  buildTrace,
  compileRedaction,
  type Redactor,
  p99sOf,
  redactFindings,
} from '../../analysis';
import { type TempoTraceAnswer, readTempoTraceAnswer } from '../../clients';
import { type JaegerSearchesCandidate, selectJaegerCandidates } from './jaegerCandidateSelection';
import { baselineRatioOf } from './baselineRatio';

/** One row of the anomalous-traces list; all a row needs, so no trace crosses from the worker. */
export interface AnomalousTrace {
  traceId: string;
  rootService: string;
  rootOperation: string;
  startUnixMs: number;
  durationMs: number;
  /** Root duration over the p99 of its service+operation; undefined without a baseline. */
  baselineRatio?: number;
  score: number;
  rules: Array<{ rule: RuleId; severity: Severity }>;
  /** The worst finding, explanation redacted. */
  worst: Finding;
  /** The span the worst finding points at, to open the trace focused on it. */
  evidenceSpanId?: string;
  /** That span's service and operation (redacted as text): what the list groups traces by, with root and rule. */
  cause?: { service: string; operation: string };
  /**
   * The services the findings' evidence involves: each evidence span's, and for a call, the service it reached (time
   * between the two belongs to the link and the callee). "Where to look first" narrows the list by them.
   */
  evidenceServices: string[];
}

export const SEVERITY_RANK: Record<Severity, number> = { critical: 3, warning: 2, info: 1 };

/** Most anomalous first, as `rankTraces` orders analyses: worst severity, score, longer duration, trace id. */
export function compareRows(a: AnomalousTrace, b: AnomalousTrace): number {
  return (
    SEVERITY_RANK[b.worst.severity] - SEVERITY_RANK[a.worst.severity] ||
    b.score - a.score ||
    b.durationMs - a.durationMs ||
    (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0)
  );
}

export function rankRows(rows: readonly AnomalousTrace[]): AnomalousTrace[] {
  return [...rows].sort(compareRows);
}

/**
 * Tempo's trace-by-id answer as it came over the wire, undecoded: decoding and parsing it here rather than on the
 * page keeps the page's thread free (a 1,000-span trace is ~600 KB of JSON), and its bytes are transferred to the
 * worker, not copied (`candidateAnalysisProtocol`).
 */
export interface TempoCandidate {
  readonly format: 'tempo-answer';
  readonly answer: TempoTraceAnswer;
}

/**
 * A candidate as the page hands it on: one of Tempo's trace-by-id answers, or a load's Jaeger searches, which the
 * analysis expands into the traces they select (`selectJaegerCandidates`). Both carry undecoded bytes.
 */
export type CandidateJson = TempoCandidate | JaegerSearchesCandidate;

export interface CandidateAnalysisRequest {
  settings: AnalysisSettings;
  /** The settings, not a compiled redactor: functions cannot be posted to a worker. */
  redaction: RedactionSettings;
  /** By anchor: each trace is judged against the baselines of its own (`baselineAnchor`). */
  baselines: ReadonlyMap<number, LatencyBaselines>;
}

export type CandidateAnalysisEvent =
  /** The rows of traces analysed since the last event (traces without findings have none); `analysed` in all. */
  | { type: 'rows'; rows: AnomalousTrace[]; analysed: number }
  /** `found`: the candidate traces received; `truncated`: what the Jaeger searches' caps left out, if anything. */
  | { type: 'done'; analysed: number; found: number; truncated?: string }
  | { type: 'failed'; message: string };

export interface CandidateAnalysis {
  add(candidates: readonly CandidateJson[]): void;
  /** No more candidates: `done` follows once the queue is empty. */
  end(): void;
  /** Stops at the next trace; nothing is emitted after it. */
  cancel(): void;
}

/** How long one batch may hold the thread before yielding; a long task starts at 50 ms. */
const BATCH_BUDGET_MS = 8;

interface Scheduler {
  yield(): Promise<void>;
}

/** Lets queued messages and rendering in: `scheduler.yield` where the browser has it, else a macrotask. */
function yieldToHost(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Partial<Scheduler> }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

/** What the queue holds: a Tempo answer, or a trace its Jaeger searches selected (built to be checked and ranked). */
type Queued = TempoCandidate | Trace;

const isJaegerSearches = (c: Queued | JaegerSearchesCandidate): c is JaegerSearchesCandidate =>
  'format' in c && c.format === 'jaeger-searches';

function modelOf(candidate: Queued): Trace {
  return 'format' in candidate ? buildTrace(readTempoTraceAnswer(candidate.answer)) : candidate;
}

/** The list's row for an analysed trace: redacted as the Trace page's display copy is (`forDisplay`). */
export function listRow(
  { trace, findings, score }: TraceAnalysis,
  baselines: Baselines,
  redactor: Redactor
): AnomalousTrace {
  const shown = redactFindings(findings, redactor);
  const worst = shown[0] as Finding;
  const evidence = worst.spanIds[0] === undefined ? undefined : trace.spanById(worst.spanIds[0]);
  const rules = new Map<RuleId, Severity>();
  for (const finding of shown) {
    if (!rules.has(finding.rule)) {
      rules.set(finding.rule, finding.severity);
    }
  }
  return {
    traceId: trace.traceId,
    rootService: trace.root?.service ?? 'unknown_service',
    // A span name is redacted as text, as `redactTrace` does for the Trace page.
    rootOperation: redactor.text(trace.root?.name ?? ''),
    startUnixMs: trace.startUnixMs,
    durationMs: trace.durationMs,
    baselineRatio: baselineRatioOf(trace, baselines),
    score,
    rules: [...rules].map(([rule, severity]) => ({ rule, severity })),
    worst,
    evidenceSpanId: worst.spanIds[0],
    cause: evidence && { service: evidence.service, operation: redactor.text(evidence.name) },
    evidenceServices: evidenceServicesOf(trace, shown),
  };
}

function evidenceServicesOf(trace: Trace, findings: readonly Finding[]): string[] {
  const services = new Set<string>();
  for (const id of new Set(findings.flatMap((f) => f.spanIds))) {
    const span = trace.spanById(id);
    if (span) {
      services.add(span.service);
      const [callee] = span.children;
      if (span.kind !== 'server' && span.children.length === 1 && callee && callee.service !== span.service) {
        services.add(callee.service);
      }
    }
  }
  return [...services];
}

export function startCandidateAnalysis(
  request: CandidateAnalysisRequest,
  emit: (event: CandidateAnalysisEvent) => void,
  now: () => number = () => performance.now()
): CandidateAnalysis {
  const redactor = compileRedaction(request.redaction);
  const p99sByAnchor = new Map<number, Baselines>();
  const p99sAt = (trace: Trace): Baselines => {
    const anchor = baselineAnchor(trace.startUnixMs);
    let p99s = p99sByAnchor.get(anchor);
    if (!p99s) {
      p99s = p99sOf(request.baselines.get(anchor) ?? new Map());
      p99sByAnchor.set(anchor, p99s);
    }
    return p99s;
  };
  const queue: Array<Queued | JaegerSearchesCandidate> = [];
  let analysed = 0;
  let found = 0;
  let truncated: string | undefined;
  let ended = false;
  let stopped = false;
  let running = false;

  const stop = (event?: CandidateAnalysisEvent) => {
    if (!stopped && event) {
      emit(event);
    }
    stopped = true;
    queue.length = 0;
  };

  async function work() {
    running = true;
    while (queue.length > 0 && !stopped) {
      const rows: AnomalousTrace[] = [];
      const deadline = now() + BATCH_BUDGET_MS;
      do {
        const candidate = queue.shift() as Queued | JaegerSearchesCandidate;
        if (isJaegerSearches(candidate)) {
          const selected = selectJaegerCandidates(candidate);
          truncated = selected.truncated;
          found += selected.traces.length;
          queue.unshift(...selected.traces);
          continue;
        }
        const trace = modelOf(candidate);
        const baselines = p99sAt(trace);
        const analysis = analyzeTrace(trace, { settings: request.settings, baselines });
        analysed += 1;
        if (analysis.findings.length > 0) {
          rows.push(listRow(analysis, baselines, redactor));
        }
      } while (queue.length > 0 && now() < deadline);
      emit({ type: 'rows', rows, analysed });
      await yieldToHost();
    }
    running = false;
    if (ended && !stopped && queue.length === 0) {
      stop({ type: 'done', analysed, found, truncated });
    }
  }

  const resume = () => {
    if (!running && !stopped) {
      work().catch((error: unknown) => stop({ type: 'failed', message: (error as Error).message ?? String(error) }));
    }
  };

  return {
    add(candidates) {
      if (stopped) {
        return;
      }
      found += candidates.filter((c) => !isJaegerSearches(c)).length;
      queue.push(...candidates);
      resume();
    },
    end() {
      if (!stopped && !ended) {
        ended = true;
        resume();
      }
    },
    cancel: () => stop(),
  };
}
