/**
 * Analysis throughput: 1,000 traces of 1,000 spans and one 100,000-span trace, in spans per
 * second and as a ratio to `JSON.parse` of the same OTLP JSON measured in the same run (the
 * target is a ratio below 1: analysing a trace costs less than parsing it). Runs under
 * `npm run bench` or alone with `npx tsx bench/analysis.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { analyzeTrace, buildTrace } from '../src/analysis';
import { syntheticTrace, toTempoJson } from '../src/analysis/fixtures';

interface Totals {
  parseMs: number;
  buildMs: number;
  analyzeMs: number;
  spans: number;
}

/** Parses each JSON string, then builds and analyses it, timing the three steps separately. */
function measure(jsons: readonly string[], rounds: number): Totals {
  const totals: Totals = { parseMs: 0, buildMs: 0, analyzeMs: 0, spans: 0 };
  for (let i = 0; i < rounds; i++) {
    const json = jsons[i % jsons.length]!;
    const t0 = performance.now();
    const parsed: unknown = JSON.parse(json);
    const t1 = performance.now();
    const trace = buildTrace(parsed);
    const t2 = performance.now();
    analyzeTrace(trace);
    const t3 = performance.now();
    totals.parseMs += t1 - t0;
    totals.buildMs += t2 - t1;
    totals.analyzeMs += t3 - t1;
    totals.spans += trace.spans.length;
  }
  return totals;
}

function report(label: string, t: Totals): void {
  const perSecond = (ms: number) => Math.round(t.spans / (ms / 1000)).toLocaleString('en-US');
  console.log(
    `${label.padEnd(34)} parse ${t.parseMs.toFixed(0).padStart(6)} ms (${perSecond(t.parseMs)} spans/s)` +
      ` | analysis ${t.analyzeMs.toFixed(0).padStart(6)} ms (${perSecond(t.analyzeMs)} spans/s; model ${t.buildMs.toFixed(0)} ms)` +
      ` | analysis / parse = ${(t.analyzeMs / t.parseMs).toFixed(2)}`
  );
}

const POOL = 20;
const otlp = Array.from({ length: POOL }, (_, i) => syntheticTrace({ spans: 1000, seed: i + 1 }));
const otlpJson = otlp.map((t) => JSON.stringify(t));
const tempoJson = otlp.map((t) => JSON.stringify(toTempoJson(t)));
const huge = syntheticTrace({ spans: 100_000, seed: 99 });
const hugeOtlp = [JSON.stringify(huge)];
const hugeTempo = [JSON.stringify(toTempoJson(huge))];

console.log(
  `node ${process.version}; ${(otlpJson[0]!.length / 1024).toFixed(0)} KiB of OTLP JSON per 1,000-span trace`
);
measure(otlpJson, 200); // warm-up: let the JIT settle before timing
measure(tempoJson, 200);

report('1,000 × 1,000 spans, OTLP JSON', measure(otlpJson, 1000));
report('1,000 × 1,000 spans, Tempo JSON', measure(tempoJson, 1000));
measure(hugeOtlp, 1);
report('1 × 100,000 spans, OTLP JSON (×3)', measure(hugeOtlp, 3));
report('1 × 100,000 spans, Tempo JSON (×3)', measure(hugeTempo, 3));
