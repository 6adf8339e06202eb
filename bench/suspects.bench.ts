/**
 * The suspect ranking's cost: ranking 1,000 analysed traces against a baseline profile of 200, as a ratio to
 * `JSON.parse` of the 1,000 traces' JSON measured in the same rounds (the target is at most 0.05: the ranking costs
 * a twentieth of parsing what it ranks), given a built profile. The profile (with its own window's traces read once)
 * is built once per baseline window, not per ranking, and is shown on its own. The ranking is measured twice: on
 * traces alone, and with each trace's log lines as a logs source would return them (`withLogs`), log patterns read. Rounds alternate parse and ranking like
 * `analysis.bench.ts`; figures are medians with their spread. Runs under
 * `npm run bench` or alone with `npx tsx bench/suspects.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { syntheticTrace } from '../src/analysis/fixtures';
import { bundledAnalysis } from './bundledAnalysis';
import { collectGarbage, formatSpread, machineLoad, spread, threadCpuMs } from './stats';

const { analyzeTrace, buildTrace, profileBaseline, rankSuspects } = bundledAnalysis();
type Trace = ReturnType<typeof buildTrace>;
type LogLine = import('../src/analysis').LogLine;

const TRACES = 1000;
const BASELINE_TRACES = 200;
const SPANS = 100;
const cpuMs = threadCpuMs ?? (() => Number.NaN);

const rangeJson = Array.from({ length: TRACES }, (_, i) =>
  JSON.stringify(syntheticTrace({ spans: SPANS, seed: i + 1, errorRate: 0.02 }))
);
/**
 * A trace's logs as a logs source returns them: an info line on every tenth span, and a warning naming the span's
 * status message on each failed span, with ids in them for the patterns to mask.
 */
function withLogs(trace: Trace) {
  const errorLinesBySpan = new Map<string, number>();
  const linesBySpan = new Map<string, LogLine[]>();
  trace.spans.forEach((span, i) => {
    const lines: LogLine[] = [];
    if (i % 10 === 0) {
      lines.push({ severity: 'info', body: `handled ${span.name} for order ${span.id}` });
    }
    if (span.status === 'error') {
      lines.push({ severity: 'warn', body: `${span.name} failed for order ${span.id}: ${span.statusMessage}` });
    }
    if (lines.length > 0) {
      linesBySpan.set(span.id, lines);
    }
  });
  return { trace, logs: { errorLinesBySpan, linesBySpan } };
}

const baseline = Array.from({ length: BASELINE_TRACES }, (_, i) =>
  withLogs(buildTrace(syntheticTrace({ spans: SPANS, seed: TRACES + i + 1, errorRate: 0.01 })))
);

interface Round {
  readonly parseMs: number;
  readonly parseCpuMs: number;
  readonly profileMs: number;
  readonly rankMs: number;
  readonly rankCpuMs: number;
  readonly logsMs: number;
  readonly logsCpuMs: number;
  readonly suspects: number;
}

/** Wall and thread CPU milliseconds of one call. */
function timed<T>(run: () => T): [T, number, number] {
  const c = cpuMs();
  const t = performance.now();
  const result = run();
  return [result, performance.now() - t, cpuMs() - c];
}

function round(): Round {
  collectGarbage();
  const c0 = cpuMs();
  const t0 = performance.now();
  const parsed = rangeJson.map((json) => JSON.parse(json) as unknown);
  const parseMs = performance.now() - t0;
  const parseCpuMs = cpuMs() - c0;
  const range = parsed.map((json) => withLogs(analyzeTrace(buildTrace(json)).trace));
  const tracesOnly = range.map(({ trace }) => ({ trace }));
  collectGarbage();
  const [profile, profileMs] = timed(() => profileBaseline(baseline));
  const [ranking, rankMs, rankCpuMs] = timed(() => rankSuspects(tracesOnly, profile));
  collectGarbage();
  const [, logsMs, logsCpuMs] = timed(() => rankSuspects(range, profile));
  return { parseMs, parseCpuMs, profileMs, rankMs, rankCpuMs, logsMs, logsCpuMs, suspects: ranking.suspects.length };
}

console.log(
  `node ${process.version}; ${TRACES} traces of ${SPANS} spans ranked against ${BASELINE_TRACES}; ` +
    `figures are median (interquartile range, full range) over rounds; ${machineLoad()} at the start`
);
for (let i = 0; i < 3; i++) {
  round();
}
const rounds = Array.from({ length: 15 }, round);
console.log(`  parse              ${formatSpread(spread(rounds.map((r) => r.parseMs)), 1, ' ms')}`);
console.log(`  baseline profile   ${formatSpread(spread(rounds.map((r) => r.profileMs)), 1, ' ms')}`);
console.log(
  `  ranking            ${formatSpread(spread(rounds.map((r) => r.rankMs)), 1, ' ms')}; ${rounds[0]!.suspects} suspects`
);
console.log(`  ranking with logs  ${formatSpread(spread(rounds.map((r) => r.logsMs)), 1, ' ms')}`);
console.log(`  ranking / parse    ${formatSpread(spread(rounds.map((r) => r.rankMs / r.parseMs)))} by wall clock`);
console.log(`    with logs        ${formatSpread(spread(rounds.map((r) => r.logsMs / r.parseMs)))} by wall clock`);
if (threadCpuMs) {
  console.log(
    `  ranking / parse    ${formatSpread(spread(rounds.map((r) => r.rankCpuMs / r.parseCpuMs)))} by CPU time of this thread`
  );
  console.log(
    `    with logs        ${formatSpread(spread(rounds.map((r) => r.logsCpuMs / r.parseCpuMs)))} by CPU time of this thread`
  );
}
console.log(`${machineLoad()} at the end`);
