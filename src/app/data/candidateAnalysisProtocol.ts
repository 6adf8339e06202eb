/**
 * The messages between the page and the analysis worker, and both ends of them. The page starts one worker per
 * load: `start` with the settings, redaction settings and baselines, `candidates` as each trace arrives (on Jaeger,
 * once, all the load's search answers) — the bytes of the answers transferred, not copied, so the page keeps none
 * of them — and `end` after the last; the worker answers with `CandidateAnalysisEvent`s — rows as batches finish,
 * then `done` (with what Jaeger's caps left out) or `failed`. Cancelling terminates the worker: no message is needed, and none is delivered afterwards.
 */
import {
  type CandidateAnalysis,
  type CandidateAnalysisEvent,
  type CandidateAnalysisRequest,
  type CandidateJson,
  startCandidateAnalysis,
} from './candidateAnalysis';

export type CandidateAnalysisMessage =
  | { type: 'start'; request: CandidateAnalysisRequest }
  | { type: 'candidates'; candidates: readonly CandidateJson[] }
  | { type: 'end' };

/** What both ends need of a `Worker`, its global scope or a `MessagePort`. */
export interface MessageEndpoint<In, Out> {
  postMessage(message: Out, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<In>) => void): void;
}

/** The worker's end: one analysis per worker, started by the first message. */
export function serveCandidateAnalysis(
  endpoint: MessageEndpoint<CandidateAnalysisMessage, CandidateAnalysisEvent>
): void {
  let analysis: CandidateAnalysis | undefined;
  endpoint.addEventListener('message', ({ data }) => {
    if (data.type === 'start') {
      try {
        analysis ??= startCandidateAnalysis(data.request, (event) => endpoint.postMessage(event));
      } catch (error) {
        endpoint.postMessage({ type: 'failed', message: (error as Error).message });
      }
    } else if (data.type === 'candidates') {
      analysis?.add(data.candidates);
    } else if (data.type === 'end') {
      analysis?.end();
    }
  });
}

export interface AnalysisWorker extends MessageEndpoint<CandidateAnalysisEvent, CandidateAnalysisMessage> {
  addEventListener(type: 'message', listener: (event: MessageEvent<CandidateAnalysisEvent>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

/** What posting `candidates` moves to the worker rather than copying: the bytes of Tempo's and Jaeger's answers. */
function candidateTransfers(candidates: readonly CandidateJson[]): ArrayBuffer[] {
  return candidates.flatMap((c) =>
    c.format === 'tempo-answer' ? [c.answer.bytes] : c.answers.map(({ answer }) => answer.bytes)
  );
}

/** The page's end: the same `CandidateAnalysis` as the in-thread one, with the work done in `worker`. */
export function workerAnalysis(
  worker: AnalysisWorker,
  request: CandidateAnalysisRequest,
  emit: (event: CandidateAnalysisEvent) => void
): CandidateAnalysis {
  let open = true;
  const close = () => {
    open = false;
    worker.terminate();
  };
  worker.addEventListener('message', ({ data }) => {
    if (open) {
      if (data.type !== 'rows') {
        close();
      }
      emit(data);
    }
  });
  worker.addEventListener('error', (event) => {
    if (open) {
      close();
      emit({
        type: 'failed',
        message: `The analysis worker stopped: ${event.message || 'it could not be loaded'}. Reload the page; if it persists, check that the plugin's files are served from Grafana's own origin.`,
      });
    }
  });
  worker.postMessage({ type: 'start', request });
  return {
    add: (candidates) => open && worker.postMessage({ type: 'candidates', candidates }, candidateTransfers(candidates)),
    end: () => open && worker.postMessage({ type: 'end' }),
    cancel: () => open && close(),
  };
}
