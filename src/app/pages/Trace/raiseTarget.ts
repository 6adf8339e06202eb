/**
 * Where the Trace page offers to raise sampling: the trace's root service and operation. The samplers are
 * parent-based, so the root decides for the whole trace; raising the failing service downstream would keep none of
 * the traces like this one. Also the service the trouble is in, when it is another, so the dialog can say why.
 */
import { type Finding, REDACTED, type Trace } from '../../../analysis';

export interface RaiseTarget {
  service: string;
  /** The root span's name, unless redaction changed it (a redacted name is not what the root is called). */
  operation?: string;
  /** The service of the worst finding's evidence, when it is not the root service. */
  troubleIn?: string;
}

export function raiseTarget(analysis: { trace: Trace; findings: readonly Finding[] }): RaiseTarget | undefined {
  const root = analysis.trace.root;
  if (!root) {
    return undefined;
  }
  const evidence = analysis.findings[0]?.spanIds[0];
  const troubleIn = evidence ? analysis.trace.spanById(evidence)?.service : undefined;
  return {
    service: root.service,
    ...(root.name.includes(REDACTED) ? {} : { operation: root.name }),
    ...(troubleIn && troubleIn !== root.service ? { troubleIn } : {}),
  };
}
