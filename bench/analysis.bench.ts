/**
 * Analysis throughput: 1,000 traces of 1,000 spans and one 100,000-span trace, in OTLP and Tempo JSON, as a
 * ratio to `JSON.parse` of the same JSON measured in the same rounds (the target is at most 0.25: analysing a
 * trace costs a quarter of parsing it). Runs under `npm run bench` or alone with `npx tsx bench/analysis.bench.ts`.
 *
 * Each round empties the young generation, parses a batch of traces (timed), empties it again, then builds and
 * analyses the parsed batch (timed): parse and analysis alternate round by round, and neither phase pays for
 * copying the other's objects, which is what made single-loop figures swing from 0.4 to 0.7 between runs (a
 * scavenge that falls due while analysing copies the megabytes of parsed JSON still young). Every figure is the
 * median over the rounds after a warm-up, with its interquartile range and full range. The ratio is printed by wall
 * clock and by the CPU time of this thread (`threadCpuMs`), which a loaded machine disturbs much less.
 */
import { performance } from 'node:perf_hooks';
import { syntheticTrace, toTempoJson } from '../src/analysis/fixtures';
import { bundledAnalysis } from './bundledAnalysis';
import { collectGarbage, formatSpread, machineLoad, spread, threadCpuMs } from './stats';

const { analyzeTrace, buildTrace } = bundledAnalysis();

interface Workload {
  readonly label: string;
  /** Each round parses and analyses all of them, so every round sees the same traces. */
  readonly jsons: readonly string[];
  readonly warmupRounds: number;
  readonly rounds: number;
}

interface Round {
  readonly parseMs: number;
  readonly modelMs: number;
  readonly analysisMs: number;
  /** The same two phases in CPU time of this thread, NaN where it cannot be read. */
  readonly parseCpuMs: number;
  readonly analysisCpuMs: number;
  readonly spans: number;
}

const cpuMs = threadCpuMs ?? (() => Number.NaN);

function round(jsons: readonly string[]): Round {
  collectGarbage();
  const parsed: unknown[] = new Array(jsons.length);
  const c0 = cpuMs();
  const t0 = performance.now();
  for (let i = 0; i < jsons.length; i++) {
    parsed[i] = JSON.parse(jsons[i]!);
  }
  const parseMs = performance.now() - t0;
  const parseCpuMs = cpuMs() - c0;
  collectGarbage();
  let modelMs = 0;
  let spans = 0;
  const c1 = cpuMs();
  const t1 = performance.now();
  for (let i = 0; i < parsed.length; i++) {
    const t = performance.now();
    const trace = buildTrace(parsed[i]);
    modelMs += performance.now() - t;
    analyzeTrace(trace);
    spans += trace.spans.length;
  }
  const analysisMs = performance.now() - t1;
  const analysisCpuMs = cpuMs() - c1;
  return { parseMs, modelMs, analysisMs, parseCpuMs, analysisCpuMs, spans };
}

function run(w: Workload): void {
  for (let i = 0; i < w.warmupRounds; i++) {
    round(w.jsons);
  }
  const rounds = Array.from({ length: w.rounds }, () => round(w.jsons));
  const spans = rounds[0]!.spans;
  const perSecond = (ms: number) => `${Math.round(spans / (ms / 1000) / 1000).toLocaleString('en-US')}k spans/s`;
  const parse = spread(rounds.map((r) => r.parseMs));
  const analysis = spread(rounds.map((r) => r.analysisMs));
  console.log(
    `${w.label}: ${w.rounds} rounds of ${w.jsons.length} trace(s), ${spans.toLocaleString('en-US')} spans per round`
  );
  console.log(`  parse              ${formatSpread(parse, 1, ' ms')}; ${perSecond(parse.median)}`);
  console.log(`  analysis           ${formatSpread(analysis, 1, ' ms')}; ${perSecond(analysis.median)}`);
  console.log(`  of which the model ${formatSpread(spread(rounds.map((r) => r.modelMs)), 1, ' ms')}`);
  console.log(
    `  analysis / parse   ${formatSpread(spread(rounds.map((r) => r.analysisMs / r.parseMs)))} by wall clock`
  );
  if (threadCpuMs) {
    const ratios = rounds.map((r) => r.analysisCpuMs / r.parseCpuMs);
    console.log(`  analysis / parse   ${formatSpread(spread(ratios))} by CPU time of this thread`);
  }
}

const POOL = 20;
const otlp = Array.from({ length: POOL }, (_, i) => syntheticTrace({ spans: 1000, seed: i + 1 }));
const otlpJson = otlp.map((t) => JSON.stringify(t));
const tempoJson = otlp.map((t) => JSON.stringify(toTempoJson(t)));
const huge = syntheticTrace({ spans: 100_000, seed: 99 });
const hugeOtlp = [JSON.stringify(huge)];
const hugeTempo = [JSON.stringify(toTempoJson(huge))];

console.log(
  `node ${process.version}; ${(otlpJson[0]!.length / 1024).toFixed(0)} KiB of OTLP JSON per 1,000-span trace; ` +
    `figures are median (interquartile range, full range) over rounds; ${machineLoad()} at the start`
);
run({ label: '1,000-span traces, OTLP JSON', jsons: otlpJson, warmupRounds: 5, rounds: 30 });
run({ label: '1,000-span traces, Tempo JSON', jsons: tempoJson, warmupRounds: 5, rounds: 30 });
run({ label: '1 × 100,000 spans, OTLP JSON', jsons: hugeOtlp, warmupRounds: 3, rounds: 21 });
run({ label: '1 × 100,000 spans, Tempo JSON', jsons: hugeTempo, warmupRounds: 3, rounds: 21 });
console.log(`${machineLoad()} at the end`);
