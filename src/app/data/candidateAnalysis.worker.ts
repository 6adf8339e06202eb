/** The analysis worker's entry point, bundled by webpack as a chunk of its own next to `module.js`. */
import type { CandidateAnalysisEvent } from './candidateAnalysis';
import {
  type CandidateAnalysisMessage,
  type MessageEndpoint,
  serveCandidateAnalysis,
} from './candidateAnalysisProtocol';

serveCandidateAnalysis(globalThis as unknown as MessageEndpoint<CandidateAnalysisMessage, CandidateAnalysisEvent>);
