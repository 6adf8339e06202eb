/**
 * The messages between the page and the analysis worker for "Where to look first", and both ends of them: `start-suspects`
 * with the redaction settings and where the range starts, `samples` as each window's traces arrive (the bytes of
 * the answers transferred, not copied) and `window-end` after each window's last; the worker answers with
 * `SuspectAnalysisEvent`s — a ranking whenever range traces arrived after the baseline was profiled, the last one
 * `final` — or `failed`. The same worker script serves the candidate analysis (`candidateAnalysisProtocol`); each
 * load starts a worker of its own for either, and the first message says which.
 */
import { type MessageEndpoint, type PageWorker, answerTransfers, workerSession } from './candidateAnalysisProtocol';
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

export type SuspectWorker = PageWorker<SuspectAnalysisEvent, SuspectAnalysisMessage>;

/** The page's end: the same `SuspectAnalysis` as the in-thread one, with the work done in `worker`. */
export function workerSuspectAnalysis(
  worker: SuspectWorker,
  request: SuspectAnalysisRequest,
  emit: (event: SuspectAnalysisEvent) => void
): SuspectAnalysis {
  const session = workerSession(worker, (event) => event.type === 'failed' || event.final, emit);
  session.post({ type: 'start-suspects', request });
  return {
    add: (window, samples) => session.post({ type: 'samples', window, samples }, answerTransfers(samples)),
    end: (window) => session.post({ type: 'window-end', window }),
    cancel: session.cancel,
  };
}
