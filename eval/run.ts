/**
 * `npm run eval -- --nezha DIR [--baseline before|fault-free|both] [--fault ID]…`: runs every fault of a directory in the
 * Nezha layout through the product's analysis and suspect ranking and prints, per fault, the truth, the top five
 * suspects and the truth's rank, then AS@1/3/5 overall and per fault type, each rule's precision and recall, the rows
 * skipped and the run time. docs/evaluation.md explains the method and records the figures.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { type BaselineWindow, type FaultResult, evaluateFault } from './evaluateFault';
import { RowCounts, readFaults } from './nezhaData';
import { K, type Accuracy, accuracy, accuracyByType, ruleScores } from './scores';

const { values } = parseArgs({
  options: {
    nezha: { type: 'string' },
    baseline: { type: 'string', default: 'before' },
    fault: { type: 'string', multiple: true },
  },
});
if (!values.nezha || !['before', 'fault-free', 'both'].includes(values.baseline ?? '')) {
  console.error('usage: npm run eval -- --nezha DIR [--baseline before|fault-free|both] [--fault ID]…');
  process.exit(2);
}
const dir = values.nezha;
const window = values.baseline as BaselineWindow;

const started = performance.now();
let file: ReturnType<typeof readFaults>;
try {
  file = readFaults(dir);
} catch (error) {
  console.error(`cannot read ${dir}/faults.json: ${(error as Error).message}`);
  process.exit(2);
}
const counts = new RowCounts();
const chosen = values.fault ? file.faults.filter((f) => values.fault!.includes(f.id)) : file.faults;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

console.log(`# ${file.system || dir}: ${chosen.length} faults, baseline window: ${window}\n`);
for (const invalid of file.invalidFaults) {
  console.log(`skipped ${invalid}`);
}
const results: FaultResult[] = [];
for (const fault of chosen) {
  const result = evaluateFault({ dir, fault, window, faultFreeMinute: file.faultFreeMinutes[fault.day], counts });
  results.push(result);
  const rank = result.rank === undefined ? 'not in the top suspects' : `rank ${result.rank}`;
  const byFindings = result.findingsRank === undefined ? 'not ranked' : `rank ${result.findingsRank}`;
  console.log(`## ${fault.id} ${fault.inject_type} in ${fault.service}: ${rank} (by findings: ${byFindings})`);
  console.log(`   ${result.rangeTraces} traces in the range, ${result.baselineTraces} in the baseline`);
  if (result.unusable || !result.ranking) {
    console.log(`   ${result.unusable ?? 'not ranked'}\n`);
    continue;
  }
  if (result.ranking.verdict !== 'ranked') {
    console.log('   not enough evidence');
  }
  result.ranking.suspects.slice(0, 5).forEach((s, i) => {
    const mark = s.service === fault.service ? '*' : ' ';
    const operation = s.operation ? ` \`${s.operation}\`` : '';
    console.log(`  ${mark}${i + 1}. ${s.service}${operation} (${s.score.toFixed(1)}): ${s.reason}`);
  });
  for (const note of result.ranking.notes) {
    console.log(`   note: ${note}`);
  }
  console.log('');
}

const row = (label: string, a: Accuracy) =>
  `| ${label} | ${a.faults} | ${K.map((k) => `${pct(a.at[k])} (${a.hits[k]})`).join(' | ')} |`;
console.log('## AS@k (share of faults whose true service is ranked in the top k; counts in brackets)\n');
console.log('| fault type | faults | AS@1 | AS@3 | AS@5 |');
console.log('|---|---|---|---|---|');
for (const [type, a] of accuracyByType(results)) {
  console.log(row(type, a));
}
console.log(row('all', accuracy(results)));
console.log(
  row(
    'all, ranked by findings per service (before issue 27)',
    accuracy(results, (r) => r.findingsRank)
  )
);

console.log('\n## Per-trace rules on the range (correct: evidence involves the true service)\n');
console.log('| rule | flagged traces | correct | precision | recall |');
console.log('|---|---|---|---|---|');
for (const [rule, s] of ruleScores(results)) {
  console.log(`| ${rule} | ${s.flagged} | ${s.correct} | ${pct(s.precision)} | ${pct(s.recall)} |`);
}

const unusable = results.filter((r) => r.unusable).map((r) => r.fault.id);
console.log(
  `\nrows read: ${counts.spans} spans, ${counts.logs} log lines; skipped as malformed: ${counts.skippedSpans} span rows, ` +
    `${counts.skippedLogs} log rows; missing files: ${counts.missingFiles.length}; faults without usable traces: ` +
    `${unusable.length ? unusable.join(', ') : 'none'}`
);
for (const missing of counts.missingFiles) {
  console.log(`missing: ${missing}`);
}
console.log(`run time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
