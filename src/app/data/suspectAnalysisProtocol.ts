/**
 * The messages between the page and the analysis worker for "Where to look first", and both ends of them: `start-suspects`
 * with the redaction settings and where the range starts, `samples` as each window's traces arrive (the bytes of
 * the answers transferred, not copied) and `window-end` after each window's last; the worker answers with
 * `SuspectAnalysisEvent`s — a ranking whenever range traces arrived after the baseline was profiled, the last one
 * `final` — or `failed`. The same worker script serves the candidate analysis (`candidateAnalysisProtocol`); each
 * load starts a worker of its own for either, and the first message says which.
 */
import type { MessageEndpoint } from './candidateAnalysisProtocol';
import {
  type SampleJson,
  type SuspectAnalysis,
  type SuspectAnalysisEvent,
  type SuspectAnalysisRequest,
  type SuspectWindow,
  startSuspectAnalysis,
} from './suspectAnalysis';

export type SuspectAnalysisMessage =
  | { type: 'start-suspects'; request: SuspectAnalysisRequest }
  | { type: 'samples'; window: SuspectWindow; samples: readonly SampleJson[] }
  | { type: 'window-end'; window: SuspectWindow };

/** The worker's end: one ranking per worker, started by `start-suspects`; other messages are another analysis's. */
export function serveSuspectAnalysis(endpoint: MessageEndpoint<SuspectAnalysisMessage, SuspectAnalysisEvent>): void {
  let analysis: SuspectAnalysis | undefined;
  endpoint.addEventListener('message', ({ data }) => {
    if (data.type === 'start-suspects') {
      try {
        analysis ??= startSuspectAnalysis(data.request, (event) => endpoint.postMessage(event));
      } catch (error) {
        endpoint.postMessage({ type: 'failed', message: (error as Error).message });
      }
    } else if (data.type === 'samples') {
      analysis?.add(data.window, data.samples);
    } else if (data.type === 'window-end') {
      analysis?.end(data.window);
    }
  });
}

export interface SuspectWorker extends MessageEndpoint<SuspectAnalysisEvent, SuspectAnalysisMessage> {
  addEventListener(type: 'message', listener: (event: MessageEvent<SuspectAnalysisEvent>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

/** What posting `samples` moves to the worker rather than copying: the bytes of Tempo's and Jaeger's answers. */
function sampleTransfers(samples: readonly SampleJson[]): ArrayBuffer[] {
  return samples.flatMap((s) =>
    s.format === 'tempo-answer' ? [s.answer.bytes] : s.answers.map(({ answer }) => answer.bytes)
  );
}

/** The page's end: the same `SuspectAnalysis` as the in-thread one, with the work done in `worker`. */
export function workerSuspectAnalysis(
  worker: SuspectWorker,
  request: SuspectAnalysisRequest,
  emit: (event: SuspectAnalysisEvent) => void
): SuspectAnalysis {
  let open = true;
  const close = () => {
    open = false;
    worker.terminate();
  };
  worker.addEventListener('message', ({ data }) => {
    if (open) {
      if (data.type === 'failed' || data.final) {
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
        message: `The analysis worker stopped: ${event.message || 'it could not be loaded'}. Reload the page.`,
      });
    }
  });
  worker.postMessage({ type: 'start-suspects', request });
  return {
    add: (window, samples) =>
      open && worker.postMessage({ type: 'samples', window, samples }, sampleTransfers(samples)),
    end: (window) => open && worker.postMessage({ type: 'window-end', window }),
    cancel: () => open && close(),
  };
}
