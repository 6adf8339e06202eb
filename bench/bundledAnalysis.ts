/**
 * The analysis as the plugin ships it: one bundle with its modules hoisted into one scope. Loaded through tsx,
 * every call between our modules would go through a CommonJS export getter, which alone cost ~7% of the
 * analysis in a profile and made it look 30% slower than it is in the browser.
 */
import { buildSync } from 'esbuild';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function bundledAnalysis(): typeof import('../src/analysis') {
  const file = join(mkdtempSync(join(tmpdir(), 'tracingops-bench-')), 'analysis.cjs');
  const bundle = buildSync({
    entryPoints: [join(__dirname, '../src/analysis/index.ts')],
    bundle: true,
    format: 'cjs',
    platform: 'neutral',
    target: 'es2022',
    write: false,
  });
  writeFileSync(file, bundle.outputFiles[0]!.text);
  return require(file) as typeof import('../src/analysis');
}
