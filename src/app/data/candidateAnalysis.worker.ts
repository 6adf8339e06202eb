/**
 * The analysis worker's entry point, bundled by webpack as a chunk of its own next to `module.js`: it serves the
 * candidate analysis or the suspect ranking, whichever the first message starts.
 */
import type { CandidateAnalysisEvent } from './candidateAnalysis';
import {
  type CandidateAnalysisMessage,
  type MessageEndpoint,
  serveCandidateAnalysis,
} from './candidateAnalysisProtocol';
import type { SuspectAnalysisEvent } from './suspectAnalysis';
import { type SuspectAnalysisMessage, serveSuspectAnalysis } from './suspectAnalysisProtocol';

serveCandidateAnalysis(globalThis as unknown as MessageEndpoint<CandidateAnalysisMessage, CandidateAnalysisEvent>);
serveSuspectAnalysis(globalThis as unknown as MessageEndpoint<SuspectAnalysisMessage, SuspectAnalysisEvent>);
