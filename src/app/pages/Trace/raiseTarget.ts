/**
 * Which service the Trace page offers to raise sampling for: the selected span's, else the service
 * of the most severe finding's evidence (where the trouble is), else the trace's entry service.
 */
import type { Finding, Span, Trace } from '../../../analysis';

export function raiseTarget(
  analysis: { trace: Trace; findings: readonly Finding[] },
  selected: Span | undefined
): string | undefined {
  if (selected) {
    return selected.service;
  }
  const evidence = analysis.findings[0]?.spanIds[0];
  return (evidence ? analysis.trace.spanById(evidence)?.service : undefined) ?? analysis.trace.root?.service;
}
