/**
 * Where a load's candidate traces are analysed: in a Web Worker bundled with the plugin when the browser can start
 * one, otherwise (Jest's jsdom; a plugin served from another origin than Grafana, which browsers refuse as a worker
 * script) on the page's thread by the same `startCandidateAnalysis`, in batches that yield.
 */
import {
  type CandidateAnalysis,
  type CandidateAnalysisEvent,
  type CandidateAnalysisRequest,
  startCandidateAnalysis,
} from './candidateAnalysis';
import { type AnalysisWorker, workerAnalysis } from './candidateAnalysisProtocol';
import {
  type SuspectAnalysis,
  type SuspectAnalysisEvent,
  type SuspectAnalysisRequest,
  startSuspectAnalysis,
} from './suspectAnalysis';
import { type SuspectWorker, workerSuspectAnalysis } from './suspectAnalysisProtocol';

/**
 * webpack turns this `new URL` into the worker chunk's URL under the public path `module.js` was loaded from
 * (`grafana-public-path`), so it resolves under Grafana's sub-path and CDN settings as the other chunks do.
 */
function spawnWorker(): (AnalysisWorker & SuspectWorker) | undefined {
  if (typeof Worker === 'undefined') {
    return undefined;
  }
  try {
    return new Worker(new URL('./candidateAnalysis.worker.ts', import.meta.url), {
      name: 'tracingops-analysis',
    }) as AnalysisWorker & SuspectWorker;
  } catch {
    // A cross-origin script URL throws SecurityError here; the page's thread still works.
    return undefined;
  }
}

export function openCandidateAnalysis(
  request: CandidateAnalysisRequest,
  emit: (event: CandidateAnalysisEvent) => void
): CandidateAnalysis {
  const worker = spawnWorker();
  return worker ? workerAnalysis(worker, request, emit) : startCandidateAnalysis(request, emit);
}

/** "Where to look first": in a worker of its own when one starts, else on the page's thread. */
export function openSuspectAnalysis(
  request: SuspectAnalysisRequest,
  emit: (event: SuspectAnalysisEvent) => void
): SuspectAnalysis {
  const worker = spawnWorker();
  return worker ? workerSuspectAnalysis(worker, request, emit) : startSuspectAnalysis(request, emit);
}
