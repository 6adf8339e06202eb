/**
 * The anomaly rules of the incident page (design §5). Each `Rule` looks at a built `Trace` and
 * returns `Finding`s that carry the evidence span ids, the measured value, the threshold it
 * crossed and a one-line explanation a responder can act on. All rules together are linear in
 * the number of spans.
 */
import { type Baselines, baselineKey } from './baselines';
import type { AnalysisSettings } from './settings';
import { NO_SPAN, type SpanTable, type Trace } from './trace';

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
  /** The trace's spans by position (`tableOf(trace)`): the rules read them without a `Span` object per span. */
  readonly table: SpanTable;
  readonly settings: AnalysisSettings;
  readonly baselines: Baselines;
  /** Children of one parent that share service and name, for groups of at least two. */
  readonly siblingGroups: readonly SiblingGroup[];
}

/** Spans as positions in the trace's `SpanTable`. */
export interface SiblingGroup {
  readonly parent: number;
  readonly spans: readonly number[];
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

function label(t: SpanTable, span: number): string {
  return `\`${t.service(span)} ${t.names[span]}\``;
}

/** The callee's label, without the service when caller and callee share it. */
function calleeLabel(t: SpanTable, parent: number, child: number): string {
  return t.serviceIds[child] === t.serviceIds[parent] ? `\`${t.names[child]}\`` : label(t, child);
}

function ids(t: SpanTable, spans: readonly number[]): string[] {
  return spans.map((span) => t.id(span));
}

/**
 * Durations closer than this are the same length: Jaeger's UI API counts in microseconds, so spans
 * of equal length in the SDK's float clock can differ there by less than one.
 */
const SAME_DURATION_MS = 0.001;

/** Earlier first, then by id: an order that does not depend on the order the backend sent the spans in. */
function byStartIn(t: SpanTable): (a: number, b: number) => number {
  return (a, b) => {
    const earlier = t.startMs(a) - t.startMs(b);
    if (earlier !== 0) {
      return earlier;
    }
    const idA = t.id(a);
    const idB = t.id(b);
    return idA < idB ? -1 : idA > idB ? 1 : 0;
  };
}

function formatMs(ms: number): string {
  if (ms >= 100) {
    return `${Math.round(ms)} ms`;
  }
  return ms >= 1 ? `${ms.toFixed(1)} ms` : `${Math.round(ms * 1000)} µs`;
}

function hasErrorChild(t: SpanTable, span: number): boolean {
  const first = t.childStart[span]!;
  const end = first + t.childCount[span]!;
  for (let c = first; c < end; c++) {
    if (t.statuses[t.childOrder[c]!] === 'error') {
      return true;
    }
  }
  return false;
}

const errorRule: Rule = {
  id: 'error',
  title: 'Errors, pointing at their origin',
  evaluate({ table: t }) {
    let errorSpans = 0;
    const origins: number[] = [];
    for (let i = 0; i < t.size; i++) {
      if (t.statuses[i] === 'error') {
        errorSpans++;
        if (!hasErrorChild(t, i)) {
          origins.push(i);
        }
      }
    }
    if (errorSpans === 0) {
      return [];
    }
    // Ties by start, then id: backends return a trace's spans in different orders, the evidence must not differ.
    const byStart = byStartIn(t);
    origins.sort((a, b) => t.depths[b]! - t.depths[a]! || byStart(a, b));
    const origin = origins[0];
    if (origin === undefined) {
      return []; // every error span has an error child: only possible in a cycle, already reported
    }
    const statusMessage = t.statusMessage(origin);
    const message = statusMessage ? `: ${statusMessage}` : '';
    const scale = errorSpans > 1 ? ` (deepest origin of ${errorSpans} error spans)` : '';
    return [
      {
        rule: 'error',
        severity: 'critical',
        spanIds: ids(t, origins.slice(0, EVIDENCE_LIMIT)),
        measured: errorSpans,
        threshold: 1,
        unit: 'spans',
        explanation: `${label(t, origin)} failed${message}${scale}`,
      },
    ];
  },
};

const swallowedRule: Rule = {
  id: 'swallowed-error',
  title: 'Errors swallowed before the root',
  evaluate({ table: t }) {
    const root = t.root;
    if (root === NO_SPAN || t.statuses[root] === 'error') {
      return [];
    }
    // An error whose parent is not in error stopped propagating there: the parent swallowed it.
    const byParent = new Map<number, number[]>();
    for (let i = 0; i < t.size; i++) {
      const parent = t.parents[i]!;
      if (t.statuses[i] === 'error' && parent !== NO_SPAN && t.statuses[parent] !== 'error') {
        const list = byParent.get(parent);
        list ? list.push(i) : byParent.set(parent, [i]);
      }
    }
    const byStart = byStartIn(t);
    return [...byParent]
      .sort(([a], [b]) => byStart(a, b))
      .map(([parent, unordered]) => {
        const errors = unordered.sort(byStart);
        const first = errors[0]!;
        const times = errors.length > 1 ? ` ${errors.length} errors` : ' an error';
        return {
          rule: 'swallowed-error',
          severity: 'warning',
          spanIds: [t.id(parent), ...ids(t, errors.slice(0, EVIDENCE_LIMIT))],
          measured: errors.length,
          threshold: 1,
          unit: 'spans',
          explanation: `${label(t, parent)} swallowed${times} from ${calleeLabel(t, parent, first)}; the root ${label(t, root)} reports no error`,
        };
      });
  },
};

/** The p99 a span is slow against, or undefined when it is within `slowFactor` of it (or too short to matter). */
function slowBaseline(
  t: SpanTable,
  span: number,
  settings: AnalysisSettings,
  baselines: Baselines
): number | undefined {
  const durationMs = t.durationMs(span);
  if (durationMs < settings.slowMinDurationMs) {
    return undefined;
  }
  const p99 = baselines.get(baselineKey(t.service(span), t.names[span]!));
  return p99 === undefined || durationMs <= settings.slowFactor * p99 ? undefined : p99;
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
function explainedByServer(
  t: SpanTable,
  client: number,
  p99: number,
  settings: AnalysisSettings,
  baselines: Baselines
): boolean {
  if (t.kinds[client] !== 'client' || t.childCount[client] !== 1) {
    return false;
  }
  const server = t.childOrder[t.childStart[client]!]!;
  return (
    t.kinds[server] === 'server' &&
    t.selfTimeMs(client) <= settings.slowFactor * p99 &&
    slowBaseline(t, server, settings, baselines) !== undefined
  );
}

const slowRule: Rule = {
  id: 'slow',
  title: 'Slower than the p99 baseline',
  evaluate({ table: t, settings, baselines }) {
    if (baselines.size === 0) {
      return [];
    }
    const byStart = byStartIn(t);
    const worst = new Map<string, { span: number; p99: number; count: number }>();
    for (let i = 0; i < t.size; i++) {
      const p99 = slowBaseline(t, i, settings, baselines);
      if (p99 === undefined || explainedByServer(t, i, p99, settings, baselines)) {
        continue;
      }
      const key = baselineKey(t.service(i), t.names[i]!);
      const seen = worst.get(key);
      if (!seen) {
        worst.set(key, { span: i, p99, count: 1 });
      } else {
        seen.count++;
        const longer = t.durationMs(i) - t.durationMs(seen.span);
        if (longer > SAME_DURATION_MS || (longer >= -SAME_DURATION_MS && byStart(i, seen.span) < 0)) {
          seen.span = i;
        }
      }
    }
    return [...worst.values()].map(({ span, p99, count }) => {
      const durationMs = t.durationMs(span);
      return {
        rule: 'slow',
        severity: 'warning',
        spanIds: [t.id(span)],
        measured: durationMs,
        threshold: settings.slowFactor * p99,
        unit: 'ms',
        explanation:
          `${label(t, span)} took ${formatMs(durationMs)}, ${(durationMs / p99).toFixed(1)}× its p99 of ${formatMs(p99)}` +
          (count > 1 ? ` (${count} such spans)` : ''),
      };
    });
  },
};

const longRule: Rule = {
  id: 'long',
  title: 'Longer than the absolute limit',
  evaluate({ trace, table: t, settings }) {
    if (t.root === NO_SPAN || trace.durationMs <= settings.longTraceMs) {
      return [];
    }
    return [
      {
        rule: 'long',
        severity: 'warning',
        spanIds: [t.id(t.root)],
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
  evaluate({ table: t, siblingGroups, settings }) {
    return siblingGroups
      .filter((g) => g.spans.length >= settings.wideMinSiblings)
      .map(({ parent, spans }) => ({
        rule: 'wide',
        severity: 'warning',
        // The repeated call first: it is where the list's link lands and what a responder has to look at.
        spanIds: [...ids(t, spans.slice(0, EVIDENCE_LIMIT)), t.id(parent)],
        measured: spans.length,
        threshold: settings.wideMinSiblings,
        unit: 'calls',
        explanation: `${label(t, parent)} called ${calleeLabel(t, parent, spans[0]!)} ${spans.length} times under one parent`,
      }));
  },
};

const deepRule: Rule = {
  id: 'deep',
  title: 'Deep chain of service hops',
  evaluate({ table: t, settings }) {
    let deepest = NO_SPAN;
    for (let i = 0; i < t.size; i++) {
      if (deepest === NO_SPAN || t.serviceHops[i]! > t.serviceHops[deepest]!) {
        deepest = i;
      }
    }
    if (deepest === NO_SPAN || t.serviceHops[deepest]! <= settings.deepMaxServiceHops) {
      return [];
    }
    const services: string[] = [];
    for (let s = deepest; s !== NO_SPAN; s = t.parents[s]!) {
      const service = t.service(s);
      if (services[services.length - 1] !== service) {
        services.push(service);
      }
    }
    services.reverse();
    const path = services.length > 6 ? [...services.slice(0, 3), '…', ...services.slice(-2)] : services;
    const hops = t.serviceHops[deepest]!;
    return [
      {
        rule: 'deep',
        severity: 'info',
        spanIds: [t.id(deepest)],
        measured: hops,
        threshold: settings.deepMaxServiceHops,
        unit: 'hops',
        explanation: `one call path crosses ${hops} service hops: ${path.join(' → ')}`,
      },
    ];
  },
};

const bottleneckRule: Rule = {
  id: 'bottleneck',
  title: 'One span dominates the critical path',
  evaluate({ trace, table: t, settings }) {
    const path = t.criticalPath;
    // A single span trivially holds all of its own trace; there is nothing to compare it with. A span holding most
    // of a fast trace (a 15 ms model call in a 15 ms request) is its normal shape: its own time must matter too.
    if (t.size < 2 || trace.durationMs <= 0 || !path) {
      return [];
    }
    let top = NO_SPAN;
    for (let k = 0; k < path.length; k++) {
      const span = path.spanAt(k);
      if (top === NO_SPAN || t.criticalSelfMs(span) > t.criticalSelfMs(top)) {
        top = span;
      }
    }
    const selfMs = top === NO_SPAN ? 0 : t.criticalSelfMs(top);
    const share = selfMs / trace.durationMs;
    if (top === NO_SPAN || share < settings.bottleneckShare || selfMs < settings.bottleneckMinSelfMs) {
      return [];
    }
    return [
      {
        rule: 'bottleneck',
        severity: 'warning',
        spanIds: [t.id(top)],
        measured: share,
        threshold: settings.bottleneckShare,
        unit: 'share',
        explanation: `${label(t, top)} spends ${formatMs(t.criticalSelfMs(top))} of its own time on the critical path, ${Math.round(share * 100)}% of the trace`,
      },
    ];
  },
};

const retryStormRule: Rule = {
  id: 'retry-storm',
  title: 'Failing call retried under one parent',
  evaluate({ table: t, siblingGroups, settings }) {
    return siblingGroups
      .filter((g) => g.spans.length >= settings.retryMinAttempts && g.errors >= settings.retryMinErrors)
      .map(({ parent, spans, errors }) => ({
        rule: 'retry-storm',
        severity: 'critical',
        spanIds: [t.id(parent), ...ids(t, spans.filter((s) => t.statuses[s] === 'error').slice(0, EVIDENCE_LIMIT))],
        measured: spans.length,
        threshold: settings.retryMinAttempts,
        unit: 'calls',
        explanation: `${label(t, parent)} called ${calleeLabel(t, parent, spans[0]!)} ${spans.length} times and ${errors} failed`,
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
  readonly parent: number;
  readonly spans: number[];
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
export function siblingGroupsOf(t: SpanTable): SiblingGroup[] {
  const { names, serviceIds, childStart, childCount, childOrder } = t;
  const groups: SiblingGroup[] = [];
  /** Per group of the current parent: its first child, then how many children it has. */
  const firsts: number[] = [];
  const sizes: number[] = [];
  /** Per child of the current parent: the number of its group. */
  const groupOf: number[] = [];
  const made: Array<MutableGroup | undefined> = [];
  for (let parent = 0; parent < t.size; parent++) {
    const count = childCount[parent]!;
    if (count < 2) {
      continue;
    }
    const from = childStart[parent]!;
    let groupCount = 0;
    let byName: Map<string, number[]> | undefined;
    for (let c = 0; c < count; c++) {
      const child = childOrder[from + c]!;
      const name = names[child]!;
      const service = serviceIds[child]!;
      let group = -1;
      if (byName) {
        const named = byName.get(name);
        for (let n = 0; named && n < named.length && group < 0; n++) {
          group = serviceIds[firsts[named[n]!]!] === service ? named[n]! : -1;
        }
      } else {
        for (let g = 0; g < groupCount && group < 0; g++) {
          const first = firsts[g]!;
          group = names[first] === name && serviceIds[first] === service ? g : -1;
        }
      }
      if (group < 0) {
        group = groupCount++;
        firsts[group] = child;
        sizes[group] = 0;
        if (byName) {
          addByName(byName, name, group);
        } else if (groupCount > SCANNED_GROUPS) {
          byName = new Map();
          for (let g = 0; g < groupCount; g++) {
            addByName(byName, names[firsts[g]!]!, g);
          }
        }
      }
      sizes[group] = sizes[group]! + 1;
      groupOf[c] = group;
    }
    for (let g = 0; g < groupCount; g++) {
      made[g] = sizes[g]! >= 2 ? { parent, spans: new Array<number>(sizes[g]!), errors: 0 } : undefined;
      sizes[g] = 0; // from here on, how many of the group's children are in place
    }
    for (let c = 0; c < count; c++) {
      const g = groupOf[c]!;
      const group = made[g];
      if (group) {
        const child = childOrder[from + c]!;
        group.spans[sizes[g]!] = child;
        sizes[g] = sizes[g]! + 1;
        if (t.statuses[child] === 'error') {
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
