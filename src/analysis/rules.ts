/**
 * The anomaly rules of the incident page (design §5). Each `Rule` looks at a built `Trace` and
 * returns `Finding`s that carry the evidence span ids, the measured value, the threshold it
 * crossed and a one-line explanation a responder can act on. All rules together are linear in
 * the number of spans.
 */
import { type Baselines, baselineKey } from './baselines';
import type { AnalysisSettings } from './settings';
import type { Span, Trace } from './trace';

export type RuleId = 'error' | 'swallowed-error' | 'slow' | 'long' | 'wide' | 'deep' | 'bottleneck' | 'retry-storm';
export type Severity = 'critical' | 'warning' | 'info';
export type FindingUnit = 'spans' | 'ms' | 'calls' | 'hops' | 'share';

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** The evidence, most telling span first. */
  readonly spanIds: readonly string[];
  readonly measured: number;
  readonly threshold: number;
  readonly unit: FindingUnit;
  readonly explanation: string;
}

export interface RuleContext {
  readonly trace: Trace;
  readonly settings: AnalysisSettings;
  readonly baselines: Baselines;
  /** Children of one parent that share service and name, for groups of at least two. */
  readonly siblingGroups: readonly SiblingGroup[];
}

export interface SiblingGroup {
  readonly parent: Span;
  readonly spans: readonly Span[];
  readonly errors: number;
}

export interface Rule {
  readonly id: RuleId;
  readonly title: string;
  evaluate(context: RuleContext): Finding[];
}

/** How far past its threshold a finding is (≥ 1); ranking and per-rule truncation use it. */
export function excess(finding: Finding): number {
  return finding.threshold > 0 ? Math.max(1, finding.measured / finding.threshold) : 1;
}

const EVIDENCE_LIMIT = 10;

// The loops over every span are indexed: a rule runs once per trace, and on one large trace a `for…of` loop ran
// before it was optimised and made an iterator result per span (a tenth of the garbage of a 100,000-span analysis).

function label(span: Span): string {
  return `\`${span.service} ${span.name}\``;
}

/** The callee's label, without the service when caller and callee share it. */
function calleeLabel(parent: Span, child: Span): string {
  return child.service === parent.service ? `\`${child.name}\`` : label(child);
}

/**
 * Durations closer than this are the same length: Jaeger's UI API counts in microseconds, so spans
 * of equal length in the SDK's float clock can differ there by less than one.
 */
const SAME_DURATION_MS = 0.001;

/** Earlier first, then by id: an order that does not depend on the order the backend sent the spans in. */
function byStart(a: Span, b: Span): number {
  return a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function formatMs(ms: number): string {
  if (ms >= 100) {
    return `${Math.round(ms)} ms`;
  }
  return ms >= 1 ? `${ms.toFixed(1)} ms` : `${Math.round(ms * 1000)} µs`;
}

const errorRule: Rule = {
  id: 'error',
  title: 'Errors, pointing at their origin',
  evaluate({ trace }) {
    let errorSpans = 0;
    const origins: Span[] = [];
    for (let i = 0; i < trace.spans.length; i++) {
      const span = trace.spans[i]!;
      if (span.status === 'error') {
        errorSpans++;
        if (!span.children.some((c) => c.status === 'error')) {
          origins.push(span);
        }
      }
    }
    if (errorSpans === 0) {
      return [];
    }
    // Ties by start, then id: backends return a trace's spans in different orders, the evidence must not differ.
    origins.sort((a, b) => b.depth - a.depth || byStart(a, b));
    const origin = origins[0];
    if (!origin) {
      return []; // every error span has an error child: only possible in a cycle, already reported
    }
    const message = origin.statusMessage ? `: ${origin.statusMessage}` : '';
    const scale = errorSpans > 1 ? ` (deepest origin of ${errorSpans} error spans)` : '';
    return [
      {
        rule: 'error',
        severity: 'critical',
        spanIds: origins.slice(0, EVIDENCE_LIMIT).map((s) => s.id),
        measured: errorSpans,
        threshold: 1,
        unit: 'spans',
        explanation: `${label(origin)} failed${message}${scale}`,
      },
    ];
  },
};

const swallowedRule: Rule = {
  id: 'swallowed-error',
  title: 'Errors swallowed before the root',
  evaluate({ trace }) {
    const root = trace.root;
    if (!root || root.status === 'error') {
      return [];
    }
    // An error whose parent is not in error stopped propagating there: the parent swallowed it.
    const byParent = new Map<Span, Span[]>();
    for (let i = 0; i < trace.spans.length; i++) {
      const span = trace.spans[i]!;
      const parent = span.parent;
      if (span.status === 'error' && parent && parent.status !== 'error') {
        const list = byParent.get(parent);
        list ? list.push(span) : byParent.set(parent, [span]);
      }
    }
    return [...byParent]
      .sort(([a], [b]) => byStart(a, b))
      .map(([parent, unordered]) => {
        const errors = unordered.sort(byStart);
        const first = errors[0]!;
        const times = errors.length > 1 ? ` ${errors.length} errors` : ' an error';
        return {
          rule: 'swallowed-error',
          severity: 'warning',
          spanIds: [parent.id, ...errors.slice(0, EVIDENCE_LIMIT).map((s) => s.id)],
          measured: errors.length,
          threshold: 1,
          unit: 'spans',
          explanation: `${label(parent)} swallowed${times} from ${calleeLabel(parent, first)}; the root ${label(root)} reports no error`,
        };
      });
  },
};

/** The p99 a span is slow against, or undefined when it is within `slowFactor` of it (or too short to matter). */
function slowBaseline(span: Span, settings: AnalysisSettings, baselines: Baselines): number | undefined {
  if (span.durationMs < settings.slowMinDurationMs) {
    return undefined;
  }
  const p99 = baselines.get(baselineKey(span.service, span.name));
  return p99 === undefined || span.durationMs <= settings.slowFactor * p99 ? undefined : p99;
}

/**
 * A call is recorded twice: the caller's CLIENT span and, as its only child, the callee's SERVER span,
 * nearly as long. When both are over their baselines they are one slow call, and the finding belongs
 * to the server span: it is the callee's own measurement (without the network), and it names the
 * service whose team has to act and whose sampling the page offers to raise. The client keeps its
 * finding when the server is within its own baseline, or when the time the server does not cover
 * (network, queueing in the caller) is over the client's threshold by itself: then the slowness
 * is not the callee's. Only this pair is merged: a server span that waits on one downstream call is
 * still its own operation with its own p99, so a chain of slow hops reports each hop once.
 */
function explainedByServer(client: Span, p99: number, settings: AnalysisSettings, baselines: Baselines): boolean {
  const server = client.children[0];
  return (
    client.kind === 'client' &&
    client.children.length === 1 &&
    server !== undefined &&
    server.kind === 'server' &&
    client.selfTimeMs <= settings.slowFactor * p99 &&
    slowBaseline(server, settings, baselines) !== undefined
  );
}

const slowRule: Rule = {
  id: 'slow',
  title: 'Slower than the p99 baseline',
  evaluate({ trace, settings, baselines }) {
    if (baselines.size === 0) {
      return [];
    }
    const worst = new Map<string, { span: Span; p99: number; count: number }>();
    for (let i = 0; i < trace.spans.length; i++) {
      const span = trace.spans[i]!;
      const p99 = slowBaseline(span, settings, baselines);
      if (p99 === undefined || explainedByServer(span, p99, settings, baselines)) {
        continue;
      }
      const key = baselineKey(span.service, span.name);
      const seen = worst.get(key);
      if (!seen) {
        worst.set(key, { span, p99, count: 1 });
      } else {
        seen.count++;
        const longer = span.durationMs - seen.span.durationMs;
        if (longer > SAME_DURATION_MS || (longer >= -SAME_DURATION_MS && byStart(span, seen.span) < 0)) {
          seen.span = span;
        }
      }
    }
    return [...worst.values()].map(({ span, p99, count }) => ({
      rule: 'slow',
      severity: 'warning',
      spanIds: [span.id],
      measured: span.durationMs,
      threshold: settings.slowFactor * p99,
      unit: 'ms',
      explanation:
        `${label(span)} took ${formatMs(span.durationMs)}, ${(span.durationMs / p99).toFixed(1)}× its p99 of ${formatMs(p99)}` +
        (count > 1 ? ` (${count} such spans)` : ''),
    }));
  },
};

const longRule: Rule = {
  id: 'long',
  title: 'Longer than the absolute limit',
  evaluate({ trace, settings }) {
    if (!trace.root || trace.durationMs <= settings.longTraceMs) {
      return [];
    }
    return [
      {
        rule: 'long',
        severity: 'warning',
        spanIds: [trace.root.id],
        measured: trace.durationMs,
        threshold: settings.longTraceMs,
        unit: 'ms',
        explanation: `the trace took ${formatMs(trace.durationMs)}, above the ${formatMs(settings.longTraceMs)} limit`,
      },
    ];
  },
};

const wideRule: Rule = {
  id: 'wide',
  title: 'Wide fan-out / N+1 calls',
  evaluate({ siblingGroups, settings }) {
    return siblingGroups
      .filter((g) => g.spans.length >= settings.wideMinSiblings)
      .map(({ parent, spans }) => ({
        rule: 'wide',
        severity: 'warning',
        spanIds: [parent.id, ...spans.slice(0, EVIDENCE_LIMIT).map((s) => s.id)],
        measured: spans.length,
        threshold: settings.wideMinSiblings,
        unit: 'calls',
        explanation: `${label(parent)} called ${calleeLabel(parent, spans[0]!)} ${spans.length} times under one parent`,
      }));
  },
};

const deepRule: Rule = {
  id: 'deep',
  title: 'Deep chain of service hops',
  evaluate({ trace, settings }) {
    let deepest: Span | undefined;
    for (let i = 0; i < trace.spans.length; i++) {
      const span = trace.spans[i]!;
      if (!deepest || span.serviceHops > deepest.serviceHops) {
        deepest = span;
      }
    }
    if (!deepest || deepest.serviceHops <= settings.deepMaxServiceHops) {
      return [];
    }
    const services: string[] = [];
    for (let s: Span | undefined = deepest; s; s = s.parent) {
      if (services[services.length - 1] !== s.service) {
        services.push(s.service);
      }
    }
    services.reverse();
    const path = services.length > 6 ? [...services.slice(0, 3), '…', ...services.slice(-2)] : services;
    return [
      {
        rule: 'deep',
        severity: 'info',
        spanIds: [deepest.id],
        measured: deepest.serviceHops,
        threshold: settings.deepMaxServiceHops,
        unit: 'hops',
        explanation: `one call path crosses ${deepest.serviceHops} service hops: ${path.join(' → ')}`,
      },
    ];
  },
};

const bottleneckRule: Rule = {
  id: 'bottleneck',
  title: 'One span dominates the critical path',
  evaluate({ trace, settings }) {
    // A single span trivially holds all of its own trace; there is nothing to compare it with.
    if (trace.spans.length < 2 || trace.durationMs <= 0) {
      return [];
    }
    let top: Span | undefined;
    for (let i = 0; i < trace.criticalPath.length; i++) {
      const segment = trace.criticalPath[i]!;
      if (!top || segment.span.criticalSelfMs > top.criticalSelfMs) {
        top = segment.span;
      }
    }
    const share = top ? top.criticalSelfMs / trace.durationMs : 0;
    if (!top || share < settings.bottleneckShare) {
      return [];
    }
    return [
      {
        rule: 'bottleneck',
        severity: 'warning',
        spanIds: [top.id],
        measured: share,
        threshold: settings.bottleneckShare,
        unit: 'share',
        explanation: `${label(top)} spends ${formatMs(top.criticalSelfMs)} of its own time on the critical path, ${Math.round(share * 100)}% of the trace`,
      },
    ];
  },
};

const retryStormRule: Rule = {
  id: 'retry-storm',
  title: 'Failing call retried under one parent',
  evaluate({ siblingGroups, settings }) {
    return siblingGroups
      .filter((g) => g.spans.length >= settings.retryMinAttempts && g.errors >= settings.retryMinErrors)
      .map(({ parent, spans, errors }) => ({
        rule: 'retry-storm',
        severity: 'critical',
        spanIds: [
          parent.id,
          ...spans
            .filter((s) => s.status === 'error')
            .slice(0, EVIDENCE_LIMIT)
            .map((s) => s.id),
        ],
        measured: spans.length,
        threshold: settings.retryMinAttempts,
        unit: 'calls',
        explanation: `${label(parent)} called ${calleeLabel(parent, spans[0]!)} ${spans.length} times and ${errors} failed`,
      }));
  },
};

/** All rules, in the order their findings are listed for one trace. */
export const RULES: readonly Rule[] = [
  errorRule,
  swallowedRule,
  retryStormRule,
  bottleneckRule,
  slowRule,
  wideRule,
  longRule,
  deepRule,
];

interface MutableGroup {
  readonly parent: Span;
  readonly spans: Span[];
  errors: number;
}

/** Up to this many distinct groups under one parent, a scan is cheaper than a map. */
const SCANNED_GROUPS = 8;

/**
 * Children of each parent grouped by service and name, keeping groups of two or more, in the order
 * each group first appears. This runs over every span of every trace, so it builds no key strings
 * and no group for a child alone in its group: a first pass numbers each parent's groups in reused
 * arrays (with a map by name only for parents with many distinct groups), a second fills the groups
 * of two or more.
 */
export function siblingGroupsOf(trace: Trace): SiblingGroup[] {
  const groups: SiblingGroup[] = [];
  /** Per group of the current parent: its first child, then how many children it has. */
  const firsts: Span[] = [];
  const sizes: number[] = [];
  /** Per child of the current parent: the number of its group. */
  const groupOf: number[] = [];
  const made: Array<MutableGroup | undefined> = [];
  for (let i = 0; i < trace.spans.length; i++) {
    const parent = trace.spans[i]!;
    const children = parent.children;
    if (children.length < 2) {
      continue;
    }
    let groupCount = 0;
    let byName: Map<string, number[]> | undefined;
    for (let c = 0; c < children.length; c++) {
      const child = children[c]!;
      let group = -1;
      if (byName) {
        const named = byName.get(child.name);
        for (let n = 0; named && n < named.length && group < 0; n++) {
          group = firsts[named[n]!]!.service === child.service ? named[n]! : -1;
        }
      } else {
        for (let g = 0; g < groupCount && group < 0; g++) {
          const first = firsts[g]!;
          group = first.name === child.name && first.service === child.service ? g : -1;
        }
      }
      if (group < 0) {
        group = groupCount++;
        firsts[group] = child;
        sizes[group] = 0;
        if (byName) {
          addByName(byName, child.name, group);
        } else if (groupCount > SCANNED_GROUPS) {
          byName = new Map();
          for (let g = 0; g < groupCount; g++) {
            addByName(byName, firsts[g]!.name, g);
          }
        }
      }
      sizes[group] = sizes[group]! + 1;
      groupOf[c] = group;
    }
    for (let g = 0; g < groupCount; g++) {
      made[g] = sizes[g]! >= 2 ? { parent, spans: new Array<Span>(sizes[g]!), errors: 0 } : undefined;
      sizes[g] = 0; // from here on, how many of the group's children are in place
    }
    for (let c = 0; c < children.length; c++) {
      const g = groupOf[c]!;
      const group = made[g];
      if (group) {
        const child = children[c]!;
        group.spans[sizes[g]!] = child;
        sizes[g] = sizes[g]! + 1;
        if (child.status === 'error') {
          group.errors++;
        }
      }
    }
    for (let g = 0; g < groupCount; g++) {
      const group = made[g];
      if (group) {
        groups.push(group);
      }
    }
  }
  return groups;
}

function addByName(byName: Map<string, number[]>, name: string, group: number): void {
  const named = byName.get(name);
  if (named) {
    named.push(group);
  } else {
    byName.set(name, [group]);
  }
}
