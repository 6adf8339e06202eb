/**
 * `npm run bench`: runs every `bench/*.bench.ts` in its own process, one after the other (so they do not compete
 * for the two cores), then reports the production bundle size. Each benchmark prints its own figures, always as a
 * ratio to a baseline measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const benchDir = __dirname;
const root = path.resolve(benchDir, '..');
const only = process.argv.slice(2);

const benches = fs
  .readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.includes(name)))
  .sort();

let failed = 0;
for (const file of benches) {
  console.log(`\n## ${file}`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join(benchDir, file)], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) {
    failed++;
    console.error(`${file} failed with exit code ${result.status}`);
  }
}

const distDir = path.join(root, 'dist');
if (only.length === 0 && fs.existsSync(distDir)) {
  console.log('\n## bundle size (dist/, without source maps)');
  const files = fs.readdirSync(distDir, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
  let total = 0;
  for (const file of files.sort()) {
    const size = fs.statSync(path.join(distDir, file)).size;
    total += size;
    console.log(`${file.padEnd(40)} ${(size / 1024).toFixed(1)} KiB`);
  }
  console.log(`${'total'.padEnd(40)} ${(total / 1024).toFixed(1)} KiB`);
}

process.exit(failed ? 1 : 0);
