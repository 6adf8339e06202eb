/** How far a trace ran past the p99 of its root service and operation: the list's and the Trace page's "vs p99". */
import { type Baselines, type Trace, baselineKey } from '../../analysis';

/** Root duration over its p99; undefined without a baseline. */
export function baselineRatioOf(trace: Trace, baselines: Baselines): number | undefined {
  const root = trace.root;
  const p99 = root ? baselines.get(baselineKey(root.service, root.name)) : undefined;
  return p99 ? trace.durationMs / p99 : undefined;
}
