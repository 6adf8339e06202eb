/**
 * Where the page's long tasks spent their time, from a Chromium trace the analysis flow records
 * (`E2E_ANALYSIS_TRACE=<file>`): `npx tsx e2e/flows/longTasks.ts <file> [ms]`. For each task over 50 ms (or `ms`) on the page's main
 * thread it prints the trace events by self time (GC phases, script, parsing, layout) and the sampled JavaScript
 * functions, so a long task is explained by measurement rather than guessed at.
 */
import { readFileSync } from 'node:fs';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Time the thread was on a CPU: far below `dur` when it waited (descheduled, or joining GC helper threads). */
  tdur?: number;
  id?: string;
  args?: {
    name?: string;
    usedHeapSizeBefore?: number;
    usedHeapSizeAfter?: number;
    data?: {
      url?: string;
      functionName?: string;
      cpuProfile?: {
        nodes?: Array<{ id: number; parent?: number; callFrame: { functionName: string; url?: string } }>;
        samples?: number[];
      };
      timeDeltas?: number[];
    };
  };
}

/** A long task, as the Long Tasks API counts one; a second argument in ms lowers it to look at shorter ones. */
const LONG_TASK_US = Number(process.argv[3] ?? 50) * 1000;
const TASK_NAMES = new Set(['RunTask', 'ThreadControllerImpl::RunTask']);

function mainThreads(events: TraceEvent[]): Array<{ pid: number; tid: number }> {
  return events
    .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map(({ pid, tid }) => ({ pid, tid }));
}

/** Complete events of one thread; B/E pairs joined into complete ones. */
function spansOf(events: TraceEvent[], pid: number, tid: number): TraceEvent[] {
  const spans: TraceEvent[] = [];
  const open: TraceEvent[] = [];
  for (const e of events) {
    if (e.pid !== pid || e.tid !== tid) {
      continue;
    }
    if (e.ph === 'X' && e.dur !== undefined) {
      spans.push(e);
    } else if (e.ph === 'B') {
      open.push(e);
    } else if (e.ph === 'E') {
      const begin = open.pop();
      if (begin) {
        spans.push({ ...begin, ph: 'X', dur: e.ts - begin.ts });
      }
    }
  }
  return spans.sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
}

const label = (e: TraceEvent) =>
  e.name === 'FunctionCall' && e.args?.data
    ? `FunctionCall ${(e.args.data.url ?? '').replace(/^.*\//, '')}:${e.args.data.functionName ?? ''}`
    : e.name;

/** Self time (µs) by event label of the events nested in `task`. */
function selfTimes(task: TraceEvent, spans: TraceEvent[]): Map<string, number> {
  const end = task.ts + (task.dur ?? 0);
  const inside = spans.filter((s) => s !== task && s.ts >= task.ts && s.ts + (s.dur ?? 0) <= end);
  const self = new Map<string, number>();
  const stack: Array<{ event: TraceEvent; children: number }> = [{ event: task, children: 0 }];
  const close = (until: number) => {
    while (stack.length > 1 && stack.at(-1)!.event.ts + (stack.at(-1)!.event.dur ?? 0) <= until) {
      const { event, children } = stack.pop()!;
      self.set(label(event), (self.get(label(event)) ?? 0) + (event.dur ?? 0) - children);
    }
  };
  for (const span of inside) {
    close(span.ts);
    stack.at(-1)!.children += span.dur ?? 0;
    stack.push({ event: span, children: 0 });
  }
  close(Number.POSITIVE_INFINITY);
  const top = stack[0]!;
  self.set('(task itself)', (task.dur ?? 0) - top.children);
  return self;
}

/** Sampled stacks of one thread's CPU profile: [timestamp µs, leaf function]. */
function samplesOf(events: TraceEvent[], pid: number, tid: number): Array<[number, string]> {
  const profile = events.find((e) => e.name === 'Profile' && e.pid === pid && e.tid === tid);
  if (!profile) {
    return [];
  }
  const nodes = new Map<number, string>();
  const samples: Array<[number, string]> = [];
  let time = profile.ts;
  for (const chunk of events.filter((e) => e.name === 'ProfileChunk' && e.pid === pid && e.id === profile.id)) {
    const data = chunk.args?.data;
    for (const node of data?.cpuProfile?.nodes ?? []) {
      const { functionName, url } = node.callFrame;
      nodes.set(node.id, `${functionName || '(anonymous)'} ${(url ?? '').replace(/^.*\//, '')}`.trim());
    }
    (data?.cpuProfile?.samples ?? []).forEach((node, i) => {
      time += data?.timeDeltas?.[i] ?? 0;
      samples.push([time, nodes.get(node) ?? String(node)]);
    });
  }
  return samples;
}

const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;
const top = (entries: Map<string, number>, n: number) =>
  [...entries]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => `${name} ${ms(us)}`)
    .join(', ');

function main(file: string) {
  const { traceEvents } = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] };
  for (const { pid, tid } of mainThreads(traceEvents)) {
    const spans = spansOf(traceEvents, pid, tid);
    // The outermost task event only: Chromium nests `RunTask` in `ThreadControllerImpl::RunTask`.
    const tasks = spans
      .filter((s) => TASK_NAMES.has(s.name) && (s.dur ?? 0) > LONG_TASK_US)
      .filter((task, i, all) => i === 0 || all[i - 1]!.ts + (all[i - 1]!.dur ?? 0) < task.ts + (task.dur ?? 0));
    const samples = samplesOf(traceEvents, pid, tid);
    const all = spans
      .filter((s) => TASK_NAMES.has(s.name))
      .filter((task, i, every) => i === 0 || every[i - 1]!.ts + (every[i - 1]!.dur ?? 0) < task.ts + (task.dur ?? 0));
    console.log(
      `renderer ${pid} main thread: ${all.length} tasks, ${ms(all.reduce((t, s) => t + (s.dur ?? 0), 0))} wall, ` +
        `${ms(all.reduce((t, s) => t + (s.tdur ?? 0), 0))} on the CPU`
    );
    const everywhere = new Map<string, number>();
    samples.forEach(([time, fn], i) =>
      everywhere.set(fn, (everywhere.get(fn) ?? 0) + time - (samples[i - 1]?.[0] ?? time))
    );
    console.log(`renderer ${pid} main thread, sampled functions: ${top(everywhere, 12)}`);
    for (const kind of ['MinorGC', 'MajorGC']) {
      const gcs = spans.filter((s) => s.name === kind);
      const sum = (pick: (s: TraceEvent) => number) => gcs.reduce((total, s) => total + pick(s), 0);
      console.log(
        `renderer ${pid} main thread: ${gcs.length} ${kind}, ${ms(sum((s) => s.dur ?? 0))} wall (longest ` +
          `${ms(Math.max(0, ...gcs.map((s) => s.dur ?? 0)))}), ${ms(sum((s) => s.tdur ?? 0))} on the CPU, ` +
          `${(sum((s) => (s.args?.usedHeapSizeBefore ?? 0) - (s.args?.usedHeapSizeAfter ?? 0)) / 2 ** 20).toFixed(0)} MiB reclaimed`
      );
    }
    console.log(`renderer ${pid} main thread: ${tasks.length} tasks over ${LONG_TASK_US / 1000} ms`);
    for (const task of tasks) {
      const end = task.ts + (task.dur ?? 0);
      const sampled = new Map<string, number>();
      let previous = task.ts;
      for (const [time, fn] of samples.filter(([t]) => t > task.ts && t <= end)) {
        sampled.set(fn, (sampled.get(fn) ?? 0) + time - previous);
        previous = time;
      }
      console.log(`- ${ms(task.dur ?? 0)} (${ms(task.tdur ?? 0)} on the CPU) at ${ms(task.ts - spans[0]!.ts)}`);
      console.log(`  events by self time: ${top(selfTimes(task, spans), 8)}`);
      console.log(`  sampled functions: ${top(sampled, 8)}`);
    }
  }
}

main(process.argv[2] ?? 'trace.json');
