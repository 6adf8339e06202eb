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

/** Explanations quote span labels in backticks; these are the plain and quoted parts in order. */
export function explanationParts(explanation: string): Array<{ text: string; quoted: boolean }> {
  return explanation
    .split('`')
    .map((text, index) => ({ text, quoted: index % 2 === 1 }))
    .filter((part) => part.text !== '');
}
