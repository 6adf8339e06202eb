/**
 * "Why these traces?" cost: comparing 1,000 selected with 5,000 baseline traces of 50 spans, as a
 * ratio to `JSON.parse` of the same traces' OTLP JSON in the same run (the target is a ratio below 1:
 * the comparison costs less than reading the traces). Parse and compare rounds alternate and the
 * median ratio is reported, because the shared machine's load drifts. Runs under `npm run bench` or
 * alone with `npx tsx bench/compare.bench.ts`.
 */
import { performance } from 'node:perf_hooks';
import { type Trace, buildTrace, compareAttributes, compileRedaction } from '../src/analysis';
import { type OtlpTraceJson, syntheticTrace } from '../src/analysis/fixtures';

const SELECTED = 1000;
const BASELINE = 5000;
const SPANS = 50;
const ROUNDS = 5;
const REGIONS = ['us-east', 'us-west', 'ap-south', 'eu-west'];

/** A synthetic trace whose resources carry a region: always eu-west in the selection, any in the baseline. */
function traceIn(region: string, seed: number): OtlpTraceJson {
  const trace = syntheticTrace({ spans: SPANS, seed });
  const tag = { key: 'cloud.region', value: { stringValue: region } };
  return {
    resourceSpans: trace.resourceSpans.map((rs) => ({
      ...rs,
      resource: { attributes: [...rs.resource.attributes, tag] },
    })),
  };
}

const selectedJson = Array.from({ length: SELECTED }, (_, i) => JSON.stringify(traceIn('eu-west', i + 1)));
const baselineJson = Array.from({ length: BASELINE }, (_, i) =>
  JSON.stringify(traceIn(REGIONS[i % REGIONS.length]!, SELECTED + i + 1))
);
const allJson = [...selectedJson, ...baselineJson];
const selection: Trace[] = selectedJson.map((json) => buildTrace(JSON.parse(json)));
const baseline: Trace[] = baselineJson.map((json) => buildTrace(JSON.parse(json)));
const redactor = compileRedaction();

function parseAll(): number {
  const t0 = performance.now();
  let spans = 0;
  for (const json of allJson) {
    spans += (JSON.parse(json) as OtlpTraceJson).resourceSpans.length;
  }
  // Using the result keeps the parse from being optimised away.
  if (spans === 0) {
    throw new Error('no resource spans parsed');
  }
  return performance.now() - t0;
}

function compareAll(unit: 'trace' | 'span'): number {
  const t0 = performance.now();
  const result = compareAttributes(selection, baseline, { unit, redactor });
  const ms = performance.now() - t0;
  if (result.ranked[0]?.value !== 'eu-west') {
    throw new Error(`the planted region did not rank first: ${JSON.stringify(result.ranked[0])}`);
  }
  return ms;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const megabytes = allJson.reduce((sum, json) => sum + json.length, 0) / 1024 / 1024;
console.log(
  `node ${process.version}; ${SELECTED.toLocaleString('en-US')} selected + ${BASELINE.toLocaleString('en-US')} baseline` +
    ` traces of ${SPANS} spans, ${megabytes.toFixed(0)} MiB of OTLP JSON`
);
parseAll(); // warm-up
compareAll('trace');
compareAll('span');

for (const unit of ['trace', 'span'] as const) {
  const parse: number[] = [];
  const compare: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    parse.push(parseAll());
    compare.push(compareAll(unit));
    ratios.push(compare[round]! / parse[round]!);
  }
  console.log(
    `compare per ${unit.padEnd(5)} JSON.parse ${median(parse).toFixed(0).padStart(5)} ms` +
      ` | compare ${median(compare).toFixed(0).padStart(5)} ms` +
      ` | compare / parse = ${median(ratios).toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')})`
  );
}
