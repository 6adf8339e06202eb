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

/** The page's side of a `Worker`: one analysis (the candidates', the suspects') per worker. */
export interface PageWorker<Event, Message> extends MessageEndpoint<Event, Message> {
  addEventListener(type: 'message', listener: (event: MessageEvent<Event>) => void): void;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  terminate(): void;
}

export type AnalysisWorker = PageWorker<CandidateAnalysisEvent, CandidateAnalysisMessage>;

/** Traces as they came over the wire: one Tempo trace answer, or Jaeger search answers (the candidates', a sample's). */
type AnswerBytes =
  | { readonly format: 'tempo-answer'; readonly answer: { readonly bytes: ArrayBuffer } }
  | {
      readonly format: 'jaeger-searches' | 'jaeger-answers';
      readonly answers: ReadonlyArray<{ readonly answer: { readonly bytes: ArrayBuffer } }>;
    };

/** What posting traces moves to the worker rather than copying: the bytes of Tempo's and Jaeger's answers. */
export function answerTransfers(traces: readonly AnswerBytes[]): ArrayBuffer[] {
  return traces.flatMap((t) =>
    t.format === 'tempo-answer' ? [t.answer.bytes] : t.answers.map(({ answer }) => answer.bytes)
  );
}

/**
 * The page's end of one analysis in `worker`: its events go to `emit` until the last one (`isLast`) or a failure,
 * after which the worker is terminated and nothing more is posted or delivered. A worker that stops or cannot load
 * is reported as a `failed` event.
 */
export function workerSession<Event, Message>(
  worker: PageWorker<Event | { type: 'failed'; message: string }, Message>,
  isLast: (event: Event | { type: 'failed'; message: string }) => boolean,
  emit: (event: Event | { type: 'failed'; message: string }) => void
): { post(message: Message, transfer?: Transferable[]): void; cancel(): void } {
  let open = true;
  const close = () => {
    open = false;
    worker.terminate();
  };
  worker.addEventListener('message', ({ data }) => {
    if (open) {
      if (isLast(data)) {
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
  return {
    post: (message, transfer) => open && worker.postMessage(message, transfer),
    cancel: () => open && close(),
  };
}

/** The page's end: the same `CandidateAnalysis` as the in-thread one, with the work done in `worker`. */
export function workerAnalysis(
  worker: AnalysisWorker,
  request: CandidateAnalysisRequest,
  emit: (event: CandidateAnalysisEvent) => void
): CandidateAnalysis {
  const session = workerSession(worker, (event) => event.type !== 'rows', emit);
  session.post({ type: 'start', request });
  return {
    add: (candidates) => session.post({ type: 'candidates', candidates }, answerTransfers(candidates)),
    end: () => session.post({ type: 'end' }),
    cancel: session.cancel,
  };
}
