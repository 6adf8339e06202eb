/**
 * The ranking this evaluation replaced, kept as the yardstick the figures are compared with (issue 27, "measured
 * before"): each finding of each analysed trace adds its severity weight to the service of its first evidence span,
 * services ordered by the sum. It ranks what is flagged, not what changed.
 */
import type { Severity, TraceAnalysis } from '../src/analysis';

const WEIGHT: Record<Severity, number> = { critical: 100, warning: 10, info: 1 };

/** Services by their findings' weight, heaviest first. */
export function servicesByFindings(analyses: readonly TraceAnalysis[]): string[] {
  const weight = new Map<string, number>();
  for (const { trace, findings } of analyses) {
    for (const finding of findings) {
      const service = trace.spanById(finding.spanIds[0] ?? '')?.service;
      if (service !== undefined) {
        weight.set(service, (weight.get(service) ?? 0) + WEIGHT[finding.severity]);
      }
    }
  }
  return [...weight].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([service]) => service);
}
