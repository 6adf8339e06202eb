/**
 * "Where to look first", computed where the candidate analysis runs (the analysis worker, or the page's thread where
 * no worker starts): the traces of a baseline window before the range are profiled once (`profileBaseline`), then the
 * range's traces are ranked against the profile (`rankSuspects`) again as they arrive. Both windows are samples of
 * every trace in scope, taken alike — not the anomalous candidates, which are chosen for failing or being slow and
 * would make any chronic error look like a change. What leaves is the ranking redacted for display, with an example
 * trace and its evidence span per suspect — never a trace.
 */
import {
  type BaselineProfile,
  type RedactionSettings,
  type SuspectRanking,
  type SignalKind,
  type Span,
  type Suspect,
  type Trace,
  buildTrace,
  compileRedaction,
  profileBaseline,
  rankSuspects,
} from '../../analysis';
import { readTempoTraceAnswer } from '../../clients';
import type { TraceAttributeFilter } from '../../queries';
import type { TempoCandidate } from './candidateAnalysis';
import { type ScopeSearchAnswer, selectScopeTraces } from './jaegerAnswers';

/** Suspects shown; the ranking's tail says little a responder acts on. */
const SHOWN_SUSPECTS = 5;

/**
 * Traces of one window as they came over the wire: Tempo's trace answers, or Jaeger's search answers with the
 * filters each trace must carry (Jaeger's search is not trusted to have applied them).
 */
export type SampleJson =
  | TempoCandidate
  | {
      readonly format: 'jaeger-answers';
      readonly answers: readonly ScopeSearchAnswer[];
      readonly filters: readonly TraceAttributeFilter[];
    };

export type SuspectWindow = 'baseline' | 'range';

export interface ShownSuspect {
  readonly service: string;
  readonly operation?: string;
  /** Redacted as text, as the list's explanations are. */
  readonly reason: string;
  /** Range traces with evidence on it, and how many of them its strongest signal's baseline rate predicts. */
  readonly traces: number;
  readonly expected: number;
  readonly kinds: readonly SignalKind[];
  /** The clearest range trace, and the span of the suspect to open it at. */
  readonly example?: { readonly traceId: string; readonly spanId?: string };
}

export interface ShownRanking {
  readonly verdict: SuspectRanking['verdict'];
  readonly suspects: readonly ShownSuspect[];
  readonly notes: readonly string[];
  /** Traces of each window that the ranking could read. */
  readonly rangeTraces: number;
  readonly baselineTraces: number;
  /** Unix milliseconds of the baseline's first and last trace; undefined without any. */
  readonly baselineFromMs?: number;
  readonly baselineToMs?: number;
}

export interface SuspectAnalysisRequest {
  /** The settings, not a compiled redactor: functions cannot be posted to a worker. */
  redaction: RedactionSettings;
  /**
   * Unix milliseconds where the range starts: a trace belongs to the window it starts in, whichever search found it
   * (a trace that straddles the boundary is in both windows' searches).
   */
  rangeStartMs: number;
}

export type SuspectAnalysisEvent =
  /** The ranking of the range traces so far; `final` once both windows have ended. */
  { type: 'ranking'; ranking: ShownRanking; final: boolean } | { type: 'failed'; message: string };

export interface SuspectAnalysis {
  add(window: SuspectWindow, samples: readonly SampleJson[]): void;
  /** The window's traces are all in; the ranking is final once both are. */
  end(window: SuspectWindow): void;
  cancel(): void;
}

function tracesOf(samples: readonly SampleJson[]): Trace[] {
  return samples.flatMap((s) =>
    s.format === 'tempo-answer'
      ? [buildTrace(readTempoTraceAnswer(s.answer))]
      : selectScopeTraces(s.answers, s.filters).traces
  );
}

/**
 * The span to open an example trace at: for errors, where they start in the suspect; otherwise the suspect's span
 * (of its operation, when named) with the most time of its own.
 */
function evidenceSpanOf(trace: Trace, suspect: Suspect): string | undefined {
  const own = trace.spans.filter(
    (s) => s.service === suspect.service && (suspect.operation === undefined || s.name === suspect.operation)
  );
  const failed = suspect.signals[0]?.kind === 'errors' ? own.filter((s) => s.status === 'error') : [];
  // The deepest failing span: a caller that reports its callee's failure sits above it.
  const best =
    failed.length > 0
      ? failed.reduce((a, b) => (b.depth > a.depth ? b : a))
      : own.reduce<Span | undefined>((a, b) => (!a || b.selfTimeMs > a.selfTimeMs ? b : a), undefined);
  return best?.id;
}

export function startSuspectAnalysis(
  request: SuspectAnalysisRequest,
  emit: (event: SuspectAnalysisEvent) => void
): SuspectAnalysis {
  const redactor = compileRedaction(request.redaction);
  const baseline: Trace[] = [];
  const range: Trace[] = [];
  const ended = new Set<SuspectWindow>();
  const seen = new Set<string>();
  let profile: BaselineProfile | undefined;
  let stopped = false;

  const shown = (ranking: SuspectRanking): ShownRanking => {
    const byId = new Map(range.map((t) => [t.traceId, t]));
    return {
      verdict: ranking.verdict,
      suspects: ranking.suspects.slice(0, SHOWN_SUSPECTS).map((s) => {
        const exampleId = s.exampleTraceIds[0];
        const example = exampleId === undefined ? undefined : byId.get(exampleId);
        const strongest = s.signals[0];
        return {
          service: s.service,
          ...(s.operation === undefined ? {} : { operation: redactor.text(s.operation) }),
          reason: redactor.text(s.reason),
          traces: s.traces,
          expected: strongest?.expected ?? 0,
          kinds: s.signals.map((signal) => signal.kind),
          ...(example ? { example: { traceId: example.traceId, spanId: evidenceSpanOf(example, s) } } : {}),
        };
      }),
      notes: ranking.notes.map((note) => redactor.text(note)),
      rangeTraces: ranking.rangeTraces,
      baselineTraces: ranking.baselineTraces,
      ...(profile && profile.traces > 0 ? { baselineFromMs: profile.fromUnixMs, baselineToMs: profile.toUnixMs } : {}),
    };
  };

  // Ranks once the baseline is profiled, and again whenever range traces arrive after that.
  const rank = () => {
    if (stopped || !ended.has('baseline')) {
      return;
    }
    profile ??= profileBaseline(baseline.map((trace) => ({ trace })));
    const final = ended.has('range');
    if (range.length > 0 || final) {
      emit({
        type: 'ranking',
        ranking: shown(
          rankSuspects(
            range.map((trace) => ({ trace })),
            profile
          )
        ),
        final,
      });
    }
    if (final) {
      stopped = true;
    }
  };
  const guard = (work: () => void) => {
    if (stopped) {
      return;
    }
    try {
      work();
    } catch (error) {
      stopped = true;
      emit({ type: 'failed', message: (error as Error).message ?? String(error) });
    }
  };

  return {
    add: (window, samples) =>
      guard(() => {
        const into = window === 'baseline' ? baseline : range;
        for (const trace of tracesOf(samples)) {
          const starts: SuspectWindow = trace.startUnixMs < request.rangeStartMs ? 'baseline' : 'range';
          if (starts === window && !seen.has(trace.traceId)) {
            seen.add(trace.traceId);
            into.push(trace);
          }
        }
        if (window === 'range') {
          rank();
        }
      }),
    end: (window) =>
      guard(() => {
        ended.add(window);
        rank();
      }),
    cancel: () => {
      stopped = true;
    },
  };
}
